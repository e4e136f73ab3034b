import type { AuthContext } from '../../common/auth-context.js'
import {
  updateInstance,
  type InstanceRow,
  type InstanceUpdate,
} from '../../db/repositories/compute/instances.js'
import type { ComputeContext } from './compute-context.js'
import { sysMetaWithDiskConfig, type DiskConfig } from './disk-config.js'
import { visibleInstance } from './servers-lookup.js'

export interface ServerChanges {
  readonly name?: string
  /** null clears it (2.19+). */
  readonly description?: string | null
  readonly accessIPv4?: string
  readonly accessIPv6?: string
  /** OS-DCF:diskConfig (Nova's update takes it as auto_disk_config). */
  readonly diskConfig?: DiskConfig
}

/** PUT /servers/{id}: rename, describe, set access IPs (Nova's update_instance). */
export async function updateServer(
  ctx: ComputeContext,
  auth: AuthContext,
  uuid: string,
  changes: ServerChanges,
): Promise<InstanceRow> {
  const cur = await visibleInstance(ctx, auth, uuid)
  const values: InstanceUpdate = {}
  if (changes.name !== undefined) values.display_name = changes.name
  if (changes.description !== undefined) values.display_description = changes.description
  if (changes.accessIPv4 !== undefined) values.access_ip_v4 = changes.accessIPv4
  if (changes.accessIPv6 !== undefined) values.access_ip_v6 = changes.accessIPv6
  if (changes.diskConfig !== undefined)
    values.system_metadata = sysMetaWithDiskConfig(cur, changes.diskConfig)
  if (Object.keys(values).length > 0) await updateInstance(ctx.db, uuid, values)
  return visibleInstance(ctx, auth, uuid)
}
