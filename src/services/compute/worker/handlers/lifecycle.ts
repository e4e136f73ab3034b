import type { WorkerHandlers } from '../worker-context.js'
import { buildAndRunInstance } from './build.js'
import { terminateInstance } from './terminate.js'

/** build_and_run_instance, terminate_instance, external_instance_event. */
export const lifecycleHandlers: WorkerHandlers = {
  build_and_run_instance: buildAndRunInstance,
  terminate_instance: terminateInstance,
  external_instance_event: async (w, msg) => {
    for (const e of msg.events) {
      const waited = w.instanceEvents.deliver(msg.instanceUuid, e)
      w.logger.info(
        { instance: msg.instanceUuid, event: e.name, tag: e.tag, status: e.status, waited },
        'external instance event',
      )
    }
    return undefined
  },
}
