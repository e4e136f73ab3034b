import type { WorkerHandlers } from '../worker-context.js'

/** Every other server action on the worker side (owned by the server-actions work). */
export const actionHandlers: WorkerHandlers = {}
