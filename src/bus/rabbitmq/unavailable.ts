import { ServiceUnavailableError } from '../../common/errors.js'

/** The broker cannot be reached now: retryable, unlike a handler's own error. */
export function notConnected(): ServiceUnavailableError {
  return new ServiceUnavailableError('message bus is not connected')
}

/** Rejects with `onTimeout()` unless `work` settles within `ms`. */
export async function withTimeout<T>(
  work: Promise<T>,
  ms: number,
  onTimeout: () => Error,
): Promise<T> {
  work.catch(() => undefined) // a late failure after the timeout is not unhandled
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
  })
  try {
    return await Promise.race([work, expired])
  } finally {
    clearTimeout(timer)
  }
}

/** Failures to reach the broker are retryable; keep an error that already says so. */
export function unavailable(what: string, err: unknown): Error {
  if (err instanceof ServiceUnavailableError) return err
  const reason = err instanceof Error ? err.message : String(err)
  return new ServiceUnavailableError(`${what}: ${reason}`, { cause: err })
}
