import type { FastifyPluginAsync } from 'fastify'
import type { ComputeContext } from '../compute-context.js'
import {
  hostPowerAction,
  listHosts,
  setHostEnabled,
  setHostMaintenance,
  showHost,
} from '../hosts-service.js'
import { queryValue, requireAdmin, versionNotFound } from './resource-policy.js'

type IdParams = { Params: { id: string } }
const mode = {
  type: 'string',
  enum: ['enable', 'disable', 'Enable', 'Disable', 'ENABLE', 'DISABLE'],
}
const updateBody = {
  type: 'object',
  properties: { status: mode, maintenance_mode: mode },
  additionalProperties: false,
  anyOf: [{ required: ['status'] }, { required: ['maintenance_mode'] }],
}

/** Nova's deprecated os-hosts API (admin, until 2.42). */
export function hostsRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preValidation', async (request) => {
      if (request.computeMicroversion > 42) versionNotFound()
    })
    app.get('/os-hosts', async (request) => {
      requireAdmin(request.auth, 'os_compute_api:os-hosts:list')
      return {
        hosts: await listHosts(ctx, queryValue((request.query as Record<string, unknown>)['zone'])),
      }
    })
    app.get<IdParams>('/os-hosts/:id', async (request) => {
      requireAdmin(request.auth, 'os_compute_api:os-hosts:show')
      return { host: await showHost(ctx, request.params.id) }
    })
    app.put<IdParams & { Body: { status?: string; maintenance_mode?: string } }>(
      '/os-hosts/:id',
      { schema: { body: updateBody } },
      async (request) => {
        requireAdmin(request.auth, 'os_compute_api:os-hosts:update')
        const host = request.params.id
        const result: Record<string, string> = { host }
        const { status, maintenance_mode } = request.body
        if (status !== undefined)
          result['status'] = await setHostEnabled(ctx, host, status.toLowerCase() === 'enable')
        if (maintenance_mode !== undefined)
          result['maintenance_mode'] = await setHostMaintenance(
            ctx,
            host,
            maintenance_mode.toLowerCase() === 'enable',
          )
        return result
      },
    )
    for (const [action, rule] of [
      ['startup', 'start'],
      ['shutdown', 'shutdown'],
      ['reboot', 'reboot'],
    ] as const)
      app.get<IdParams>(`/os-hosts/:id/${action}`, async (request) => {
        requireAdmin(request.auth, `os_compute_api:os-hosts:${rule}`)
        return {
          host: request.params.id,
          power_action: await hostPowerAction(ctx, request.params.id, action),
        }
      })
  }
}
