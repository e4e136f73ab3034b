import type { AuthContext } from '../../common/auth-context.js'
import { NotFoundError, ServiceUnavailableError } from '../../common/errors.js'
import { attachmentsOf, findVolume } from '../../db/repositories/volume/volumes.js'
import {
  completeAttachment,
  createAttachment,
  removeAttachment,
  updateAttachmentConnector,
} from './attachments-service.js'
import { extendVolume } from './volume-admin-actions.js'
import { findVisibleType } from './types-service.js'
import {
  projectSnapshots,
  projectVolumes,
  proxySnapshotView,
  proxyViews,
  type ProxySnapshot,
  type ProxyVolume,
} from './proxy-view.js'
import { createSnapshot, deleteSnapshot, findVisibleSnapshot } from './snapshots-service.js'
import { createVolume, type VolumeCreateInput } from './volume-create.js'
import { deleteVolume, findVisibleVolume } from './volumes-service.js'
import type { VolumeContext } from './volume-context.js'

/** A volume as compute needs it. */
export interface ComputeVolume {
  readonly id: string
  readonly size: number
  readonly status: string
  readonly multiattach: boolean
  readonly bootable: boolean
  readonly availabilityZone: string
  readonly volumeTypeId: string
  /** Attached attachments: { attachmentId, serverId, device }. */
  readonly attachments: readonly {
    attachmentId: string
    serverId: string | null
    device: string | null
  }[]
}

/** Cinder's connection info plus the attachment it belongs to. */
export interface VolumeConnectionInfo {
  readonly driver_volume_type: string
  readonly data: Readonly<Record<string, unknown>>
  readonly attachment_id: string
}

/**
 * The block storage calls the compute service makes, in-process, with the
 * caller's AuthContext (Nova calls Cinder as the user). Attach follows the
 * attachments API (3.27/3.44):
 *
 *   reserve(volumeId, instanceUuid) → attachmentId      volume: reserved
 *   connect(attachmentId, connector) → connection info  volume: attaching
 *   complete(attachmentId)                               volume: in-use
 *   detach(attachmentId)                                 volume: available (when last)
 *
 * Every method throws the API's errors: 404 when the volume is not visible to
 * the caller's project, 400 (Cinder's "Invalid volume: …") on a wrong status
 * (e.g. reserving an attached non-multiattach volume).
 * The connector is os-brick's dict; put `host` and `mountpoint` (the device
 * name) in it so the volume shows them in its attachments.
 */
export class VolumeComputeApi {
  constructor(readonly ctx: VolumeContext) {}

  async get(auth: AuthContext, volumeId: string): Promise<ComputeVolume> {
    const v = await findVisibleVolume(this.ctx, auth, volumeId)
    const atts = (await attachmentsOf(this.ctx.db, [v.id])).filter(
      (a) => a.attach_status === 'attached',
    )
    return {
      id: v.id,
      size: v.size,
      status: v.status,
      multiattach: v.multiattach === 1,
      bootable: v.bootable === 1,
      availabilityZone: v.availability_zone,
      volumeTypeId: v.volume_type_id,
      attachments: atts.map((a) => ({
        attachmentId: a.id,
        serverId: a.instance_uuid,
        device: a.mountpoint,
      })),
    }
  }

  async reserve(auth: AuthContext, volumeId: string, instanceUuid: string): Promise<string> {
    return (await createAttachment(this.ctx, auth, { volumeId, instanceUuid })).id
  }

  async connect(
    auth: AuthContext,
    attachmentId: string,
    connector: Record<string, unknown>,
  ): Promise<VolumeConnectionInfo> {
    const a = await updateAttachmentConnector(this.ctx, auth, attachmentId, connector)
    return JSON.parse(a.connection_info ?? '{}') as VolumeConnectionInfo
  }

  complete(auth: AuthContext, attachmentId: string): Promise<void> {
    return completeAttachment(this.ctx, auth, attachmentId)
  }

  async detach(auth: AuthContext, attachmentId: string): Promise<void> {
    await removeAttachment(this.ctx, auth, attachmentId)
  }

  /** Nova's os-volumes proxy: the caller's project's volumes in Nova's view. */
  async proxyList(auth: AuthContext): Promise<ProxyVolume[]> {
    return proxyViews(this.ctx, await projectVolumes(this.ctx, auth))
  }

  /** One volume in Nova's proxy view (404 when not visible). */
  async proxyShow(auth: AuthContext, volumeId: string): Promise<ProxyVolume> {
    const [v] = await proxyViews(this.ctx, [await findVisibleVolume(this.ctx, auth, volumeId)])
    return v as ProxyVolume
  }

  /** Creates through the Cinder path (quota, scheduler) and answers Nova's view. */
  async proxyCreate(auth: AuthContext, input: VolumeCreateInput): Promise<ProxyVolume> {
    const row = await createVolume(this.ctx, auth, input)
    const [v] = await proxyViews(this.ctx, [row])
    return v as ProxyVolume
  }

  /** Nova's os-snapshots proxy: the caller's project's snapshots in Nova's view. */
  async proxySnapshots(auth: AuthContext): Promise<ProxySnapshot[]> {
    return (await projectSnapshots(this.ctx, auth)).map(proxySnapshotView)
  }

  /** One snapshot in Nova's proxy view (404 when not visible). */
  async proxySnapshot(auth: AuthContext, snapshotId: string): Promise<ProxySnapshot> {
    return proxySnapshotView(await findVisibleSnapshot(this.ctx, auth, snapshotId))
  }

  /** Through Cinder's path at its base microversion (an in-use volume needs `force`). */
  async proxySnapshotCreate(
    auth: AuthContext,
    input: { volumeId: string; force: boolean; name?: string; description?: string },
  ): Promise<ProxySnapshot> {
    return proxySnapshotView(await createSnapshot(this.ctx, auth, input, 0))
  }

  async proxySnapshotDelete(auth: AuthContext, snapshotId: string): Promise<void> {
    await deleteSnapshot(this.ctx, auth, snapshotId, false)
  }

  /** The name of a volume type the caller may use, by id or name; undefined when there is none. */
  async volumeTypeName(auth: AuthContext, idOrName: string): Promise<string | undefined> {
    try {
      return (await findVisibleType(this.ctx, auth, idOrName)).name
    } catch (err) {
      if (err instanceof NotFoundError) return undefined
      throw err
    }
  }

  /** Boot from volume: a new volume (blank, from an image or a snapshot); poll waitFor(…, 'available'). */
  async create(
    auth: AuthContext,
    input: {
      size?: number
      imageRef?: string
      snapshotId?: string
      sourceVolid?: string
      name?: string
      volumeType?: string
      availabilityZone?: string
    },
  ): Promise<string> {
    return (await createVolume(this.ctx, auth, input)).id
  }

  /** Resolves with the status once it is one of `want`; rejects on `error*` or after timeoutMs. */
  async waitFor(volumeId: string, want: readonly string[], timeoutMs = 300_000): Promise<string> {
    const end = Date.now() + timeoutMs
    for (;;) {
      const v = await findVolume(this.ctx.db, volumeId)
      if (!v) throw new Error(`Volume ${volumeId} disappeared.`)
      if (want.includes(v.status)) return v.status
      if (v.status.startsWith('error'))
        throw new Error(`Volume ${volumeId} went to ${v.status}: ${v.status_reason ?? ''}`)
      if (Date.now() > end)
        throw new ServiceUnavailableError(
          `Volume ${volumeId} still ${v.status} after ${timeoutMs} ms.`,
        )
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  delete(auth: AuthContext, volumeId: string): Promise<void> {
    return deleteVolume(this.ctx, auth, volumeId, {})
  }

  /** Extend an attached volume (3.42 semantics). */
  extend(auth: AuthContext, volumeId: string, newSizeGb: number): Promise<void> {
    return extendVolume(this.ctx, auth, volumeId, newSizeGb, 42)
  }
}
