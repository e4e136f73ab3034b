import { createBus } from '../bus/registry.js'
import { computeGroup, defaultGroup } from '../config/groups/index.js'
import { ConfigError, type Config } from '../config/load.js'
import { startComputeWorkers } from '../services/compute/worker/compute-workers.js'
import { createLogger } from './logger.js'

/**
 * `nubis compute`: only the compute workers of `[compute] compute_driver`, one
 * per node. No database: everything goes to the conductor over the bus named
 * by [DEFAULT] transport_url, which must therefore be shared (RabbitMQ).
 */
export async function runComputeWorker(config: Config): Promise<void> {
  const d = config.get(defaultGroup)
  if (d.transport_url.startsWith('inproc:'))
    throw new ConfigError(
      '[DEFAULT] transport_url is inproc://: a separate compute process needs a shared bus (amqp://…)',
    )
  const logger = createLogger(d.log_level, d.debug)
  const bus = await createBus(d.transport_url, { logger })
  const workers = await startComputeWorkers({
    bus,
    compute: config.get(computeGroup),
    driverConfig: config,
    logger: logger.child({ service: 'compute' }),
  }).catch(async (err: unknown) => {
    await bus.close()
    throw err
  })
  logger.info({ nodes: [...workers.managers.keys()] }, 'nubis compute ready')
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'nubis compute stopping')
    void (async () => {
      await workers.close()
      await bus.close()
      process.exit(0)
    })()
  }
  process.once('SIGTERM', () => stop('SIGTERM'))
  process.once('SIGINT', () => stop('SIGINT'))
}
