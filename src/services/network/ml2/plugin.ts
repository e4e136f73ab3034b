import type { Logger } from 'pino'
import type { MechanismChain } from './mechanism-chain.js'
import { buildMechanismChain } from './mechanism-registry.js'
import { TypeManager, type TypeConfig } from './type-manager.js'

/**
 * The ML2 plugin of one process: type drivers (segments) and the ordered
 * mechanism-driver chain. Reached as `NetworkContext.ml2`.
 */
export interface Ml2Plugin {
  /** Call its *Precommit hooks in your transaction and *Postcommit after it; `bindPort` to bind. */
  readonly chain: MechanismChain
  /** Segment allocation and MTU (used by the networks service). */
  readonly types: TypeManager
}

export interface Ml2Options extends TypeConfig {
  readonly mechanismDrivers: readonly string[]
}

/** Loads the configured type and mechanism drivers; a bad name throws with the known ones. */
export async function createMl2Plugin(options: Ml2Options, logger: Logger): Promise<Ml2Plugin> {
  const types = await TypeManager.create(options)
  const chain = await buildMechanismChain(
    options.mechanismDrivers,
    logger.child({ component: 'ml2' }),
  )
  return { chain, types }
}
