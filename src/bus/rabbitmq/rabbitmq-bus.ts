import { randomUUID } from 'node:crypto'
import { ServiceUnavailableError } from '../../common/errors.js'
import type { Bus, CallOptions, Handler, JsonValue, Subscription, Target } from '../bus.js'
import type { AmqpConnect } from './amqp-client.js'
import { connectAmqplib } from './amqplib-client.js'
import { Connector, type BusLogger } from './connector.js'
import { encodeRequest } from './envelope.js'
import { PendingCalls } from './pending-calls.js'
import { RabbitmqSubscription, type SubscriptionContext } from './rabbitmq-subscription.js'
import type { Session } from './session.js'
import {
  checkName,
  declareFanout,
  declareWorkQueue,
  EXCHANGE,
  fanoutExchange,
  queueName,
} from './topology.js'
import { brokerUrls } from './transport-url.js'
import { notConnected, unavailable, withTimeout } from './unavailable.js'

const DEFAULT_TIMEOUT_MS = 60_000

export type { BusLogger } from './connector.js'

export interface RabbitmqBusOptions {
  /** Handlers a listener runs at once per queue (AMQP prefetch). Default 64. */
  readonly prefetch?: number
  /**
   * How long cast and fanout may take (waiting for a lost connection to come back, then
   * for the broker's confirm, which a broker short of memory or disk withholds) and listen
   * may wait for a connection, before failing with a retryable error. Default 30 s.
   */
  readonly sendTimeoutMs?: number
  /** Longest pause between reconnection attempts (100 ms, doubling). Default 5 s. */
  readonly maxReconnectDelayMs?: number
  /**
   * Lets the broker delete a work queue unused this long (`x-expires`), messages included.
   * Off by default; for test brokers that would otherwise collect one queue per test topic.
   * Every bus on a broker must agree on it: RabbitMQ refuses to redeclare a queue differently.
   */
  readonly queueExpiresMs?: number
  readonly logger?: BusLogger
  /** Replaces amqplib, e.g. to inject faults in tests. */
  readonly connect?: AmqpConnect
}

/**
 * The bus over RabbitMQ, laid out like oslo.messaging's rabbit driver (see topology.ts).
 * Casts are persistent and confirmed by the broker before `cast()` resolves. Calls carry
 * a correlation id and this bus's exclusive reply queue, and expire in the queue when
 * their caller stops waiting. After a lost connection the bus reconnects with bounded
 * back-off and re-attaches every listener; calls waiting at that moment fail retryably.
 */
export class RabbitmqBus implements Bus {
  readonly #connector: Connector
  readonly #pending: PendingCalls
  readonly #subscriptions: Set<RabbitmqSubscription>
  readonly #subscriptionContext: SubscriptionContext
  readonly #sendTimeoutMs: number
  readonly #queueExpiresMs: number | undefined
  #closing: Promise<void> | undefined

  /** Connects to the broker(s) of an `amqp://`, `amqps://` or oslo `rabbit://` URL, or rejects. */
  static async create(
    transportUrl: string,
    options: RabbitmqBusOptions = {},
  ): Promise<RabbitmqBus> {
    const urls = brokerUrls(transportUrl)
    const logger = options.logger ?? {
      warn: (obj, msg) => process.emitWarning(`${msg} ${JSON.stringify(obj)}`),
    }
    const pending = new PendingCalls()
    const subscriptions = new Set<RabbitmqSubscription>()
    const connector = await Connector.open({
      urls,
      connect: options.connect ?? connectAmqplib,
      logger,
      maxReconnectDelayMs: options.maxReconnectDelayMs ?? 5_000,
      onSession: async (session) => {
        for (const subscription of subscriptions) await subscription.attach(session)
      },
      onLost: () =>
        pending.failAll(new ServiceUnavailableError('lost the connection to the message bus')),
    })
    const context: SubscriptionContext = {
      prefetch: options.prefetch ?? 64,
      queueExpiresMs: options.queueExpiresMs,
      onHandlerError: (err, method) =>
        logger.warn({ err: String(err), method }, 'bus handler failed'),
      forget: (subscription) => subscriptions.delete(subscription),
    }
    return new RabbitmqBus(connector, pending, subscriptions, context, options)
  }

  private constructor(
    connector: Connector,
    pending: PendingCalls,
    subscriptions: Set<RabbitmqSubscription>,
    context: SubscriptionContext,
    options: RabbitmqBusOptions,
  ) {
    this.#connector = connector
    this.#pending = pending
    this.#subscriptions = subscriptions
    this.#subscriptionContext = context
    this.#sendTimeoutMs = options.sendTimeoutMs ?? 30_000
    this.#queueExpiresMs = options.queueExpiresMs
  }

  async call(
    target: Target,
    method: string,
    args: JsonValue,
    options: CallOptions = {},
  ): Promise<JsonValue | undefined> {
    const routingKey = queueName(target)
    const body = encodeRequest(method, args)
    this.#assertOpen()
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const deadline = Date.now() + timeoutMs
    const id = randomUUID()
    const reply = this.#pending.add(
      id,
      timeoutMs,
      () =>
        new ServiceUnavailableError(`no reply from ${routingKey} to ${method} in ${timeoutMs} ms`),
    )
    void (async () => {
      const session = await this.#ready()
      const replyTo = await session.replyQueue(this.#pending)
      if (!this.#pending.has(id)) return // timed out while reconnecting
      // NOTE: the request expires in the queue when the caller stops waiting, so a worker
      // that starts late does not run calls nobody will read the answer to.
      const expirationMs = Math.max(1, deadline - Date.now())
      await session.publisher.publish(EXCHANGE, routingKey, body, {
        correlationId: id,
        replyTo,
        expirationMs,
      })
    })().catch((err: unknown) =>
      this.#pending.fail(id, unavailable(`call to ${routingKey} failed`, err)),
    )
    return reply
  }

  async cast(target: Target, method: string, args: JsonValue): Promise<void> {
    const name = queueName(target)
    const body = encodeRequest(method, args)
    this.#assertOpen()
    await this.#send(`cast to ${name}`, async (session) => {
      // NOTE: the sender declares the queue too, so a cast to a worker that never ran waits for it.
      await session.declareOnce(`queue ${name}`, (ch) =>
        declareWorkQueue(ch, name, this.#queueExpiresMs),
      )
      await session.publisher.publish(EXCHANGE, name, body, { persistent: true })
    })
  }

  async fanout(topic: string, method: string, args: JsonValue): Promise<void> {
    checkName(topic, 'topic')
    const body = encodeRequest(method, args)
    this.#assertOpen()
    await this.#send(`fanout to ${topic}`, async (session) => {
      await session.declareOnce(`fanout ${topic}`, (ch) => declareFanout(ch, topic))
      await session.publisher.publish(fanoutExchange(topic), '', body, {})
    })
  }

  async listen(target: Required<Target>, handler: Handler): Promise<Subscription> {
    const subscription = new RabbitmqSubscription(this.#subscriptionContext, target, handler)
    this.#assertOpen()
    this.#subscriptions.add(subscription)
    try {
      const session = await withTimeout(this.#ready(), this.#sendTimeoutMs, () => notConnected())
      await subscription.attach(session)
    } catch (err) {
      await subscription.close()
      throw unavailable(`cannot listen on ${queueName(target)}`, err)
    }
    return subscription
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.allSettled([...this.#subscriptions].map((s) => s.close()))
      this.#pending.failAll(new ServiceUnavailableError('message bus closed'))
      await this.#connector.close()
    })()
    return this.#closing
  }

  #assertOpen(): void {
    if (this.#closing !== undefined) throw new Error('message bus is closed')
  }

  #ready(): Promise<Session> {
    this.#assertOpen()
    return this.#connector.ready()
  }

  /**
   * Runs a cast or fanout on the live session within `sendTimeoutMs`, waiting for a
   * reconnection if need be; every failure is a retryable ServiceUnavailableError.
   */
  async #send(what: string, send: (session: Session) => Promise<void>): Promise<void> {
    const timeoutMs = this.#sendTimeoutMs
    let expired = false
    try {
      await withTimeout(
        // NOTE: once the caller has been told it failed, a late reconnection must not send it.
        this.#ready().then((session) => (expired ? undefined : send(session))),
        timeoutMs,
        () => {
          expired = true
          return new ServiceUnavailableError(`${what} was not confirmed within ${timeoutMs} ms`)
        },
      )
    } catch (err) {
      throw unavailable(`${what} was not accepted`, err)
    }
  }
}
