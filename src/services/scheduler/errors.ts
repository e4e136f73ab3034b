import { ConflictError } from '../../common/errors.js'

/** Nova's NoValidHost text (nova/exception.py), what users see in the instance fault. */
export const NO_VALID_HOST_MESSAGE =
  'No valid host was found. There are not enough hosts available.'

/**
 * Nothing can hold the request. The message is Nova's, followed by the reason
 * when one is known (which filter removed the last hosts, which cluster is too
 * fragmented), so the reason survives the bus, where only name, code and
 * message cross.
 *
 * NOTE: code 'NoValidHost' is not one common/errors.ts rebuilds, so across the
 * bus this arrives as a plain Error named 'NoValidHostError': test it with
 * isNoValidHost(), which accepts both forms.
 */
export class NoValidHostError extends ConflictError {
  override readonly code: string = 'NoValidHost'
  readonly detail: string | undefined

  constructor(detail?: string) {
    super(detail ? `${NO_VALID_HOST_MESSAGE} ${detail}` : NO_VALID_HOST_MESSAGE, {
      type: 'NoValidHost',
    })
    this.detail = detail
  }
}

/** True for a NoValidHostError, here or rebuilt after crossing the bus. */
export function isNoValidHost(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const e = err as { name?: unknown; code?: unknown; type?: unknown; message?: unknown }
  return (
    e.name === 'NoValidHostError' ||
    e.code === 'NoValidHost' ||
    e.type === 'NoValidHost' ||
    (typeof e.message === 'string' && e.message.startsWith(NO_VALID_HOST_MESSAGE))
  )
}
