import type { AmqpChannel, AmqpConnect, AmqpConnection } from './amqp-client.js'
import type { PendingCalls } from './pending-calls.js'
import { EXCHANGE } from './topology.js'
import { redact } from './transport-url.js'

/**
 * One connection and what hangs off it: the confirm channel every message is published
 * on, the declarations already made, and the exclusive queue replies come back to. A
 * lost connection loses all of it; the bus then opens a new Session.
 */
export class Session {
  readonly connection: AmqpConnection
  readonly publisher: AmqpChannel
  readonly #declared = new Map<string, Promise<void>>()
  #replyQueue: Promise<string> | undefined

  /** Connects to the first broker that answers and declares the `nubis` exchange. */
  static async open(connect: AmqpConnect, urls: readonly string[]): Promise<Session> {
    let lastError: unknown
    for (const url of urls) {
      let connection: AmqpConnection | undefined
      try {
        connection = await connect(url)
        const publisher = await connection.openChannel({ confirm: true })
        await publisher.declareExchange(EXCHANGE, 'topic', { durable: true })
        return new Session(connection, publisher)
      } catch (err) {
        lastError = err
        await connection?.close()
      }
    }
    const reason = lastError instanceof Error ? lastError.message : String(lastError)
    throw new Error(`cannot connect to RabbitMQ at ${urls.map(redact).join(', ')}: ${reason}`, {
      cause: lastError,
    })
  }

  private constructor(connection: AmqpConnection, publisher: AmqpChannel) {
    this.connection = connection
    this.publisher = publisher
    // NOTE: a broker-closed channel leaves the session half-dead; closing the connection
    // makes the bus start over with a fresh one.
    publisher.onClose((error) => {
      if (error !== undefined) void connection.close()
    })
  }

  /** Runs a declaration once per connection (concurrent callers share it); failures are retried. */
  declareOnce(key: string, declare: (channel: AmqpChannel) => Promise<void>): Promise<void> {
    let declared = this.#declared.get(key)
    if (declared === undefined) {
      declared = declare(this.publisher)
      this.#declared.set(key, declared)
      declared.catch(() => this.#declared.delete(key))
    }
    return declared
  }

  /** The exclusive, server-named queue this connection's calls are answered on; made lazily. */
  replyQueue(pending: PendingCalls): Promise<string> {
    if (this.#replyQueue === undefined) {
      const made = this.#openReplyQueue(pending)
      made.catch(() => (this.#replyQueue = undefined))
      this.#replyQueue = made
    }
    return this.#replyQueue
  }

  /** Answers a call; a reply that cannot be sent is dropped (the caller times out). */
  reply(replyTo: string, correlationId: string, body: Buffer): void {
    this.publisher.publish('', replyTo, body, { correlationId }).catch(() => undefined)
  }

  close(): Promise<void> {
    return this.connection.close()
  }

  async #openReplyQueue(pending: PendingCalls): Promise<string> {
    const channel = await this.connection.openChannel({ confirm: false })
    channel.onClose((error) => {
      if (error !== undefined) void this.connection.close()
    })
    const queue = await channel.declareQueue('', { exclusive: true, autoDelete: true })
    await channel.consume(
      queue,
      (delivery) => {
        if (delivery === null) void this.connection.close()
        else pending.settle(delivery.correlationId, delivery.body)
      },
      { noAck: true },
    )
    return queue
  }
}
