import type { WorkerHandlers } from '../worker-context.js'

/** build_and_run_instance, terminate_instance, external_instance_event (owned by the boot-path work). */
export const lifecycleHandlers: WorkerHandlers = {}
