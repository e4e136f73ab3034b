/**
 * The message bus, shaped like oslo.messaging's RPC: a *topic* names a kind
 * of worker (`compute`, `conductor`, `scheduler`), a *server* names one of
 * them (`compute.<host>`), and every message is a method name plus JSON args.
 *
 * Errors thrown by a handler cross the bus as SerializedError data and are
 * rebuilt on the caller's side (common/errors.ts): never rely on instanceof
 * of the original class.
 */
export interface Target {
  /** Worker kind, e.g. `compute`. */
  readonly topic: string
  /** One worker of that kind, e.g. a host name; omit to reach any one worker. */
  readonly server?: string
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue }

export interface CallOptions {
  /**
   * Milliseconds to wait for the reply before failing with a retryable
   * ServiceUnavailableError. Default 60000.
   */
  readonly timeoutMs?: number
}

/**
 * What a worker answers messages with; a thrown error is sent back to a caller.
 * Arguments and results are copies made through JSON, as on the wire (a Date
 * arrives as a string, undefined properties vanish). Delivery is at least once:
 * after a worker or connection dies mid-message the message is delivered again.
 */
export type Handler = (
  method: string,
  args: JsonValue,
) => Promise<JsonValue | undefined> | JsonValue | undefined

export interface Subscription {
  /**
   * Stops delivery to this handler; messages not yet taken stay queued for others.
   * Resolves once the handlers already running have finished (and answered), so
   * never await it from inside this subscription's own handler.
   */
  close(): Promise<void>
}

export interface Bus {
  /**
   * Request/reply. Resolves with the handler's return value; rejects with the
   * rebuilt error the handler threw, or ServiceUnavailableError (retryable) when
   * no reply arrives in time (no worker listening counts as no reply).
   */
  call(
    target: Target,
    method: string,
    args: JsonValue,
    options?: CallOptions,
  ): Promise<JsonValue | undefined>
  /**
   * Fire and forget to one worker of the target. On RabbitMQ the message is
   * durable: it waits in the queue until a worker takes it, even across
   * broker restarts. Resolves once the bus has accepted it (RabbitMQ: publisher
   * confirm); rejects with ServiceUnavailableError (retryable) when it could not.
   * An error the handler throws has no caller to go to: it is logged.
   */
  cast(target: Target, method: string, args: JsonValue): Promise<void>
  /**
   * Delivers to every worker currently listening on the topic (oslo's fanout);
   * workers that listen later never see it.
   */
  fanout(topic: string, method: string, args: JsonValue): Promise<void>
  /**
   * Serves a topic. The worker receives messages for `topic` (shared among all
   * its workers, round robin), for `topic.server` (only it), and fanouts.
   */
  listen(target: Required<Target>, handler: Handler): Promise<Subscription>
  /**
   * Stops every listener (waiting for running handlers), fails calls still waiting
   * with ServiceUnavailableError and releases connections. Idempotent; the bus
   * refuses calls, casts and listens afterwards.
   */
  close(): Promise<void>
}
