import type { JsonValue } from '../../../bus/bus.js'
import type { InstanceTable } from '../../../db/compute-schema.js'
import { newUuid } from '../../../common/ids.js'
import type { TestCloud } from '../../identity/testing.js'

/** Test-only: an instance row written straight to the database (no boot path needed). */
export async function insertInstance(
  cloud: TestCloud,
  projectId: string,
  values: Partial<InstanceTable> = {},
): Promise<InstanceTable> {
  const now = new Date().toISOString()
  const row: InstanceTable = {
    uuid: newUuid(),
    project_id: projectId,
    user_id: 'u1',
    display_name: 'vm',
    display_description: null,
    hostname: 'vm',
    host: 'h1',
    node: 'h1',
    availability_zone: 'nova',
    vm_state: 'active',
    task_state: null,
    power_state: 1,
    flavor: JSON.stringify({
      id: '1',
      name: 'm1.tiny',
      vcpus: 1,
      memoryMb: 512,
      rootGb: 1,
      ephemeralGb: 0,
      swapMb: 0,
      extraSpecs: {},
    }),
    old_flavor: null,
    new_flavor: null,
    image_ref: newUuid(),
    key_name: null,
    key_data: null,
    user_data: null,
    config_drive: '',
    metadata: '{}',
    system_metadata: '{}',
    access_ip_v4: null,
    access_ip_v6: null,
    locked: 0,
    locked_by: null,
    locked_reason: null,
    trusted_certs: null,
    launch_index: 0,
    reservation_id: 'r-1',
    request_spec: '{}',
    fault: null,
    progress: 0,
    root_device_name: null,
    launched_at: now,
    terminated_at: null,
    created_at: now,
    updated_at: now,
    deleted_at: null,
    deleted: 0,
    ...values,
  }
  await cloud.database.db.insertInto('instances').values(row).execute()
  return row
}

export async function instanceRow(cloud: TestCloud, uuid: string): Promise<InstanceTable> {
  return cloud.database.db
    .selectFrom('instances')
    .selectAll()
    .where('uuid', '=', uuid)
    .executeTakeFirstOrThrow()
}

/** Test-only: collects what the API casts to compute.<host> (stands in for the worker). */
export async function captureCompute(
  cloud: TestCloud,
  host: string,
): Promise<{
  messages: Array<{ method: string; args: Record<string, unknown> }>
  close(): Promise<void>
}> {
  const messages: Array<{ method: string; args: Record<string, unknown> }> = []
  const sub = await cloud.bus.listen(
    { topic: 'compute', server: host },
    (method, args: JsonValue) => {
      messages.push({ method, args: args as Record<string, unknown> })
      return null
    },
  )
  return { messages, close: () => sub.close() }
}

export const settle = (ms = 20): Promise<void> => new Promise((r) => setTimeout(r, ms))
