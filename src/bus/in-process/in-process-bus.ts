import {
  deserializeError,
  isSerializedError,
  serializeError,
  ServiceUnavailableError,
} from '../../common/errors.js'
import type { Bus, CallOptions, Handler, JsonValue, Subscription, Target } from '../bus.js'

const DEFAULT_TIMEOUT_MS = 60_000

export interface InProcessBusOptions {
  /** Receives errors thrown by cast and fanout handlers, which have no caller to tell. */
  readonly onHandlerError?: (err: unknown, method: string) => void
}

/** One message as it sits in a queue: JSON text, exactly what RabbitMQ would carry. */
interface Delivery {
  readonly body: string
  /** Epoch ms after which nobody waits for it any more (calls only). */
  readonly expiresAt: number
  readonly reply?: (body: string) => void
}

interface Consumer {
  readonly handler: Handler
  readonly inflight: Set<Promise<void>>
}

/** A queue like RabbitMQ's `topic` / `topic.server`: kept while nobody consumes it. */
interface Queue {
  readonly deliveries: Delivery[]
  readonly consumers: Consumer[]
  next: number
}

/**
 * The bus for a single process (tests, `nubis serve` all-in-one). It models the
 * RabbitMQ bus rather than calling handlers directly: listeners and casts create
 * queues that keep messages until a listener takes them, listeners of a queue take
 * turns, calls expire after their timeout, and every message, result and error is
 * copied through JSON text.
 */
export class InProcessBus implements Bus {
  readonly #queues = new Map<string, Queue>()
  readonly #fanouts = new Map<string, Set<Consumer>>()
  readonly #subscriptions = new Set<Subscription>()
  /** Rejecters of the calls still waiting for a reply. */
  readonly #waiting = new Set<() => void>()
  readonly #onHandlerError: (err: unknown, method: string) => void
  #closing: Promise<void> | undefined

  static async create(options: InProcessBusOptions = {}): Promise<InProcessBus> {
    return new InProcessBus(options)
  }

  private constructor(options: InProcessBusOptions) {
    this.#onHandlerError =
      options.onHandlerError ??
      ((err, method) => process.emitWarning(`bus handler for ${method} failed: ${String(err)}`))
  }

  async call(
    target: Target,
    method: string,
    args: JsonValue,
    options: CallOptions = {},
  ): Promise<JsonValue | undefined> {
    this.#assertOpen()
    const name = queueName(target)
    const body = JSON.stringify({ method, args })
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    return new Promise((resolve, reject) => {
      const finish = (settle: () => void): void => {
        clearTimeout(timer)
        if (this.#waiting.delete(abort)) settle()
      }
      const abort = (): void =>
        finish(() =>
          reject(new ServiceUnavailableError(`message bus closed during call to ${name}`)),
        )
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new ServiceUnavailableError(`no reply from ${name} to ${method} in ${timeoutMs} ms`),
            ),
          ),
        timeoutMs,
      )
      this.#waiting.add(abort)
      const reply = (text: string): void =>
        finish(() => {
          const parsed = JSON.parse(text) as { result?: JsonValue; error?: unknown }
          if (isSerializedError(parsed.error)) reject(deserializeError(parsed.error))
          else resolve(parsed.result)
        })
      // NOTE: like a RabbitMQ call, no queue means nobody will ever answer: wait for the timeout.
      this.#queues.get(name)?.deliveries.push({ body, expiresAt: Date.now() + timeoutMs, reply })
      this.#pump(name)
    })
  }

  async cast(target: Target, method: string, args: JsonValue): Promise<void> {
    this.#assertOpen()
    const name = queueName(target)
    const body = JSON.stringify({ method, args })
    this.#queue(name).deliveries.push({ body, expiresAt: Infinity })
    this.#pump(name)
  }

  async fanout(topic: string, method: string, args: JsonValue): Promise<void> {
    this.#assertOpen()
    checkName(topic, 'topic')
    const body = JSON.stringify({ method, args })
    for (const consumer of this.#fanouts.get(topic) ?? []) {
      this.#deliver(consumer, { body, expiresAt: Infinity })
    }
  }

  async listen(target: Required<Target>, handler: Handler): Promise<Subscription> {
    this.#assertOpen()
    const names = [queueName({ topic: target.topic }), queueName(target)]
    const consumer: Consumer = { handler, inflight: new Set() }
    for (const name of names) this.#queue(name).consumers.push(consumer)
    const fanout = this.#fanouts.get(target.topic) ?? new Set()
    this.#fanouts.set(target.topic, fanout.add(consumer))
    const subscription: Subscription = {
      close: async () => {
        if (this.#subscriptions.delete(subscription)) {
          for (const name of names) {
            const consumers = this.#queues.get(name)?.consumers
            consumers?.splice(consumers.indexOf(consumer), 1)
          }
          fanout.delete(consumer)
        }
        // NOTE: a handler closing its own subscription must not await this (it waits on itself).
        await Promise.allSettled([...consumer.inflight])
      },
    }
    this.#subscriptions.add(subscription)
    for (const name of names) this.#pump(name)
    return subscription
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const abort of [...this.#waiting]) abort()
      await Promise.all([...this.#subscriptions].map((s) => s.close()))
      this.#queues.clear()
      this.#fanouts.clear()
    })()
    return this.#closing
  }

  #assertOpen(): void {
    if (this.#closing !== undefined) throw new Error('message bus is closed')
  }

  #queue(name: string): Queue {
    let queue = this.#queues.get(name)
    if (queue === undefined) {
      queue = { deliveries: [], consumers: [], next: 0 }
      this.#queues.set(name, queue)
    }
    return queue
  }

  /** Hands queued messages to the queue's consumers in turn. */
  #pump(name: string): void {
    const queue = this.#queues.get(name)
    if (queue === undefined) return
    while (queue.consumers.length > 0) {
      const delivery = queue.deliveries.shift()
      if (delivery === undefined) return
      if (delivery.expiresAt < Date.now()) continue
      const consumer = queue.consumers[queue.next++ % queue.consumers.length]
      if (consumer !== undefined) this.#deliver(consumer, delivery)
    }
  }

  #deliver(consumer: Consumer, delivery: Delivery): void {
    const run = (async () => {
      // NOTE: never run a handler on the sender's stack; a real bus never does either.
      await Promise.resolve()
      const { method, args } = JSON.parse(delivery.body) as { method: string; args: JsonValue }
      let reply: string
      try {
        const result = await consumer.handler(method, args)
        reply = JSON.stringify(result === undefined ? {} : { result })
      } catch (err) {
        reply = JSON.stringify({ error: serializeError(err) })
        if (delivery.reply === undefined) this.#onHandlerError(err, method)
      }
      delivery.reply?.(reply)
    })()
    consumer.inflight.add(run)
    void run.finally(() => consumer.inflight.delete(run))
  }
}

/** `topic` or `topic.server`, the same names the RabbitMQ bus gives its queues. */
function queueName(target: Target): string {
  checkName(target.topic, 'topic')
  if (target.server === undefined) return target.topic
  checkName(target.server, 'server')
  return `${target.topic}.${target.server}`
}

function checkName(value: string, what: 'topic' | 'server'): void {
  const bad = what === 'topic' ? /[.*#\s]/ : /[*#\s]/
  if (value === '' || bad.test(value)) throw new Error(`invalid bus ${what} name: '${value}'`)
}
