import type { Logger } from 'pino'
import type { HookName, MechanismDriver } from '../mechanism-driver.js'

const HOOKS: readonly HookName[] = [
  'createNetworkPrecommit',
  'createNetworkPostcommit',
  'updateNetworkPrecommit',
  'updateNetworkPostcommit',
  'deleteNetworkPrecommit',
  'deleteNetworkPostcommit',
  'createSubnetPrecommit',
  'createSubnetPostcommit',
  'updateSubnetPrecommit',
  'updateSubnetPostcommit',
  'deleteSubnetPrecommit',
  'deleteSubnetPostcommit',
  'createPortPrecommit',
  'createPortPostcommit',
  'updatePortPrecommit',
  'updatePortPostcommit',
  'deletePortPrecommit',
  'deletePortPostcommit',
]

/**
 * Logs every call at debug level and binds nothing (Neutron's test
 * `logger` mechanism driver). Useful first in the chain to trace what the
 * drivers after it are asked to do.
 */
export function createLoggerDriver(): MechanismDriver {
  let log: Logger | undefined
  const driver: Record<string, unknown> = {
    name: 'logger',
    initialize: (logger: Logger) => {
      log = logger.child({ mechanism: 'logger' })
    },
    bindPort: (c: { port: { id?: unknown }; host: string }) => {
      log?.debug({ port: c.port.id, host: c.host }, 'bind_port')
    },
  }
  for (const hook of HOOKS) {
    driver[hook] = (c: { current: { id?: unknown }; original?: unknown }) => {
      log?.debug({ id: c.current.id, update: c.original !== undefined }, hook)
    }
  }
  return driver as unknown as MechanismDriver
}
