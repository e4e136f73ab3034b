import type { AuthContext } from '../../common/auth-context.js'
import { isAdmin } from '../../common/auth-context.js'
import {
  attachmentsOf,
  listVolumeRows,
  type VolumeRow,
} from '../../db/repositories/volume/volumes.js'
import { listSnapshotRows, type SnapshotRow } from '../../db/repositories/volume/snapshots.js'
import type { VolumeContext } from './volume-context.js'

/**
 * A volume as Nova's deprecated os-volumes proxy shows it
 * (nova/api/openstack/compute/volumes.py _translate_volume_summary_view).
 */
export interface ProxyVolume {
  id: string
  status: string
  size: number
  availabilityZone: string
  createdAt: string
  attachments: Array<Record<string, string>>
  displayName: string | null
  displayDescription: string | null
  volumeType: string | null
  snapshotId: string | null
  metadata: Record<string, string>
}

/** Nova's view of rows: one attachment at most (Nova shows the first), type by name. */
export async function proxyViews(
  ctx: VolumeContext,
  rows: readonly VolumeRow[],
): Promise<ProxyVolume[]> {
  const atts = (
    await attachmentsOf(
      ctx.db,
      rows.map((r) => r.id),
    )
  ).filter((a) => a.attach_status === 'attached')
  const types = new Map(
    (await ctx.db.selectFrom('volume_types').select(['id', 'name']).execute()).map((t) => [
      t.id,
      t.name,
    ]),
  )
  return rows.map((v) => {
    const a = atts.find((x) => x.volume_id === v.id)
    return {
      id: v.id,
      status: v.status,
      size: v.size,
      availabilityZone: v.availability_zone,
      // Cinder's created_at as Nova passes it through: naive ISO with microseconds.
      createdAt: new Date(v.created_at).toISOString().replace('Z', '000'),
      attachments: a
        ? [
            {
              id: v.id,
              volumeId: v.id,
              serverId: a.instance_uuid ?? '',
              ...(a.mountpoint ? { device: a.mountpoint } : {}),
            },
          ]
        : [{}],
      displayName: v.name,
      displayDescription: v.description,
      volumeType: types.get(v.volume_type_id) ?? v.volume_type_id,
      snapshotId: v.snapshot_id,
      metadata: JSON.parse(v.metadata || '{}') as Record<string, string>,
    }
  })
}

/** The caller's project's volumes (admins: their project's too, as Nova's proxy lists). */
export async function projectVolumes(ctx: VolumeContext, auth: AuthContext): Promise<VolumeRow[]> {
  const project = auth.project?.id
  if (!project && !isAdmin(auth)) return []
  return listVolumeRows(ctx.db, project)
}

/**
 * A snapshot as Nova's os-snapshots proxy shows it
 * (nova/api/openstack/compute/volumes.py _translate_snapshot_summary_view).
 */
export interface ProxySnapshot {
  id: string
  volumeId: string
  status: string
  size: number
  createdAt: string
  displayName: string | null
  displayDescription: string | null
}

export function proxySnapshotView(s: SnapshotRow): ProxySnapshot {
  return {
    id: s.id,
    volumeId: s.volume_id,
    status: s.status,
    size: s.size,
    createdAt: new Date(s.created_at).toISOString().replace('Z', '000'),
    displayName: s.name,
    displayDescription: s.description,
  }
}

/** The caller's project's snapshots (Nova's proxy lists the project's, admin or not). */
export async function projectSnapshots(
  ctx: VolumeContext,
  auth: AuthContext,
): Promise<SnapshotRow[]> {
  const project = auth.project?.id
  if (!project) return []
  return listSnapshotRows(ctx.db, { projectId: project })
}
