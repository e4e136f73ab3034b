import type { Db } from '../../db/database.js'
import { insertBdms, type NewBdm } from '../../db/repositories/compute/block-device-mappings.js'
import { startAction } from '../../db/repositories/compute/instance-actions.js'
import { insertInstances, type InstanceFlavor } from '../../db/repositories/compute/instances.js'
import { addServerGroupMembers } from '../../db/repositories/compute/server-groups.js'
import { newUuid } from '../../common/ids.js'
import type { ComputeContext } from './compute-context.js'
import type { QuotaLimits } from './quotas.js'
import type { RequestSpec } from './rpc.js'
import type { BdmRequest } from './servers-create-types.js'
import { allowedInstanceCount, lockProjectQuota } from './servers-quota.js'

/** One instance of a create request, ready to be stored. */
export interface NewServer {
  readonly uuid: string
  readonly projectId: string
  readonly userId: string
  readonly displayName: string
  readonly description: string | null
  readonly hostname: string
  readonly launchIndex: number
  readonly availabilityZone: string | null
  readonly flavorJson: string
  readonly imageRef: string
  readonly keyName: string | null
  readonly keyData: string | null
  readonly userData: string | null
  readonly configDrive: string
  readonly metadata: Readonly<Record<string, string>>
  readonly systemMetadata: Readonly<Record<string, string>>
  readonly accessIPv4: string | null
  readonly accessIPv6: string | null
  readonly reservationId: string
  readonly vmState: string
  readonly taskState: string | null
  readonly tags: readonly string[]
  readonly trustedCerts: readonly string[] | null
  readonly bdms: readonly BdmRequest[]
  /** Image of an image-backed server without BDMs: stored as the implicit root BDM. */
  readonly bootImageId: string | undefined
  readonly groupUuid: string | undefined
}

export interface PersistOptions {
  readonly projectId: string
  readonly limits: QuotaLimits
  readonly flavor: InstanceFlavor
  readonly minCount: number
  readonly maxCount: number
  readonly requestId: string
  readonly now: string
  /** Builds instance `index` of `count`. */
  readonly build: (count: number, index: number) => NewServer
  readonly spec: (count: number) => RequestSpec
}

function bdmRows(s: NewServer, now: string): NewBdm[] {
  const rows: NewBdm[] = []
  const base = {
    instance_uuid: s.uuid,
    connection_info: null,
    attachment_id: null,
    volume_type: null,
    created_at: now,
    updated_at: now,
  }
  if (s.bootImageId !== undefined)
    rows.push({
      ...base,
      uuid: newUuid(),
      source_type: 'image',
      destination_type: 'local',
      device_name: null,
      boot_index: 0,
      device_type: 'disk',
      disk_bus: null,
      volume_id: null,
      snapshot_id: null,
      image_id: s.bootImageId,
      volume_size: null,
      delete_on_termination: 1,
      tag: null,
    })
  for (const b of s.bdms)
    rows.push({
      ...base,
      uuid: newUuid(),
      source_type: b.sourceType,
      destination_type: b.destinationType,
      device_name: b.deviceName ?? null,
      boot_index: b.bootIndex,
      device_type: b.deviceType ?? 'disk',
      disk_bus: b.diskBus ?? null,
      volume_id: b.sourceType === 'volume' ? (b.uuid ?? null) : null,
      snapshot_id: b.sourceType === 'snapshot' ? (b.uuid ?? null) : null,
      image_id: b.sourceType === 'image' ? (b.uuid ?? null) : null,
      volume_size: b.volumeSize ?? null,
      delete_on_termination: b.deleteOnTermination ? 1 : 0,
      tag: b.tag ?? null,
      volume_type: b.volumeType ?? null,
    })
  return rows
}

async function insertOne(tx: Db, s: NewServer, spec: RequestSpec, requestId: string, now: string) {
  await insertInstances(tx, [
    {
      uuid: s.uuid,
      project_id: s.projectId,
      user_id: s.userId,
      display_name: s.displayName,
      display_description: s.description,
      hostname: s.hostname,
      host: null,
      node: null,
      availability_zone: s.availabilityZone,
      vm_state: s.vmState,
      task_state: s.taskState,
      power_state: 0,
      flavor: s.flavorJson,
      old_flavor: null,
      new_flavor: null,
      image_ref: s.imageRef,
      key_name: s.keyName,
      key_data: s.keyData,
      user_data: s.userData,
      config_drive: s.configDrive,
      metadata: JSON.stringify(s.metadata),
      system_metadata: JSON.stringify(s.systemMetadata),
      access_ip_v4: s.accessIPv4,
      access_ip_v6: s.accessIPv6,
      locked: 0,
      locked_by: null,
      locked_reason: null,
      trusted_certs: s.trustedCerts ? JSON.stringify(s.trustedCerts) : null,
      launch_index: s.launchIndex,
      reservation_id: s.reservationId,
      request_spec: JSON.stringify(spec),
      fault: null,
      progress: 0,
      root_device_name: null,
      launched_at: null,
      terminated_at: null,
      created_at: now,
      updated_at: now,
      deleted_at: null,
      deleted: 0,
    },
  ])
  await insertBdms(tx, bdmRows(s, now))
  const tags = [...new Set(s.tags)]
  if (tags.length > 0)
    await tx
      .insertInto('instance_tags')
      .values(tags.map((tag) => ({ instance_uuid: s.uuid, tag })))
      .execute()
  if (s.groupUuid !== undefined) await addServerGroupMembers(tx, s.groupUuid, [s.uuid])
  await startAction(
    tx,
    {
      instanceUuid: s.uuid,
      action: 'create',
      requestId,
      userId: s.userId,
      projectId: s.projectId,
    },
    now,
  )
}

/**
 * Stores the instances of one request in a single transaction, after taking
 * the project's quota lock and counting usage: concurrent creates cannot both
 * pass the quota check. Returns the new uuids.
 */
export async function persistServers(ctx: ComputeContext, o: PersistOptions): Promise<string[]> {
  return ctx.db.transaction().execute(async (tx) => {
    await lockProjectQuota(tx, o.projectId)
    const count = await allowedInstanceCount(
      tx,
      o.projectId,
      o.limits,
      o.flavor,
      o.minCount,
      o.maxCount,
    )
    const spec = o.spec(count)
    const uuids: string[] = []
    for (let i = 0; i < count; i++) {
      const s = o.build(count, i)
      await insertOne(tx, s, spec, o.requestId, o.now)
      uuids.push(s.uuid)
    }
    return uuids
  })
}
