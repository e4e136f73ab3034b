import type { Bus } from './bus.js'

export interface CreateBusOptions {
  /** Where the bus reports what has no caller to go to (cast handler errors, reconnections). */
  readonly logger?: { warn(obj: object, msg: string): void }
}

type Open = (url: string, options: CreateBusOptions) => Promise<Bus>

/**
 * Bus implementations by transport URL scheme, loaded on first use so that a process
 * on the in-process bus never loads amqplib.
 */
const transports: Record<string, Open> = {
  'inproc:': async (_url, { logger }) => {
    const { InProcessBus } = await import('./in-process/in-process-bus.js')
    return InProcessBus.create(
      logger === undefined
        ? {}
        : {
            onHandlerError: (err, method) =>
              logger.warn({ err: String(err), method }, 'bus handler failed'),
          },
    )
  },
  'amqp:': rabbitmq,
  'amqps:': rabbitmq,
  'rabbit:': rabbitmq,
}

async function rabbitmq(url: string, options: CreateBusOptions): Promise<Bus> {
  const { RabbitmqBus } = await import('./rabbitmq/rabbitmq-bus.js')
  return RabbitmqBus.create(url, options.logger === undefined ? {} : { logger: options.logger })
}

/**
 * Opens the bus a transport URL names (oslo's `transport_url`):
 * `inproc://` for one process, `amqp://user:pass@host:port/vhost` or oslo's
 * `rabbit://user:pass@host:port[,user:pass@host2:port]/vhost` for RabbitMQ.
 * Rejects with the known schemes when the scheme is not one of them, and with a
 * connection error when the broker cannot be reached.
 */
export async function createBus(
  transportUrl: string,
  options: CreateBusOptions = {},
): Promise<Bus> {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(transportUrl)?.[0].toLowerCase()
  const open = scheme === undefined ? undefined : transports[scheme]
  if (open === undefined) {
    const known = Object.keys(transports).map((s) => `${s}//`)
    throw new Error(
      `unknown message bus transport '${scheme ?? '(no scheme)'}' (known: ${known.join(', ')})`,
    )
  }
  return open(transportUrl, options)
}
