/**
 * External instance events a build waits for (Nova's InstanceEvents +
 * virtapi.wait_for_instance_event): network-vif-plugged-<port> from the
 * network side arrives through os-server-external-events.
 */
export interface ExternalEvent {
  readonly name: string
  readonly tag?: string
  readonly status: string
}

interface Waiter {
  readonly keys: Set<string>
  readonly failed: string[]
  resolve(): void
}

const keyOf = (uuid: string, name: string, tag?: string): string => `${uuid}\n${name}\n${tag ?? ''}`

export class InstanceEvents {
  readonly #waiters = new Set<Waiter>()

  /**
   * Registers interest before the action that triggers the events (so none is
   * missed) and answers a function that waits up to `timeoutMs` and resolves
   * with the events that did not arrive and those that arrived as `failed`.
   */
  prepare(
    uuid: string,
    events: ReadonlyArray<{ name: string; tag?: string }>,
  ): (timeoutMs: number) => Promise<{ missing: string[]; failed: string[] }> {
    let resolve = (): void => {}
    const done = new Promise<void>((r) => (resolve = r))
    const waiter: Waiter = {
      keys: new Set(events.map((e) => keyOf(uuid, e.name, e.tag))),
      failed: [],
      resolve,
    }
    if (waiter.keys.size === 0) resolve()
    else this.#waiters.add(waiter)
    return async (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))])
      clearTimeout(timer)
      this.#waiters.delete(waiter)
      const strip = (k: string): string => k.split('\n').slice(1).filter(Boolean).join('-')
      return { missing: [...waiter.keys].map(strip), failed: waiter.failed.map(strip) }
    }
  }

  /** An event arrived; answers whether some build was waiting for it. */
  deliver(uuid: string, e: ExternalEvent): boolean {
    const key = keyOf(uuid, e.name, e.tag)
    let used = false
    for (const w of this.#waiters) {
      if (!w.keys.delete(key)) continue
      used = true
      if (e.status === 'failed') w.failed.push(key)
      if (w.keys.size === 0) w.resolve()
    }
    return used
  }
}
