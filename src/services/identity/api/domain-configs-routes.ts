import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import {
  createConfig,
  deleteConfig,
  getConfig,
  getDefaultConfig,
  getSecurityComplianceConfig,
  updateConfig,
  type ConfigDict,
} from '../domain-configs-service.js'
import type { IdentityContext } from '../identity-context.js'
import { enforce, rules } from '../policy.js'

type Params = { Params: { domain_id: string; group?: string; option?: string } }

/** The `config` member of a body; Keystone treats a missing one as `{}` (then "No options specified"). */
function configOf(request: FastifyRequest): ConfigDict {
  const config = (request.body as { config?: unknown } | null | undefined)?.config ?? {}
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new BadRequestError("Invalid input for field 'config': must be an object")
  }
  return config as ConfigDict
}

/**
 * Keystone v3 domain-specific configuration: /v3/domains/{id}/config[/{group}[/{option}]]
 * and the defaults under /v3/domains/config/…/default. Only the identity and
 * ldap groups are accepted; the security_compliance group is readable by all.
 */
export function domainConfigsRoutes(ctx: IdentityContext): FastifyPluginAsync {
  return async (app) => {
    const paths = [
      '/domains/:domain_id/config',
      '/domains/:domain_id/config/:group',
      '/domains/:domain_id/config/:group/:option',
    ]

    for (const path of paths) {
      app.get<Params>(path, async (request) => {
        const { domain_id: domainId, group, option } = request.params
        if (group === 'security_compliance') {
          enforce(
            request.auth,
            'identity:get_security_compliance_domain_config',
            rules.authenticated,
          )
          return { config: await getSecurityComplianceConfig(ctx, domainId, option) }
        }
        enforce(request.auth, 'identity:get_domain_config', rules.admin)
        return { config: await getConfig(ctx, domainId, group, option) }
      })

      app.patch<Params>(path, async (request) => {
        enforce(request.auth, 'identity:update_domain_config', rules.admin)
        const { domain_id: domainId, group, option } = request.params
        return { config: await updateConfig(ctx, domainId, configOf(request), group, option) }
      })

      app.delete<Params>(path, async (request, reply) => {
        enforce(request.auth, 'identity:delete_domain_config', rules.admin)
        const { domain_id: domainId, group, option } = request.params
        await deleteConfig(ctx, domainId, group, option)
        return reply.status(204).send()
      })
    }

    app.put<Params>('/domains/:domain_id/config', async (request, reply) => {
      enforce(request.auth, 'identity:create_domain_config', rules.admin)
      const { config, created } = await createConfig(
        ctx,
        request.params.domain_id,
        configOf(request),
      )
      return reply.status(created ? 201 : 200).send({ config })
    })

    const defaults = [
      '/domains/config/default',
      '/domains/config/:group/default',
      '/domains/config/:group/:option/default',
    ]
    for (const path of defaults) {
      app.get<{ Params: { group?: string; option?: string } }>(path, async (request) => {
        enforce(request.auth, 'identity:get_domain_config_default', rules.admin)
        return { config: getDefaultConfig(request.params.group, request.params.option) }
      })
    }
  }
}
