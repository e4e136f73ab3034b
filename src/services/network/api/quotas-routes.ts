import type { FastifyPluginAsync } from 'fastify'
import type { NetworkContext } from '../network-context.js'
import { callerProject } from '../policy.js'
import {
  allProjectQuotas,
  projectDefaultQuotas,
  projectQuotas,
  quotaDetails,
  resetQuotas,
  updateQuotas,
} from '../quotas-service.js'

type Params = { Params: { project_id: string } }

/** Neutron v2.0 quotas API (quotas + quota_details extensions). */
export function quotasRoutes(ctx: NetworkContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/quotas', async (request) => ({ quotas: await allProjectQuotas(ctx, request.auth) }))
    // The caller's own project id, as neutronclient's `quota show` without a project asks it.
    app.get('/quotas/project', async (request) => ({
      project: { project_id: callerProject(request.auth) },
    }))
    app.get('/quotas/tenant', async (request) => ({
      tenant: { tenant_id: callerProject(request.auth) },
    }))
    for (const suffix of ['', '.json']) {
      app.get<Params>(`/quotas/:project_id/details${suffix}`, async (request) => ({
        quota: await quotaDetails(ctx, request.auth, request.params.project_id),
      }))
      app.get<Params>(`/quotas/:project_id/default${suffix}`, async (request) => ({
        quota: projectDefaultQuotas(ctx, request.auth, request.params.project_id),
      }))
    }
    app.get<Params>('/quotas/:project_id', async (request) => ({
      quota: await projectQuotas(ctx, request.auth, stripJson(request.params.project_id)),
    }))
    app.put<Params>('/quotas/:project_id', async (request) => ({
      quota: await updateQuotas(
        ctx,
        request.auth,
        stripJson(request.params.project_id),
        request.body,
      ),
    }))
    app.delete<Params>('/quotas/:project_id', async (request, reply) => {
      await resetQuotas(ctx, request.auth, stripJson(request.params.project_id))
      return reply.status(204).send()
    })
  }
}

/** Neutron accepts a `.json` format suffix on any URL. */
function stripJson(id: string): string {
  return id.endsWith('.json') ? id.slice(0, -5) : id
}
