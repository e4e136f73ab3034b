import { deleteInstanceAllocations } from '../placement/index.js'
import { VmState } from '../compute/states.js'
import { releaseBlockDevices } from './block-devices.js'
import { conductorMethod } from './conductor-method.js'
import { finishActionEvent, startActionEvent } from './instance-actions.js'
import { loadInstance, saveInstance } from './instance-store.js'
import { deallocateNetworks } from './network-allocation.js'

/**
 * conductor.local_delete {instanceUuid, requestId}: deletes a server that is on
 * no compute host (never scheduled, or ERROR after failed builds), as Nova's
 * API does with _local_delete: ports, allocations, then the row. Idempotent.
 */
export const localDelete = conductorMethod<{ instanceUuid: string; requestId: string }>(
  async (c, a) => {
    const inst = await loadInstance(c.db, a.instanceUuid)
    if (!inst || inst.deleted === 1) return
    const event = 'compute_terminate_instance'
    await startActionEvent(c.db, inst.uuid, a.requestId, event, c.conductorHost)
    await deallocateNetworks(c, inst)
    await releaseBlockDevices(c, inst)
    await deleteInstanceAllocations(c.db, inst.uuid)
    const now = new Date().toISOString()
    await saveInstance(c.db, inst.uuid, {
      vm_state: VmState.DELETED,
      task_state: null,
      power_state: 0,
      deleted: 1,
      deleted_at: now,
      terminated_at: now,
    })
    await finishActionEvent(c.db, inst.uuid, a.requestId, event, 'Success', c.conductorHost)
  },
)
