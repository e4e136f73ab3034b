/**
 * The slice of AMQP 0-9-1 the RabbitMQ bus needs. `amqplib-client.ts` implements it
 * over amqplib; nothing else in the bus touches amqplib, so its types and quirks
 * (error events, closed-channel exceptions, `null` deliveries) stop there.
 */

/** One message received from a queue. */
export interface AmqpDelivery {
  readonly body: Buffer
  readonly correlationId: string | undefined
  readonly replyTo: string | undefined
  /** Acknowledges the message; a no-op once its channel is gone (the broker redelivers it). */
  ack(): void
  /** Gives the message back to the queue for another consumer. */
  requeue(): void
}

export interface PublishOptions {
  /** Written to disk by the broker (deliveryMode 2). */
  readonly persistent?: boolean
  readonly correlationId?: string
  readonly replyTo?: string
  /** Per-message TTL in ms: the broker drops the message if nobody takes it in time. */
  readonly expirationMs?: number
}

export interface QueueOptions {
  readonly durable?: boolean
  readonly exclusive?: boolean
  readonly autoDelete?: boolean
  /** `x-expires`: the broker deletes the queue after this long without consumers. */
  readonly expiresMs?: number
}

export interface AmqpChannel {
  declareExchange(
    name: string,
    type: 'topic' | 'fanout',
    options: { durable: boolean },
  ): Promise<void>
  /** Resolves with the queue name (the broker picks one when `name` is ''). */
  declareQueue(name: string, options: QueueOptions): Promise<string>
  bindQueue(queue: string, exchange: string, routingKey: string): Promise<void>
  /** Limits unacknowledged messages per consumer started after this call. */
  setPrefetch(count: number): Promise<void>
  /**
   * Starts a consumer and resolves with its tag. `onDelivery(null)` means the broker
   * cancelled the consumer (its queue was deleted).
   */
  consume(
    queue: string,
    onDelivery: (delivery: AmqpDelivery | null) => void,
    options: { noAck: boolean },
  ): Promise<string>
  cancel(consumerTag: string): Promise<void>
  /**
   * Publishes a message. On a confirm channel it resolves once the broker has taken
   * responsibility for it and rejects if the broker refuses it or the channel dies first;
   * otherwise it resolves once the message is handed to the socket.
   */
  publish(
    exchange: string,
    routingKey: string,
    body: Buffer,
    options: PublishOptions,
  ): Promise<void>
  /** Idempotent; never rejects. */
  close(): Promise<void>
  /** Called once when the channel closes; `error` is set when the broker closed it. */
  onClose(listener: (error: Error | undefined) => void): void
}

export interface AmqpConnection {
  /** A confirm channel acknowledges every publish (publisher confirms). */
  openChannel(options: { confirm: boolean }): Promise<AmqpChannel>
  /** Idempotent; never rejects. */
  close(): Promise<void>
  /** Called once when the connection closes; `error` is set unless we closed it. */
  onClose(listener: (error: Error | undefined) => void): void
}

/** Opens a connection to one broker URL (`amqp://` or `amqps://`). */
export type AmqpConnect = (url: string) => Promise<AmqpConnection>
