import type { JsonValue } from '../../bus/bus.js'
import { NotFoundError } from '../../common/errors.js'
import type { InstanceTable } from '../../db/compute-schema.js'
import { deleteInstanceAllocations } from '../placement/index.js'
import { resetBuildFailure } from '../scheduler/index.js'
import { releaseBlockDevices } from './block-devices.js'
import { conductorMethod, type ConductorMethods } from './conductor-method.js'
import { finishActionEvent, startActionEvent } from './instance-actions.js'
import { blockDevicesOf, buildInstanceSpec } from './instance-spec.js'
import { loadInstance, requireInstance, saveFault, saveInstance } from './instance-store.js'
import { pendingVifPlugs, vifsOf } from './instance-vifs.js'
import { deallocateNetworks } from './network-allocation.js'

const json = (v: unknown): JsonValue => v as JsonValue

/**
 * The database work of compute workers, served over the bus (workers hold no
 * database credentials). One method per ConductorClient member; names are the
 * contract with worker/conductor-client.ts.
 */
export const workerProxyMethods: ConductorMethods = {
  get_instance: conductorMethod<{ uuid: string }>(async (c, a) =>
    json((await loadInstance(c.db, a.uuid)) ?? null),
  ),
  update_instance: conductorMethod<{
    uuid: string
    values: Partial<InstanceTable>
    expectedTaskState?: Array<string | null>
  }>(async (c, a) => {
    // The primary key is never changed through this door.
    const values: Partial<InstanceTable> = { ...a.values }
    delete values.uuid
    return json(await saveInstance(c.db, a.uuid, values, a.expectedTaskState))
  }),
  start_event: conductorMethod<{ uuid: string; requestId: string; event: string; host?: string }>(
    async (c, a) => startActionEvent(c.db, a.uuid, a.requestId, a.event, a.host ?? null),
  ),
  finish_event: conductorMethod<{
    uuid: string
    requestId: string
    event: string
    result: 'Success' | 'Error'
    traceback?: string
    host?: string
  }>(async (c, a) =>
    finishActionEvent(c.db, a.uuid, a.requestId, a.event, a.result, a.host ?? null, a.traceback),
  ),
  set_fault: conductorMethod<{
    uuid: string
    fault: { code: number; message: string; details?: string }
  }>(async (c, a) => saveFault(c.db, a.uuid, a.fault)),
  instance_spec: conductorMethod<{ uuid: string }>(async (c, a) =>
    json(await buildInstanceSpec(c, await requireInstance(c.db, a.uuid))),
  ),
  vifs: conductorMethod<{ uuid: string }>(async (c, a) => json(await vifsOf(c, a.uuid))),
  pending_vif_plugs: conductorMethod<{ uuid: string }>(async (c, a) =>
    json(await pendingVifPlugs(c, a.uuid)),
  ),
  block_devices: conductorMethod<{ uuid: string }>(async (c, a) =>
    json(await blockDevicesOf(c, a.uuid)),
  ),
  /** Instances the database places on a node, deleted ones excluded (reconciliation, power sync). */
  instances_on_node: conductorMethod<{ host: string; node: string }>(async (c, a) =>
    json(
      await c.db
        .selectFrom('instances')
        .selectAll()
        .where('host', '=', a.host)
        .where('node', '=', a.node)
        .where('deleted', '=', 0)
        .execute(),
    ),
  ),
  /** Ports of a terminated instance: delete those compute created, unbind passed-in ones. */
  deallocate_networks: conductorMethod<{ uuid: string }>(async (c, a) => {
    const inst = await loadInstance(c.db, a.uuid)
    if (inst) await deallocateNetworks(c, inst)
  }),
  /** A build succeeded on the host: BuildFailureWeigher forgets its failures. */
  build_succeeded: conductorMethod<{ host: string }>(async (c, a) => resetBuildFailure(c, a.host)),
  /** Volumes of a terminated instance: detach, delete those marked delete_on_termination. */
  release_block_devices: conductorMethod<{ uuid: string }>(async (c, a) => {
    const inst = await loadInstance(c.db, a.uuid)
    if (inst) await releaseBlockDevices(c, inst)
  }),
  /** Current size of a volume (volume-extended events). */
  volume_size: conductorMethod<{ volumeId: string; uuid?: string }>(async (c, a) => {
    const row = await c.db
      .selectFrom('volumes')
      .select('size')
      .where('id', '=', a.volumeId)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`Volume ${a.volumeId} could not be found.`)
    return { size: Number(row.size) }
  }),
  delete_allocations: conductorMethod<{ consumerUuid: string }>(async (c, a) =>
    deleteInstanceAllocations(c.db, a.consumerUuid),
  ),
}
