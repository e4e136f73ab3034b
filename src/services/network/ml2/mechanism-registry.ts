import type { Logger } from 'pino'
import type { MechanismDriver } from './mechanism-driver.js'
import { MechanismChain } from './mechanism-chain.js'

type Factory = () => Promise<MechanismDriver>

/**
 * Mechanism drivers by [ml2] mechanism_drivers name. Loaded lazily with
 * import() so a process pays only for the drivers it configures. Other
 * issues (vSphere DVS, OVS, Linux bridge) add their entry here.
 */
const MECHANISM_DRIVERS: Readonly<Record<string, Factory>> = {
  logger: async () => (await import('./mechanisms/logger.js')).createLoggerDriver(),
  noop: async () => (await import('./mechanisms/noop.js')).createNoopDriver(),
  vsphere_dvs: async () => (await import('./mechanisms/vsphere-dvs.js')).createVsphereDvsDriver(),
}

/** Names accepted in [ml2] mechanism_drivers. */
export const KNOWN_MECHANISM_DRIVERS = Object.keys(MECHANISM_DRIVERS)

/** Loads one driver by name; an unknown name fails fast listing the known ones. */
export async function loadMechanismDriver(name: string): Promise<MechanismDriver> {
  const factory = MECHANISM_DRIVERS[name]
  if (!factory) {
    throw new Error(
      `unknown [ml2] mechanism_drivers entry ${JSON.stringify(name)}; known: ${KNOWN_MECHANISM_DRIVERS.join(', ')}`,
    )
  }
  return factory()
}

/** Builds the chain in configured order, initialising each driver once. */
export async function buildMechanismChain(
  names: readonly string[],
  logger: Logger,
): Promise<MechanismChain> {
  const drivers: MechanismDriver[] = []
  for (const name of names) {
    const d = await loadMechanismDriver(name)
    await d.initialize?.(logger)
    drivers.push(d)
  }
  return new MechanismChain(drivers, logger)
}
