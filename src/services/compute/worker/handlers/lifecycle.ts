import type { WorkerHandlers } from '../worker-context.js'
import { buildAndRunInstance } from './build.js'
import { externalInstanceEvent } from './external-events.js'
import { terminateInstance } from './terminate.js'

/** build_and_run_instance, terminate_instance, external_instance_event. */
export const lifecycleHandlers: WorkerHandlers = {
  build_and_run_instance: buildAndRunInstance,
  terminate_instance: terminateInstance,
  external_instance_event: externalInstanceEvent,
}
