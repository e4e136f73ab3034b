import type { FastifyPluginAsync } from 'fastify'
import { computeRoutes } from './api/routes.js'
import type { ComputeContext } from './compute-context.js'
import { ensureDefaultFlavors } from './flavors-defaults.js'

export type { ComputeConfig, ComputeContext } from './compute-context.js'

export interface ComputeService {
  readonly ctx: ComputeContext
  /** Mount under /compute. */
  readonly routes: FastifyPluginAsync
  /** Stops background work (conductor, scheduler and worker listeners started with it). */
  close(): Promise<void>
}

/** The compute API of one process (Nova v2.1). */
export async function createComputeService(ctx: ComputeContext): Promise<ComputeService> {
  if (ctx.config.compute.create_default_flavors) await ensureDefaultFlavors(ctx.db)
  return {
    ctx,
    routes: computeRoutes(ctx),
    async close() {},
  }
}
