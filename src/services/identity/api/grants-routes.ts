import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import {
  checkGrant,
  createGrant,
  listGrants,
  revokeGrant,
  type GrantSpec,
} from '../grants-service.js'
import type { IdentityContext } from '../identity-context.js'
import { enforce, rules } from '../policy.js'
import { rolesView } from './roles-views.js'

/** One family of grant URLs: where the target sits in the path and which form it is. */
interface TargetRoute {
  readonly path: string
  readonly target: GrantSpec['target']
  readonly param?: 'project_id' | 'domain_id'
  readonly inherited: boolean
  /** Keystone lists inherited grants on domains only, not on projects. */
  readonly list: boolean
}

const TARGETS: readonly TargetRoute[] = [
  {
    path: '/projects/:project_id',
    target: 'project',
    param: 'project_id',
    inherited: false,
    list: true,
  },
  {
    path: '/domains/:domain_id',
    target: 'domain',
    param: 'domain_id',
    inherited: false,
    list: true,
  },
  { path: '/system', target: 'system', inherited: false, list: true },
  {
    path: '/OS-INHERIT/domains/:domain_id',
    target: 'domain',
    param: 'domain_id',
    inherited: true,
    list: true,
  },
  {
    path: '/OS-INHERIT/projects/:project_id',
    target: 'project',
    param: 'project_id',
    inherited: true,
    list: false,
  },
]

const ACTORS = [
  { segment: 'users', actor: 'user', param: 'user_id' },
  { segment: 'groups', actor: 'group', param: 'group_id' },
] as const

type Params = Record<string, string>

/**
 * Role grants: /v3/{projects,domains}/{id}/{users,groups}/{id}/roles[/{role}],
 * /v3/system/{users,groups}/{id}/roles[/{role}] and their OS-INHERIT
 * …/inherited_to_projects forms. PUT, check (GET/HEAD) and DELETE answer 204.
 */
export function grantsRoutes(ctx: IdentityContext): FastifyPluginAsync {
  return async (app) => {
    for (const t of TARGETS) {
      for (const a of ACTORS) {
        const spec = (request: FastifyRequest<{ Params: Params }>): GrantSpec => ({
          actor: a.actor,
          actorId: request.params[a.param] ?? '',
          target: t.target,
          targetId: t.param ? (request.params[t.param] ?? '') : 'system',
          inherited: t.inherited,
        })
        // Keystone's policy names: system grants have their own, per actor type.
        const action = (verb: 'create' | 'check' | 'revoke' | 'list'): string => {
          if (t.target !== 'system') return `identity:${verb}_grant${verb === 'list' ? 's' : ''}`
          const v = verb === 'list' ? 'list_system_grants' : `${verb}_system_grant`
          return `identity:${v}_for_${a.actor}`
        }
        const base = `${t.path}/${a.segment}/:${a.param}/roles`
        const suffix = t.inherited ? '/inherited_to_projects' : ''

        if (t.list) {
          app.get<{ Params: Params }>(`${base}${suffix}`, async (request) => {
            enforce(request.auth, action('list'), rules.admin)
            return rolesView(request, await listGrants(ctx, spec(request)))
          })
        }
        const one = `${base}/:role_id${suffix}`
        app.put<{ Params: Params }>(one, async (request, reply) => {
          enforce(request.auth, action('create'), rules.admin)
          await createGrant(ctx, spec(request), request.params.role_id ?? '')
          return reply.status(204).send()
        })
        app.get<{ Params: Params }>(one, async (request, reply) => {
          enforce(request.auth, action('check'), rules.admin)
          await checkGrant(ctx, spec(request), request.params.role_id ?? '')
          return reply.status(204).send()
        })
        app.delete<{ Params: Params }>(one, async (request, reply) => {
          enforce(request.auth, action('revoke'), rules.admin)
          await revokeGrant(ctx, spec(request), request.params.role_id ?? '')
          return reply.status(204).send()
        })
      }
    }
  }
}
