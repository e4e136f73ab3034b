import type { WorkerHandlers } from '../worker-context.js'
import { deviceHandlers } from './actions-devices.js'
import { imageHandlers } from './actions-images.js'
import { powerHandlers } from './actions-power.js'
import { resizeHandlers } from './actions-resize.js'

/** Every other server action on the worker side (owned by the server-actions work). */
export const actionHandlers: WorkerHandlers = {
  ...powerHandlers,
  ...resizeHandlers,
  ...imageHandlers,
  ...deviceHandlers,
}
