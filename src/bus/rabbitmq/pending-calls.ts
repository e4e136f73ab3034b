import type { JsonValue } from '../bus.js'
import { decodeReply } from './envelope.js'

interface Waiter {
  readonly resolve: (result: JsonValue | undefined) => void
  readonly reject: (error: Error) => void
  readonly timer: NodeJS.Timeout
}

/** Calls waiting for a reply, by correlation id. Each settles exactly once. */
export class PendingCalls {
  readonly #waiters = new Map<string, Waiter>()

  /** Registers a call before its request is sent, so that no reply can arrive unseen. */
  add(id: string, timeoutMs: number, onTimeout: () => Error): Promise<JsonValue | undefined> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(id, onTimeout()), timeoutMs)
      this.#waiters.set(id, { resolve, reject, timer })
    })
  }

  /** Settles a call with its reply; replies to calls that timed out are dropped. */
  settle(id: string | undefined, body: Buffer): void {
    const waiter = id === undefined ? undefined : this.#take(id)
    if (waiter === undefined) return
    let reply: ReturnType<typeof decodeReply>
    try {
      reply = decodeReply(body)
    } catch (err) {
      waiter.reject(new Error('malformed bus reply', { cause: err }))
      return
    }
    if (reply.ok) waiter.resolve(reply.result)
    else waiter.reject(reply.error)
  }

  has(id: string): boolean {
    return this.#waiters.has(id)
  }

  fail(id: string, error: Error): void {
    this.#take(id)?.reject(error)
  }

  failAll(error: Error): void {
    for (const id of [...this.#waiters.keys()]) this.fail(id, error)
  }

  #take(id: string): Waiter | undefined {
    const waiter = this.#waiters.get(id)
    if (waiter === undefined) return undefined
    this.#waiters.delete(id)
    clearTimeout(waiter.timer)
    return waiter
  }
}
