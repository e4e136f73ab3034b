import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import {
  BadRequestError,
  ForbiddenError,
  NotFoundError,
  NotImplementedError,
} from '../../../common/errors.js'
import { listServiceRows } from '../../../db/repositories/volume/backends.js'
import { hostUsage } from '../host-usage.js'
import type { VolumeContext } from '../volume-context.js'
import { cinderTime, q1, type Query } from './common.js'

type Host = { Params: { host: string } }

function requireAdmin(r: FastifyRequest): void {
  if (!isAdmin(r.auth)) throw new ForbiddenError('Policy does not allow this operation.')
}

/**
 * Cinder's deprecated os-hosts (admin): the enabled services as hosts, one
 * cinder-volume host's usage per project, and the actions Cinder's HostAPI
 * never implemented (enable/disable, power) answered 501.
 */
export function hostsRoutes(ctx: VolumeContext): FastifyPluginAsync {
  const hosts = async (zone?: string) => {
    const cutoff = new Date(Date.now() - ctx.conf.service_down_time * 1000).toISOString()
    return (await listServiceRows(ctx.db))
      .filter((s) => !s.disabled && (!zone || s.availability_zone === zone))
      .map((s) => ({
        host_name: s.host,
        service: s.binary,
        zone: s.availability_zone,
        'service-status': s.updated_at >= cutoff ? 'available' : 'unavailable',
        'service-state': 'enabled',
        'last-update': cinderTime(s.updated_at),
      }))
  }
  const volumeHost = async (host: string) => {
    const found = (await listServiceRows(ctx.db)).some(
      (s) => s.binary === 'cinder-volume' && s.host === host,
    )
    if (!found) throw new NotFoundError(`Host ${host} could not be found.`)
  }
  return async (app) => {
    app.get('/os-hosts', async (r) => {
      requireAdmin(r)
      return { hosts: await hosts(q1(r.query as Query, 'zone')) }
    })
    app.get<Host>('/os-hosts/:host', async (r) => {
      requireAdmin(r)
      const host = r.params.host
      await volumeHost(host)
      const usage = await hostUsage(ctx.db, host)
      const sum = (k: 'volumes' | 'volumeGb' | 'snapshots' | 'snapshotGb') =>
        String(usage.reduce((n, u) => n + u[k], 0))
      const row = (project: string, u: Record<string, string>) => ({
        resource: { host, project, ...u },
      })
      return {
        host: [
          row('(total)', {
            volume_count: sum('volumes'),
            total_volume_gb: sum('volumeGb'),
            snapshot_count: sum('snapshots'),
            total_snapshot_gb: sum('snapshotGb'),
          }),
          ...usage.map((u) =>
            row(u.projectId, {
              volume_count: String(u.volumes),
              total_volume_gb: String(u.volumeGb),
              snapshot_count: String(u.snapshots),
              total_snapshot_gb: String(u.snapshotGb),
            }),
          ),
        ],
      }
    })
    app.put<Host>('/os-hosts/:host', async (r) => {
      requireAdmin(r)
      const hostNames = (await hosts()).map((h) => h.host_name)
      if (!hostNames.includes(r.params.host))
        throw new NotFoundError(`Host ${r.params.host} could not be found.`)
      const body = (r.body ?? {}) as Record<string, unknown>
      for (const [k, v] of Object.entries(body)) {
        if (k.trim().toLowerCase() !== 'status')
          throw new BadRequestError(`Invalid update setting: '${k}'`)
        const val = typeof v === 'string' ? v.trim().toLowerCase() : ''
        if (val !== 'enable' && val !== 'disable')
          throw new BadRequestError(`Invalid status: '${String(v)}'`)
      }
      // Cinder's HostAPI.set_host_enabled is not implemented either; os-services does this.
      throw new NotImplementedError(
        'Enabling or disabling a host is not implemented; use os-services/enable or disable.',
      )
    })
    for (const action of ['startup', 'shutdown', 'reboot'])
      app.get<Host>(`/os-hosts/:host/${action}`, async (r) => {
        requireAdmin(r)
        throw new NotImplementedError(`Host ${action} is not implemented.`)
      })
  }
}
