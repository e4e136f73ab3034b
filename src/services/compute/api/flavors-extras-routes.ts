import type { FastifyPluginAsync } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import {
  addFlavorAccess,
  listExtraSpecs,
  listFlavorAccess,
  normaliseSpecs,
  removeFlavorAccess,
  setExtraSpecs,
  showExtraSpec,
  unsetExtraSpec,
} from '../flavors-extras-service.js'
import {
  addTenantAccessBody,
  extraSpecUpdateBody,
  extraSpecsCreateBody,
  removeTenantAccessBody,
} from './flavors-schemas.js'
import { atLeast } from './microversion.js'
import { requireAdmin } from './resource-policy.js'

type FlavorParams = { Params: { flavor_id: string } }
type KeyParams = { Params: { flavor_id: string; key: string } }
type Specs = Record<string, string | number>

/** os-extra_specs, os-flavor-access and the flavor access actions. */
export function flavorsExtrasRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get<FlavorParams>('/flavors/:flavor_id/os-extra_specs', async (request) => ({
      extra_specs: await listExtraSpecs(ctx, request.auth, request.params.flavor_id),
    }))
    app.post<FlavorParams & { Body: { extra_specs: Specs } }>(
      '/flavors/:flavor_id/os-extra_specs',
      { schema: { body: extraSpecsCreateBody } },
      async (request) => {
        requireAdmin(request.auth, 'os_compute_api:os-flavor-extra-specs:create')
        const specs = normaliseSpecs(request.body.extra_specs)
        await setExtraSpecs(ctx, request.auth, request.params.flavor_id, specs)
        return request.body
      },
    )
    app.get<KeyParams>('/flavors/:flavor_id/os-extra_specs/:key', async (request) => {
      const { flavor_id, key } = request.params
      return { [key]: await showExtraSpec(ctx, request.auth, flavor_id, key) }
    })
    app.put<KeyParams & { Body: Specs }>(
      '/flavors/:flavor_id/os-extra_specs/:key',
      { schema: { body: extraSpecUpdateBody } },
      async (request) => {
        requireAdmin(request.auth, 'os_compute_api:os-flavor-extra-specs:update')
        const specs = normaliseSpecs(request.body)
        if (!(request.params.key in specs))
          throw new BadRequestError('Request body and URI mismatch')
        await setExtraSpecs(ctx, request.auth, request.params.flavor_id, specs)
        return request.body
      },
    )
    app.delete<KeyParams>('/flavors/:flavor_id/os-extra_specs/:key', async (request, reply) => {
      requireAdmin(request.auth, 'os_compute_api:os-flavor-extra-specs:delete')
      await unsetExtraSpec(ctx, request.auth, request.params.flavor_id, request.params.key)
      return reply.status(200).send()
    })

    app.get<FlavorParams>('/flavors/:flavor_id/os-flavor-access', async (request) => {
      requireAdmin(request.auth, 'os_compute_api:os-flavor-access')
      return { flavor_access: await listFlavorAccess(ctx, request.params.flavor_id) }
    })
    app.post<FlavorParams & { Body: Record<string, { tenant: string } | undefined> }>(
      '/flavors/:flavor_id/action',
      {
        schema: { body: { oneOf: [addTenantAccessBody, removeTenantAccessBody] } },
      },
      async (request) => {
        const { flavor_id } = request.params
        const add = request.body['addTenantAccess']
        if (add) {
          requireAdmin(request.auth, 'os_compute_api:os-flavor-access:add_tenant_access')
          return {
            flavor_access: await addFlavorAccess(ctx, flavor_id, add.tenant, atLeast(request, 7)),
          }
        }
        const remove = request.body['removeTenantAccess']
        if (!remove) throw new BadRequestError('There is no such action')
        requireAdmin(request.auth, 'os_compute_api:os-flavor-access:remove_tenant_access')
        return { flavor_access: await removeFlavorAccess(ctx, flavor_id, remove.tenant) }
      },
    )
  }
}
