import type { FastifyPluginAsync } from 'fastify'
import { BadRequestError, NotFoundError, NotImplementedError } from '../../../common/errors.js'
import type { IdentityContext } from '../identity-context.js'
import * as consumers from '../oauth-consumers-service.js'
import { enforce, rules } from '../policy.js'
import { ConsumerUpdate, strictValidatorCompiler } from './catalog-schemas.js'
import { collectionLinks, identityBase } from './links.js'
import { consumerView } from './oauth-consumers-views.js'

const P = '/OS-OAUTH1'
type Params = { Params: { consumer_id: string } }
type Body = Record<string, unknown>

/** Keystone reads `{"consumer": {...}}` leniently: no body at all means no attributes. */
function createBody(body: unknown): Body {
  const c = (body as { consumer?: unknown } | null | undefined)?.consumer ?? {}
  if (typeof c !== 'object' || c === null || Array.isArray(c)) {
    throw new BadRequestError('Invalid input for field/attribute consumer: expected an object.')
  }
  const d = (c as Body)['description']
  if (d !== undefined && d !== null && typeof d !== 'string') {
    throw new BadRequestError(
      `Invalid input for field/attribute description. Value: ${JSON.stringify(d)}. Expected a string or null.`,
    )
  }
  return c as Body
}

/**
 * OS-OAUTH1: consumer CRUD (admin only). The delegation flow itself
 * (request/access tokens, authorize) is not offered: 501.
 */
export function oauthConsumersRoutes(ctx: IdentityContext): FastifyPluginAsync {
  return async (app) => {
    app.setValidatorCompiler(strictValidatorCompiler)
    app.get(`${P}/consumers`, async (request) => {
      enforce(request.auth, 'identity:list_consumers', rules.admin)
      const base = identityBase(request)
      const rows = await consumers.listConsumers(ctx)
      return { consumers: rows.map((c) => consumerView(c, base)), links: collectionLinks(request) }
    })

    app.get<Params>(`${P}/consumers/:consumer_id`, async (request) => {
      enforce(request.auth, 'identity:get_consumer', rules.admin)
      return {
        consumer: consumerView(
          await consumers.getConsumer(ctx, request.params.consumer_id),
          identityBase(request),
        ),
      }
    })

    app.post(`${P}/consumers`, async (request, reply) => {
      enforce(request.auth, 'identity:create_consumer', rules.admin)
      const { row, secret } = await consumers.createConsumer(ctx, createBody(request.body))
      return reply.status(201).send({ consumer: consumerView(row, identityBase(request), secret) })
    })

    app.patch<Params & { Body: { consumer: Body } }>(
      `${P}/consumers/:consumer_id`,
      { schema: { body: ConsumerUpdate } },
      async (request) => {
        enforce(request.auth, 'identity:update_consumer', rules.admin)
        const row = await consumers.updateConsumer(
          ctx,
          request.params.consumer_id,
          request.body.consumer,
        )
        return { consumer: consumerView(row, identityBase(request)) }
      },
    )

    app.delete<Params>(`${P}/consumers/:consumer_id`, async (request, reply) => {
      enforce(request.auth, 'identity:delete_consumer', rules.admin)
      await consumers.deleteConsumer(ctx, request.params.consumer_id)
      return reply.status(204).send()
    })

    const notImplemented = async (): Promise<never> => {
      throw new NotImplementedError('The action you have requested has not been implemented.')
    }
    // Signed with OAuth headers, not X-Auth-Token: public like Keystone's.
    app.post(`${P}/request_token`, { config: { public: true } }, notImplemented)
    app.post(`${P}/access_token`, { config: { public: true } }, notImplemented)
    app.put(`${P}/authorize/:request_token_id`, notImplemented)

    // No access token can exist, so a user's list is empty and any one of them is unknown.
    type User = { Params: { user_id: string } }
    app.get<User>(`/users/:user_id${P}/access_tokens`, async (request) => {
      enforce(request.auth, 'identity:list_access_tokens', rules.adminOrOwner, {
        userId: request.params.user_id,
      })
      return { access_tokens: [], links: collectionLinks(request) }
    })
    const noToken = async (request: {
      auth: Parameters<typeof enforce>[0]
      params: unknown
    }): Promise<never> => {
      const userId = (request.params as { user_id: string }).user_id
      enforce(request.auth, 'identity:get_access_token', rules.adminOrOwner, { userId })
      throw new NotFoundError('Access token not found')
    }
    app.route({
      method: ['GET', 'DELETE'],
      url: `/users/:user_id${P}/access_tokens/:access_token_id`,
      handler: noToken,
    })
    app.get(`/users/:user_id${P}/access_tokens/:access_token_id/roles`, noToken)
    app.get(`/users/:user_id${P}/access_tokens/:access_token_id/roles/:role_id`, noToken)
  }
}
