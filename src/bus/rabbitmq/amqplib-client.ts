import amqplib from 'amqplib'
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib'
import type {
  AmqpChannel,
  AmqpConnection,
  AmqpDelivery,
  PublishOptions,
  QueueOptions,
} from './amqp-client.js'

/** Heartbeat seconds unless the URL sets `?heartbeat=`; amqplib's 0 never notices a dead peer. */
const DEFAULT_HEARTBEAT_S = 20

/** Connects with amqplib; see `AmqpConnect`. */
export async function connectAmqplib(url: string): Promise<AmqpConnection> {
  const parsed = new URL(url)
  if (!parsed.searchParams.has('heartbeat')) {
    parsed.searchParams.set('heartbeat', String(DEFAULT_HEARTBEAT_S))
  }
  // NOTE: noDelay: with Nagle on, a small reply can sit out a 40 ms delayed ACK.
  const model = await amqplib.connect(parsed.toString(), { noDelay: true })
  return new AmqplibConnection(model)
}

/**
 * Fires close listeners once, with the reason: amqplib emits 'error' with the reason and then
 * a bare 'close'. A listener added after the close still runs, so no close goes unseen.
 */
class CloseSignal {
  readonly #listeners: ((error: Error | undefined) => void)[] = []
  #error: Error | undefined
  #fired = false

  constructor(emitter: ChannelModel | Channel) {
    emitter.on('error', (err: Error) => (this.#error ??= err))
    emitter.once('close', (err?: Error) => {
      this.#fired = true
      this.#error ??= err
      for (const listener of this.#listeners.splice(0)) listener(this.#error)
    })
  }

  add(listener: (error: Error | undefined) => void): void {
    if (this.#fired) queueMicrotask(() => listener(this.#error))
    else this.#listeners.push(listener)
  }
}

class AmqplibConnection implements AmqpConnection {
  readonly #model: ChannelModel
  readonly #closeSignal: CloseSignal
  #closed = false

  constructor(model: ChannelModel) {
    this.#model = model
    this.#closeSignal = new CloseSignal(model)
    model.once('close', () => (this.#closed = true))
  }

  async openChannel(options: { confirm: boolean }): Promise<AmqpChannel> {
    const channel = options.confirm
      ? await this.#model.createConfirmChannel()
      : await this.#model.createChannel()
    return new AmqplibChannel(channel, options.confirm)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#model.close().catch(() => undefined)
  }

  onClose(listener: (error: Error | undefined) => void): void {
    this.#closeSignal.add(listener)
  }
}

class AmqplibChannel implements AmqpChannel {
  readonly #channel: Channel
  readonly #confirm: boolean
  readonly #closeSignal: CloseSignal
  #open = true

  constructor(channel: Channel, confirm: boolean) {
    this.#channel = channel
    this.#confirm = confirm
    this.#closeSignal = new CloseSignal(channel)
    channel.once('close', () => (this.#open = false))
  }

  async declareExchange(name: string, type: 'topic' | 'fanout', options: { durable: boolean }) {
    await this.#channel.assertExchange(name, type, { durable: options.durable, autoDelete: false })
  }

  async declareQueue(name: string, options: QueueOptions): Promise<string> {
    const amqpOptions: Options.AssertQueue = {
      durable: options.durable ?? false,
      exclusive: options.exclusive ?? false,
      autoDelete: options.autoDelete ?? false,
    }
    if (options.expiresMs !== undefined) amqpOptions.expires = options.expiresMs
    return (await this.#channel.assertQueue(name, amqpOptions)).queue
  }

  async bindQueue(queue: string, exchange: string, routingKey: string): Promise<void> {
    await this.#channel.bindQueue(queue, exchange, routingKey)
  }

  async setPrefetch(count: number): Promise<void> {
    await this.#channel.prefetch(count, false)
  }

  async consume(
    queue: string,
    onDelivery: (delivery: AmqpDelivery | null) => void,
    options: { noAck: boolean },
  ): Promise<string> {
    const reply = await this.#channel.consume(
      queue,
      (msg) => onDelivery(msg === null ? null : this.#delivery(msg, options.noAck)),
      { noAck: options.noAck },
    )
    return reply.consumerTag
  }

  async cancel(consumerTag: string): Promise<void> {
    if (this.#open) await this.#channel.cancel(consumerTag)
  }

  publish(exchange: string, routingKey: string, body: Buffer, options: PublishOptions) {
    const amqpOptions: Options.Publish = { contentType: 'application/json' }
    if (options.persistent === true) amqpOptions.persistent = true
    if (options.correlationId !== undefined) amqpOptions.correlationId = options.correlationId
    if (options.replyTo !== undefined) amqpOptions.replyTo = options.replyTo
    if (options.expirationMs !== undefined) amqpOptions.expiration = String(options.expirationMs)
    // NOTE: amqplib throws synchronously on a closed channel; the executor makes it a rejection.
    return new Promise<void>((resolve, reject) => {
      if (!this.#confirm) {
        this.#channel.publish(exchange, routingKey, body, amqpOptions)
        resolve()
        return
      }
      ;(this.#channel as ConfirmChannel).publish(exchange, routingKey, body, amqpOptions, (err) =>
        err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(),
      )
    })
  }

  async close(): Promise<void> {
    if (!this.#open) return
    this.#open = false
    await this.#channel.close().catch(() => undefined)
  }

  onClose(listener: (error: Error | undefined) => void): void {
    this.#closeSignal.add(listener)
  }

  #delivery(msg: ConsumeMessage, noAck: boolean): AmqpDelivery {
    const settle = (requeue: boolean | undefined): void => {
      if (noAck || !this.#open) return
      try {
        if (requeue === undefined) this.#channel.ack(msg)
        else this.#channel.nack(msg, false, requeue)
      } catch {
        // The channel died between the check and the call; the broker redelivers the message.
      }
    }
    const props = msg.properties as { correlationId?: unknown; replyTo?: unknown }
    return {
      body: msg.content,
      correlationId: typeof props.correlationId === 'string' ? props.correlationId : undefined,
      replyTo: typeof props.replyTo === 'string' ? props.replyTo : undefined,
      ack: () => settle(undefined),
      requeue: () => settle(true),
    }
  }
}
