import { vimFault, Vim25Fault } from './faults.js'
import type { Vim25Session } from './session.js'
import { child, el, list, moRef, text, xsiType, type MoRef, type XmlNode } from './soap.js'

/** A finished task: its `info.result` (a moref for CreateVM_Task, etc.). */
export interface TaskResult {
  readonly result: XmlNode | XmlNode[] | undefined
}

interface Pending {
  readonly task: MoRef
  filter: MoRef | undefined
  readonly resolve: (r: TaskResult) => void
  readonly reject: (e: unknown) => void
  readonly timer: NodeJS.Timeout
}

const PATHS = ['info.state', 'info.result', 'info.error']

/** The typed fault of a failed task's `info.error` (a LocalizedMethodFault). */
export function taskFault(task: MoRef, error: XmlNode | XmlNode[] | undefined): Vim25Fault {
  const fault = child(error, 'fault')
  const name = xsiType(fault) ?? 'TaskFailed'
  const msg = text(child(error, 'localizedMessage'))
  const clean = msg && !msg.startsWith('*types.') ? msg : name
  return vimFault(name, `task ${task.value}: ${clean}`, fault)
}

/**
 * Waits for tasks through one private PropertyCollector: each waiting task
 * gets a filter on `info.state/result/error`, and a single WaitForUpdatesEx
 * loop serves every waiter (no per-task polling). A task already finished
 * when we look (vcsim's are) costs exactly one RetrievePropertiesEx.
 */
export class TaskWaiter {
  readonly #session: Vim25Session
  #collector: Promise<MoRef> | undefined
  readonly #pending = new Map<string, Pending>()
  #looping = false
  #version = ''
  #closed = false

  constructor(session: Vim25Session) {
    this.#session = session
  }

  /** `skipFirstCheck` forces the collector path (tests of it on vcsim's instant tasks). */
  async wait(
    task: MoRef,
    timeoutMs: number,
    opts: { skipFirstCheck?: boolean } = {},
  ): Promise<TaskResult> {
    if (!opts.skipFirstCheck) {
      const props = await this.#session.properties(task, PATHS)
      const done = this.#settled(task, props)
      if (done) return done()
    }
    return new Promise<TaskResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#finish(task.value)
        reject(vimFault('Timeout', `task ${task.value} did not finish in ${timeoutMs} ms`))
      }, timeoutMs)
      timer.unref()
      const p: Pending = { task, filter: undefined, resolve, reject, timer }
      this.#pending.set(task.value, p)
      this.#watch(p).catch((err: unknown) => {
        this.#finish(task.value)
        reject(err instanceof Error ? err : new Error(String(err)))
      })
    })
  }

  /** A thunk that resolves/rejects when the task is done, else undefined. */
  #settled(task: MoRef, props: Map<string, XmlNode | XmlNode[]>): (() => TaskResult) | undefined {
    const state = text(props.get('info.state'))
    if (state === 'success') return () => ({ result: props.get('info.result') })
    if (state === 'error')
      return () => {
        throw taskFault(task, props.get('info.error'))
      }
    return undefined
  }

  async #watch(p: Pending): Promise<void> {
    const collector = await this.#ensureCollector()
    p.filter = await this.#session.callRef(
      'CreateFilter',
      collector,
      `<spec><propSet><type>Task</type>${el('pathSet', PATHS)}</propSet>` +
        `<objectSet><obj type="Task">${p.task.value}</obj></objectSet></spec>` +
        el('partialUpdates', false),
    )
    if (!this.#pending.has(p.task.value)) this.#dropFilter(p.filter)
    this.#loop()
  }

  #ensureCollector(): Promise<MoRef> {
    this.#collector ??= this.#session
      .callRef('CreatePropertyCollector', this.#session.content.propertyCollector)
      .catch((err: unknown) => {
        this.#collector = undefined
        throw err
      })
    return this.#collector
  }

  #loop(): void {
    if (this.#looping) return
    this.#looping = true
    void (async () => {
      while (this.#pending.size > 0 && !this.#closed) {
        try {
          const collector = await this.#ensureCollector()
          const res = await this.#session.call(
            'WaitForUpdatesEx',
            collector,
            el('version', this.#version) +
              `<options>${el('maxWaitSeconds', this.#session.taskPollSec)}</options>`,
            { timeoutMs: (this.#session.taskPollSec + 15) * 1000 },
          )
          if (res === undefined) continue
          this.#version = text(child(res, 'version')) ?? ''
          for (const fs of list(child(res, 'filterSet')))
            for (const ou of list(child(fs, 'objectSet'))) this.#update(ou)
        } catch (err) {
          if (this.#closed) break
          await this.#recover(err)
        }
      }
      this.#looping = false
    })()
  }

  #update(ou: XmlNode): void {
    const obj = moRef(child(ou, 'obj'))
    const p = obj && this.#pending.get(obj.value)
    if (!p) return
    const props = new Map<string, XmlNode | XmlNode[]>()
    for (const c of list(child(ou, 'changeSet'))) {
      const name = text(child(c, 'name'))
      const val = child(c, 'val')
      if (name && val !== undefined) props.set(name, val)
    }
    const done = this.#settled(p.task, props)
    if (!done) return
    this.#finish(p.task.value)
    try {
      p.resolve(done())
    } catch (err) {
      p.reject(err)
    }
  }

  /** The collector died (session re-login, vCenter restart): start over for every waiter. */
  async #recover(err: unknown): Promise<void> {
    this.#collector = undefined
    this.#version = ''
    const waiting = [...this.#pending.values()]
    for (const p of waiting) {
      try {
        const done = this.#settled(p.task, await this.#session.properties(p.task, PATHS))
        if (done) {
          this.#finish(p.task.value)
          try {
            p.resolve(done())
          } catch (e) {
            p.reject(e)
          }
          continue
        }
        await this.#watch(p)
      } catch (e) {
        this.#finish(p.task.value)
        p.reject(e instanceof Vim25Fault ? e : err)
      }
    }
    await new Promise((r) => setTimeout(r, 100))
  }

  #finish(key: string): void {
    const p = this.#pending.get(key)
    if (!p) return
    this.#pending.delete(key)
    clearTimeout(p.timer)
    if (p.filter) this.#dropFilter(p.filter)
  }

  #dropFilter(filter: MoRef): void {
    this.#session.call('DestroyPropertyFilter', filter).catch(() => undefined)
  }

  async close(): Promise<void> {
    this.#closed = true
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer)
      p.reject(vimFault('RequestCanceled', 'session closed'))
    }
    this.#pending.clear()
  }
}
