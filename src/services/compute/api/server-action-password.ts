import type { FastifyPluginAsync } from 'fastify'
import { loadInstance } from '../actions/instance-guard.js'
import { saveInstance } from '../actions/action-start.js'
import type { ComputeContext } from '../compute-context.js'
import { callerOf } from './server-action-types.js'

// The metadata service stores an encrypted password in these system_metadata keys (password.py).
const KEYS = ['password_0', 'password_1', 'password_2', 'password_3']

function sysMeta(text: string): Record<string, string> {
  try {
    return JSON.parse(text || '{}') as Record<string, string>
  } catch {
    return {}
  }
}

/** /servers/{id}/os-server-password: what a guest posted to the metadata service ('' when nothing). */
export function serverPasswordRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { id: string } }>('/servers/:id/os-server-password', async (request) => {
      const inst = await loadInstance(ctx, request.auth, request.params.id)
      const sys = sysMeta(inst.system_metadata)
      return { password: KEYS.map((k) => sys[k] ?? '').join('') }
    })

    app.delete<{ Params: { id: string } }>(
      '/servers/:id/os-server-password',
      async (request, reply) => {
        const caller = callerOf(request)
        const inst = await loadInstance(ctx, caller.auth, request.params.id)
        const sys = sysMeta(inst.system_metadata)
        for (const k of KEYS) delete sys[k]
        await saveInstance(ctx, inst, { system_metadata: JSON.stringify(sys) })
        return reply.status(204).send()
      },
    )
  }
}
