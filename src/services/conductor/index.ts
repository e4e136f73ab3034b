import { hostname } from 'node:os'
import type { Subscription } from '../../bus/bus.js'
import { NotImplementedError } from '../../common/errors.js'
import { heartbeat } from '../../db/repositories/compute/services.js'
import type { ComputeContext } from '../compute/compute-context.js'
import { CONDUCTOR_TOPIC, SCHEDULER_TOPIC } from '../compute/rpc.js'
import type { ConductorContext } from './conductor-method.js'
import { conductorMethods } from './methods.js'

export type { ConductorContext, ConductorMethod, ConductorMethods } from './conductor-method.js'

export interface ConductorOptions {
  /** Host name of this process in service rows (default: the machine's host name). */
  readonly host?: string
}

/**
 * Starts the conductor of this process: serves topic `conductor` and keeps the
 * nova-conductor and nova-scheduler service rows of this host alive (os-services
 * lists them; the scheduler runs beside the conductor).
 */
export async function startConductor(
  ctx: ComputeContext,
  options: ConductorOptions = {},
): Promise<Subscription> {
  const host = options.host ?? hostname()
  const c: ConductorContext = { ...ctx, conductorHost: host }
  const sub = await ctx.bus.listen(
    { topic: CONDUCTOR_TOPIC, server: host },
    async (method, args) => {
      const fn = conductorMethods[method]
      if (!fn) throw new NotImplementedError(`conductor has no method ${method}`)
      return fn(c, args)
    },
  )
  const beat = async (): Promise<void> => {
    await heartbeat(ctx.db, { host, binary: 'nova-conductor', topic: CONDUCTOR_TOPIC })
    await heartbeat(ctx.db, { host, binary: 'nova-scheduler', topic: SCHEDULER_TOPIC })
  }
  await beat()
  let beating: Promise<void> | undefined
  const timer = setInterval(() => {
    if (beating) return
    beating = beat()
      .catch((err: unknown) => ctx.logger.warn({ err: String(err) }, 'conductor heartbeat failed'))
      .finally(() => (beating = undefined))
  }, ctx.config.compute.report_interval * 1000)
  timer.unref()
  return {
    // Nothing of the conductor touches the database once this resolves.
    async close() {
      clearInterval(timer)
      await beating
      await sub.close()
    },
  }
}
