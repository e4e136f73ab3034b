import type { Handler, Subscription } from '../bus.js'
import type { AmqpChannel, AmqpDelivery } from './amqp-client.js'
import { decodeRequest, encodeError, encodeResult } from './envelope.js'
import type { Session } from './session.js'
import { declareFanout, declareWorkQueue, fanoutExchange, queueName } from './topology.js'

export interface SubscriptionContext {
  /** Messages a consumer may hold unacknowledged, i.e. handlers running at once per queue. */
  readonly prefetch: number
  readonly queueExpiresMs: number | undefined
  /** Errors of cast and fanout handlers, which have no caller to tell. */
  onHandlerError(err: unknown, method: string): void
  /** The subscription has closed; stop re-attaching it after reconnects. */
  forget(subscription: RabbitmqSubscription): void
}

/**
 * One `listen()`: consumers on `topic`, `topic.server` and a private queue bound to the
 * topic's fanout exchange, all on one channel. Each message is acknowledged after its
 * handler has finished (and its reply is sent), so a worker that dies mid-message leaves
 * it to be redelivered: delivery is at least once.
 */
export class RabbitmqSubscription implements Subscription {
  readonly #context: SubscriptionContext
  readonly #target: Required<{ topic: string; server: string }>
  readonly #handler: Handler
  readonly #inflight = new Set<Promise<void>>()
  #session: Session | undefined
  #channel: AmqpChannel | undefined
  #consumerTags: string[] = []
  #attaching: Promise<void> = Promise.resolve()
  #closing: Promise<void> | undefined

  constructor(
    context: SubscriptionContext,
    target: { topic: string; server: string },
    handler: Handler,
  ) {
    queueName(target) // validates both names before anything is declared
    this.#context = context
    this.#target = { topic: target.topic, server: target.server }
    this.#handler = handler
  }

  /** Starts consuming on a session; called by listen() and again after each reconnect. */
  attach(session: Session): Promise<void> {
    this.#attaching = this.#attaching.catch(() => undefined).then(() => this.#attach(session))
    return this.#attaching
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#attaching.catch(() => undefined)
      const channel = this.#channel
      for (const tag of this.#consumerTags) await channel?.cancel(tag).catch(() => undefined)
      await Promise.allSettled([...this.#inflight])
      await channel?.close()
      this.#context.forget(this)
    })()
    return this.#closing
  }

  async #attach(session: Session): Promise<void> {
    if (this.#closing !== undefined || this.#session === session) return
    const channel = await session.connection.openChannel({ confirm: false })
    channel.onClose((error) => {
      // NOTE: a consumer channel the broker closed would leave this worker deaf; dropping
      // the connection makes the bus reconnect and re-attach every subscription.
      if (error !== undefined && this.#closing === undefined) void session.connection.close()
    })
    this.#session = session
    this.#channel = channel
    this.#consumerTags = []
    await channel.setPrefetch(this.#context.prefetch)
    const shared = queueName({ topic: this.#target.topic })
    const own = queueName(this.#target)
    await declareWorkQueue(channel, shared, this.#context.queueExpiresMs)
    await declareWorkQueue(channel, own, this.#context.queueExpiresMs)
    await declareFanout(channel, this.#target.topic)
    const fanoutQueue = await channel.declareQueue('', { exclusive: true, autoDelete: true })
    await channel.bindQueue(fanoutQueue, fanoutExchange(this.#target.topic), '')
    for (const queue of [shared, own, fanoutQueue]) {
      const onDelivery = (delivery: AmqpDelivery | null): void =>
        this.#onDelivery(session, delivery)
      this.#consumerTags.push(await channel.consume(queue, onDelivery, { noAck: false }))
    }
  }

  #onDelivery(session: Session, delivery: AmqpDelivery | null): void {
    if (delivery === null) {
      // The broker cancelled a consumer (its queue was deleted): start over on a new connection.
      if (this.#closing === undefined) void session.connection.close()
      return
    }
    if (this.#closing !== undefined) {
      delivery.requeue() // not taken yet: leave it to another worker
      return
    }
    const work = this.#handle(session, delivery)
    this.#inflight.add(work)
    void work.finally(() => this.#inflight.delete(work))
  }

  async #handle(session: Session, delivery: AmqpDelivery): Promise<void> {
    let method = '(malformed)'
    let reply: Buffer
    try {
      const request = decodeRequest(delivery.body)
      method = request.method
      reply = encodeResult(await this.#handler(request.method, request.args))
    } catch (err) {
      reply = encodeError(err)
      if (delivery.replyTo === undefined) this.#context.onHandlerError(err, method)
    }
    if (delivery.replyTo !== undefined && delivery.correlationId !== undefined) {
      session.reply(delivery.replyTo, delivery.correlationId, reply)
    }
    delivery.ack()
  }
}
