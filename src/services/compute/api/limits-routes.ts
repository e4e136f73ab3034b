import type { FastifyPluginAsync } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import { inUse } from '../quota-sets-service.js'
import { effectiveLimits, type QuotaResource } from '../quotas.js'
import { queryValue, requireAdmin } from './resource-policy.js'

/** Nova's limits view: quota name → absolute limit names. */
const LIMIT_NAMES: Array<[QuotaResource, string]> = [
  ['ram', 'maxTotalRAMSize'],
  ['instances', 'maxTotalInstances'],
  ['cores', 'maxTotalCores'],
  ['key_pairs', 'maxTotalKeypairs'],
  ['floating_ips', 'maxTotalFloatingIps'],
  ['metadata_items', 'maxServerMeta'],
  ['metadata_items', 'maxImageMeta'],
  ['injected_files', 'maxPersonality'],
  ['injected_file_content_bytes', 'maxPersonalitySize'],
  ['security_groups', 'maxSecurityGroups'],
  ['security_group_rules', 'maxSecurityGroupRules'],
  ['server_groups', 'maxServerGroups'],
  ['server_group_members', 'maxServerGroupMembers'],
]
const USED_NAMES: Array<[string, QuotaResource]> = [
  ['totalRAMUsed', 'ram'],
  ['totalCoresUsed', 'cores'],
  ['totalInstancesUsed', 'instances'],
  ['totalFloatingIpsUsed', 'floating_ips'],
  ['totalSecurityGroupsUsed', 'security_groups'],
  ['totalServerGroupsUsed', 'server_groups'],
]

/** GET /limits: absolute limits and usage of the caller's project (tenant_id for admins); rate is always []. */
export function limitsRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/limits', async (request) => {
      const mv = request.computeMicroversion
      let projectId = request.auth.project?.id
      const tenant = queryValue((request.query as Record<string, unknown>)['tenant_id'])
      if (tenant !== undefined) {
        requireAdmin(request.auth, 'os_compute_api:limits:other_project')
        projectId = tenant
      }
      if (projectId === undefined) throw new BadRequestError('A project-scoped token is required.')
      const filtered = new Set<QuotaResource>(
        mv >= 36 ? ['floating_ips', 'security_groups', 'security_group_rules'] : [],
      )
      if (mv >= 57) {
        filtered.add('injected_files')
        filtered.add('injected_file_content_bytes')
      }
      const limits = await effectiveLimits(ctx, projectId)
      const used = await inUse(ctx, projectId)
      const absolute: Record<string, number> = {}
      for (const [res, name] of LIMIT_NAMES) {
        if (filtered.has(res) || (name === 'maxImageMeta' && mv >= 39)) continue
        absolute[name] = limits[res]
      }
      for (const [name, res] of USED_NAMES) if (!filtered.has(res)) absolute[name] = used[res] ?? 0
      return { limits: { rate: [], absolute } }
    })
  }
}
