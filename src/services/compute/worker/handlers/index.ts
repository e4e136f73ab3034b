import type { WorkerHandlers } from '../worker-context.js'
import { actionHandlers } from './actions.js'
import { lifecycleHandlers } from './lifecycle.js'

/** Every compute.<host> message the worker answers, by method name. */
export const workerHandlers: WorkerHandlers = { ...lifecycleHandlers, ...actionHandlers }
