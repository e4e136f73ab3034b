import type { FastifyPluginAsync } from 'fastify'
import { isAdmin, type AuthContext } from '../../../common/auth-context.js'
import { NotFoundError } from '../../../common/errors.js'
import { assertNotCredentialDelegated } from '../delegation-guards.js'
import type { IdentityContext } from '../identity-context.js'
import { enforce, rules, type Rule } from '../policy.js'
import type { Trust } from '../trust-lookup.js'
import { TrustService, type TrustCreate } from '../trust-service.js'
import { trustCreateBody } from './delegation-schemas.js'
import { linkedRole, trustView } from './delegation-views.js'
import { collectionLinks, identityBase } from './links.js'

/** Keystone's default trust policy: admin, the trustor, or the trustee. */
const party =
  (t: Trust, who: 'trustor' | 'both'): Rule =>
  (c) =>
    isAdmin(c) ||
    c.userId === t.trustor_user_id ||
    (who === 'both' && c.userId === t.trustee_user_id)

type TrustParams = { trust_id: string }

/** /v3/OS-TRUST/trusts: delegation of a trustor's project roles to a trustee. */
export function trustsRoutes(ctx: IdentityContext): FastifyPluginAsync {
  const trusts = new TrustService(ctx)
  return async (app) => {
    const base = '/OS-TRUST/trusts'

    /** Keystone looks the trust up before its policy check: a missing trust is 404, not 403. */
    const load = async (
      id: string,
      action: string,
      caller: AuthContext,
      who: 'trustor' | 'both',
    ): Promise<Trust> => {
      const t = await trusts.get(id)
      enforce(caller, action, party(t, who))
      assertNotCredentialDelegated(caller)
      return t
    }

    app.post<{ Body: { trust: TrustCreate } }>(
      base,
      { schema: { body: trustCreateBody } },
      async (request, reply) => {
        const body = request.body.trust
        enforce(request.auth, 'identity:create_trust', (c) => c.userId === body.trustor_user_id)
        assertNotCredentialDelegated(request.auth)
        const created = await trusts.create(request.auth, body)
        return reply
          .status(201)
          .send({ trust: trustView(identityBase(request), created, { roles: true }) })
      },
    )

    app.get<{ Querystring: { trustor_user_id?: string; trustee_user_id?: string } }>(
      base,
      async (request) => {
        const { trustor_user_id: trustor, trustee_user_id: trustee } = request.query
        let filters: { trustorId?: string; trusteeId?: string } = {}
        if (trustor) {
          enforce(
            request.auth,
            'identity:list_trusts_for_trustor',
            (c) => isAdmin(c) || c.userId === trustor,
          )
          filters = { trustorId: trustor }
        } else if (trustee) {
          enforce(
            request.auth,
            'identity:list_trusts_for_trustee',
            (c) => isAdmin(c) || c.userId === trustee,
          )
          filters = { trusteeId: trustee }
        } else {
          enforce(request.auth, 'identity:list_trusts', rules.admin)
        }
        assertNotCredentialDelegated(request.auth)
        const b = identityBase(request)
        const list = await trusts.list(filters)
        return {
          trusts: list.map((t) => trustView(b, t, { roles: false })),
          links: collectionLinks(request),
        }
      },
    )

    app.get<{ Params: TrustParams }>(`${base}/:trust_id`, async (request) => {
      const t = await load(request.params.trust_id, 'identity:get_trust', request.auth, 'both')
      return { trust: trustView(identityBase(request), await trusts.view(t), { roles: true }) }
    })

    app.delete<{ Params: TrustParams }>(`${base}/:trust_id`, async (request, reply) => {
      const t = await load(
        request.params.trust_id,
        'identity:delete_trust',
        request.auth,
        'trustor',
      )
      await trusts.delete(t.id)
      return reply.status(204).send()
    })

    app.get<{ Params: TrustParams }>(`${base}/:trust_id/roles`, async (request) => {
      const t = await load(
        request.params.trust_id,
        'identity:list_roles_for_trust',
        request.auth,
        'both',
      )
      const b = identityBase(request)
      const { roles } = await trusts.view(t)
      return {
        roles: roles.map((r) => linkedRole(b, r)),
        links: { self: `${b}${base}/${t.id}/roles`, previous: null, next: null },
      }
    })

    app.get<{ Params: TrustParams & { role_id: string } }>(
      `${base}/:trust_id/roles/:role_id`,
      async (request) => {
        const t = await load(
          request.params.trust_id,
          'identity:get_role_for_trust',
          request.auth,
          'both',
        )
        const role = (await trusts.view(t)).roles.find((r) => r.id === request.params.role_id)
        if (!t.roleIds.includes(request.params.role_id) || !role)
          throw new NotFoundError(`Could not find role: ${request.params.role_id}.`)
        return { role: linkedRole(identityBase(request), role) }
      },
    )
  }
}
