import type { FastifyRequest } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import {
  parseMap,
  type AttachmentRow,
  type VolumeRow,
} from '../../../db/repositories/volume/volumes.js'
import { cinderTime, selfLinks } from './common.js'
import { mv } from './microversion.js'

/** Admin metadata keys Cinder shows inside `metadata` (add_visible_admin_metadata). */
const VISIBLE_ADMIN_KEYS = ['readonly', 'attached_mode']

export function visibleMetadata(v: VolumeRow): Record<string, string> {
  const md = parseMap(v.metadata)
  const admin = parseMap(v.admin_metadata)
  for (const k of VISIBLE_ADMIN_KEYS) if (admin[k] !== undefined) md[k] = admin[k]
  return md
}

export interface TypeNames {
  get(id: string): { name: string } | undefined
}

export function volumeSummary(request: FastifyRequest, v: VolumeRow) {
  return { id: v.id, name: v.name, links: selfLinks(request, 'volumes', v.id) }
}

/** cinder/api/v3/views/volumes.py detail() plus the admin extensions (tenant, host, migration). */
export function volumeDetail(
  request: FastifyRequest,
  v: VolumeRow,
  attachments: readonly AttachmentRow[],
  types: TypeNames,
) {
  const admin = isAdmin(request.auth)
  const typeName = types.get(v.volume_type_id)?.name ?? null
  const out: Record<string, unknown> = {
    id: v.id,
    status: v.status,
    size: v.size,
    availability_zone: v.availability_zone,
    created_at: cinderTime(v.created_at),
    updated_at: cinderTime(v.updated_at),
    name: v.name,
    description: v.description,
    volume_type: typeName,
    snapshot_id: v.snapshot_id,
    source_volid: v.source_volid,
    metadata: visibleMetadata(v),
    links: selfLinks(request, 'volumes', v.id),
    user_id: v.user_id,
    bootable: v.bootable === 1 ? 'true' : 'false',
    encrypted: false,
    replication_status: v.replication_status,
    consistencygroup_id: null,
    multiattach: v.multiattach === 1,
    attachments: attachments
      .filter((a) => a.volume_id === v.id && a.attach_status === 'attached')
      .map((a) => ({
        id: a.volume_id,
        attachment_id: a.id,
        volume_id: a.volume_id,
        server_id: a.instance_uuid,
        host_name: admin ? a.attached_host : null,
        device: a.mountpoint,
        attached_at: cinderTime(a.attach_time),
      })),
  }
  if (v.image_metadata !== null) out['volume_image_metadata'] = parseMap(v.image_metadata)
  // volume_tenant_attribute extends show/detail only; its default rule is the
  // project's readers (and admins), not admins alone since Xena.
  if (request.method === 'GET' && (admin || request.auth.project?.id === v.project_id))
    out['os-vol-tenant-attr:tenant_id'] = v.project_id
  if (admin) {
    out['migration_status'] = v.migration_status
    out['os-vol-host-attr:host'] = v.host
    out['os-vol-mig-status-attr:migstat'] = v.migration_status
    out['os-vol-mig-status-attr:name_id'] = null
  }
  if (mv(request, 13)) out['group_id'] = null
  if (admin && mv(request, 21)) out['provider_id'] = null
  if (mv(request, 48)) {
    out['shared_targets'] = mv(request, 69) ? false : false
    out['service_uuid'] = null
  }
  if (admin && mv(request, 61)) out['cluster_name'] = null
  if (mv(request, 63)) out['volume_type_id'] = v.volume_type_id
  if (mv(request, 65)) out['consumes_quota'] = v.use_quota === 1
  return out
}
