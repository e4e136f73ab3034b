import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError, NotFoundError } from '../../../common/errors.js'
import {
  abortMigration,
  forceCompleteMigration,
  listServerMigrations,
  serverMigrationView,
  showServerMigration,
} from '../actions/server-migrations.js'
import type { ComputeContext } from '../compute-context.js'
import { atLeast } from './microversion.js'
import { callerOf } from './server-action-types.js'
import { validateActionValue } from './server-action-validate.js'

const FORCE_COMPLETE = Type.Object({ force_complete: Type.Null() }, { additionalProperties: false })

type Params = { Params: { id: string; migrationId: string } }

function since(request: FastifyRequest, minor: number): void {
  if (!atLeast(request, minor)) throw new NotFoundError('The resource could not be found.')
}

/** /servers/{id}/migrations: in-progress live migrations (2.23), force_complete (2.22), abort (2.24). */
export function serverMigrationsRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get<Params>('/servers/:id/migrations', async (request) => {
      since(request, 23)
      const list = await listServerMigrations(ctx, callerOf(request), request.params.id)
      return { migrations: list.map((m) => serverMigrationView(m, request.computeMicroversion)) }
    })

    app.get<Params>('/servers/:id/migrations/:migrationId', async (request) => {
      since(request, 23)
      const m = await showServerMigration(
        ctx,
        callerOf(request),
        request.params.id,
        request.params.migrationId,
      )
      return { migration: serverMigrationView(m, request.computeMicroversion) }
    })

    app.post<Params>('/servers/:id/migrations/:migrationId/action', async (request, reply) => {
      since(request, 22)
      const body = request.body as Record<string, unknown> | null
      if (!body || typeof body !== 'object' || !('force_complete' in body))
        throw new BadRequestError(`There is no such action: ${Object.keys(body ?? {})[0] ?? ''}`)
      validateActionValue('body', FORCE_COMPLETE, body)
      await forceCompleteMigration(
        ctx,
        callerOf(request),
        request.params.id,
        request.params.migrationId,
      )
      return reply.status(202).send()
    })

    app.delete<Params>('/servers/:id/migrations/:migrationId', async (request, reply) => {
      since(request, 24)
      await abortMigration(
        ctx,
        callerOf(request),
        request.params.id,
        request.params.migrationId,
        request.computeMicroversion,
      )
      return reply.status(202).send()
    })
  }
}
