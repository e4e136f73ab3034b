import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError, ForbiddenError, NotFoundError } from '../../../common/errors.js'
import { effectiveRoles } from '../../../db/repositories/identity/assignments.js'
import { fromBool } from '../../../db/repositories/identity/rows.js'
import type { AuthRequest, AuthService } from '../auth-service.js'
import type { IdentityContext } from '../identity-context.js'
import { enforce, rules } from '../policy.js'
import { identityBase, collectionLinks } from './links.js'
import { catalogForToken } from '../catalog.js'
import { CatalogCache, tokenView } from './token-view.js'

const authBody = Type.Object({
  auth: Type.Object({
    identity: Type.Object({ methods: Type.Array(Type.String()) }, { additionalProperties: true }),
    scope: Type.Optional(
      Type.Union([Type.Object({}, { additionalProperties: true }), Type.String()]),
    ),
  }),
})

const flag = (v: unknown): boolean => v !== undefined && v !== 'false' && v !== '0' && v !== false

/** /v3/auth/*: tokens and what a token may scope to. */
export function authRoutes(ctx: IdentityContext, auth: AuthService): FastifyPluginAsync {
  return async (app) => {
    const catalog = new CatalogCache(ctx)

    app.post<{ Body: { auth: AuthRequest }; Querystring: { nocatalog?: string } }>(
      '/auth/tokens',
      { config: { public: true }, schema: { body: authBody } },
      async (request, reply) => {
        const { token, data } = await auth.issue(request.body.auth)
        const cat = flag(request.query.nocatalog) ? undefined : await catalog.get()
        return reply
          .status(201)
          .header('x-subject-token', token)
          .send({ token: tokenView(data, cat) })
      },
    )

    const subject = async (
      request: FastifyRequest<{ Querystring: { allow_expired?: string } }>,
    ) => {
      const s = request.headers['x-subject-token']
      if (typeof s !== 'string' || s === '')
        throw new BadRequestError('X-Subject-Token header is required.')
      const data = await auth.validate(s, { allowExpired: flag(request.query.allow_expired) })
      enforce(
        request.auth,
        'identity:validate_token',
        (c, t) => rules.admin(c, t) || t.subjectToken?.userId === c.userId,
        {
          subjectToken: { userId: data.user.id },
        },
      )
      return { s, data }
    }

    app.get<{ Querystring: { nocatalog?: string; allow_expired?: string } }>(
      '/auth/tokens',
      { exposeHeadRoute: false },
      async (request, reply) => {
        const { s, data } = await subject(request)
        const cat = flag(request.query.nocatalog) ? undefined : await catalog.get()
        return reply.header('x-subject-token', s).send({ token: tokenView(data, cat) })
      },
    )

    app.head<{ Querystring: { allow_expired?: string } }>(
      '/auth/tokens',
      async (request, reply) => {
        await subject(request)
        return reply.status(200).send()
      },
    )

    app.delete('/auth/tokens', async (request, reply) => {
      const s = request.headers['x-subject-token']
      if (typeof s !== 'string' || s === '')
        throw new BadRequestError('X-Subject-Token header is required.')
      let data
      try {
        data = await auth.validate(s)
      } catch (err) {
        if (err instanceof NotFoundError) throw new NotFoundError('Could not find token.')
        throw err
      }
      enforce(
        request.auth,
        'identity:revoke_token',
        (c) => rules.admin(c, {}) || data.user.id === c.userId,
      )
      await auth.revoke(s)
      return reply.status(204).send()
    })

    app.get('/auth/catalog', async (request) => {
      if (!request.auth.project && !request.auth.domain && !request.auth.system) {
        throw new ForbiddenError('A scoped token is required to read the catalog.')
      }
      return {
        catalog: catalogForToken(await catalog.get(), {
          projectId: request.auth.project?.id,
          userId: request.auth.userId,
        }),
        links: collectionLinks(request),
      }
    })

    app.get('/auth/projects', async (request) => {
      const base = identityBase(request)
      const rows = await ctx.db
        .selectFrom('projects')
        .selectAll()
        .where('enabled', '=', 1)
        .orderBy('name')
        .execute()
      const out = []
      for (const p of rows) {
        if (
          (await effectiveRoles(ctx.db, request.auth.userId, { type: 'project', id: p.id }))
            .length === 0
        )
          continue
        out.push({
          id: p.id,
          name: p.name,
          domain_id: p.domain_id,
          parent_id: p.parent_id ?? p.domain_id,
          description: p.description,
          enabled: fromBool(p.enabled),
          is_domain: false,
          links: { self: `${base}/projects/${p.id}` },
        })
      }
      return { projects: out, links: collectionLinks(request) }
    })

    app.get('/auth/domains', async (request) => {
      const base = identityBase(request)
      const rows = await ctx.db
        .selectFrom('domains')
        .selectAll()
        .where('enabled', '=', 1)
        .orderBy('name')
        .execute()
      const out = []
      for (const d of rows) {
        if (
          (await effectiveRoles(ctx.db, request.auth.userId, { type: 'domain', id: d.id }))
            .length === 0
        )
          continue
        out.push({
          id: d.id,
          name: d.name,
          description: d.description,
          enabled: true,
          links: { self: `${base}/domains/${d.id}` },
        })
      }
      return { domains: out, links: collectionLinks(request) }
    })

    app.get('/auth/system', async (request) => {
      const roles = await effectiveRoles(ctx.db, request.auth.userId, { type: 'system' })
      return { system: roles.length > 0 ? [{ all: true }] : [], links: collectionLinks(request) }
    })
  }
}
