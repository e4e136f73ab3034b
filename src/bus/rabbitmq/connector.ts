import { setTimeout as sleep } from 'node:timers/promises'
import type { AmqpConnect } from './amqp-client.js'
import { Session } from './session.js'
import { notConnected } from './unavailable.js'

/** The part of a pino logger the bus uses. */
export interface BusLogger {
  warn(obj: object, msg: string): void
}

export interface ConnectorOptions {
  readonly urls: readonly string[]
  readonly connect: AmqpConnect
  readonly logger: BusLogger
  /** Longest pause between attempts; the first retry waits 100 ms, then twice as long each time. */
  readonly maxReconnectDelayMs: number
  /** Prepares a new session before it goes live (re-attaches listeners); a failure retries. */
  readonly onSession: (session: Session) => Promise<void>
  /** The live session was lost (calls waiting on its reply queue cannot be answered). */
  readonly onLost: () => void
}

/**
 * Keeps one live Session: opens it, notices when its connection closes and opens the
 * next one with bounded back-off until closed.
 */
export class Connector {
  readonly #options: ConnectorOptions
  readonly #closed = new AbortController()
  #session: Session | undefined
  #reconnecting: Promise<Session> | undefined

  /** Connects once, failing fast: a bus that never reached its broker is a configuration error. */
  static async open(options: ConnectorOptions): Promise<Connector> {
    const connector = new Connector(options)
    connector.#adopt(await Session.open(options.connect, options.urls))
    return connector
  }

  private constructor(options: ConnectorOptions) {
    this.#options = options
  }

  /** The live session, or the next one once reconnected; rejects after close(). */
  async ready(): Promise<Session> {
    if (this.#closed.signal.aborted) throw new Error('message bus is closed')
    if (this.#session !== undefined) return this.#session
    return this.#reconnecting ?? Promise.reject(notConnected())
  }

  async close(): Promise<void> {
    this.#closed.abort()
    const session = this.#session
    this.#session = undefined
    await session?.close()
  }

  #adopt(session: Session): void {
    this.#session = session
    session.connection.onClose((error) => this.#onClose(session, error))
  }

  #onClose(session: Session, error: Error | undefined): void {
    if (this.#session !== session) return
    this.#session = undefined
    this.#options.onLost()
    if (this.#closed.signal.aborted) return
    this.#options.logger.warn({ err: error?.message }, 'message bus connection lost; reconnecting')
    this.#reconnecting = this.#reconnect()
    this.#reconnecting.catch(() => undefined)
  }

  async #reconnect(): Promise<Session> {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        const delay = Math.min(100 * 2 ** (attempt - 1), this.#options.maxReconnectDelayMs)
        await sleep(delay, undefined, { signal: this.#closed.signal })
      }
      if (this.#closed.signal.aborted) throw new Error('message bus is closed')
      try {
        const session = await Session.open(this.#options.connect, this.#options.urls)
        try {
          await this.#options.onSession(session)
          if (this.#closed.signal.aborted) throw new Error('message bus is closed')
        } catch (err) {
          await session.close()
          throw err
        }
        this.#adopt(session)
        this.#reconnecting = undefined
        this.#options.logger.warn({ attempt }, 'message bus reconnected')
        return session
      } catch (err) {
        if (this.#closed.signal.aborted) throw err
        this.#options.logger.warn({ err: String(err), attempt }, 'message bus reconnection failed')
      }
    }
  }
}
