import { NotFoundError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import { findFloatingIp, type FloatingIpRow } from '../../db/repositories/network/floatingips.js'
import { floatingIpView, type PortDetails } from './api/floatingips-views.js'
import { resourcesTags } from './tags-service.js'

export const floatingIpNotFound = (id: string): NotFoundError =>
  new NotFoundError(`Floating IP ${id} could not be found`, { type: 'FloatingIPNotFound' })

/** Floating IPs as the API renders them: tags and fip-port-details in one query each. */
export async function renderFloatingIps(
  db: Db,
  rows: readonly FloatingIpRow[],
): Promise<Record<string, unknown>[]> {
  const tags = await resourcesTags(
    db,
    'floatingip',
    rows.map((r) => r.id),
  )
  const fixed = [...new Set(rows.flatMap((r) => (r.fixed_port_id ? [r.fixed_port_id] : [])))]
  const ports = new Map<string, PortDetails>()
  for (let i = 0; i < fixed.length; i += 500) {
    const found = await db
      .selectFrom('ports')
      .select([
        'id',
        'name',
        'network_id',
        'mac_address',
        'admin_state_up',
        'status',
        'device_id',
        'device_owner',
      ])
      .where('id', 'in', fixed.slice(i, i + 500))
      .execute()
    for (const p of found) ports.set(p.id, { ...p, admin_state_up: p.admin_state_up === 1 })
  }
  return rows.map((r) => {
    const port = r.fixed_port_id === null ? undefined : ports.get(r.fixed_port_id)
    // NOTE: a port deleted without the ports API's beforePortDelete hook still shows as disassociated.
    const row =
      r.fixed_port_id !== null && !port
        ? { ...r, fixed_port_id: null, fixed_ip_address: null, router_id: null, status: 'DOWN' }
        : r
    return floatingIpView(row, tags.get(r.id) ?? [], port ?? null)
  })
}

/** One floating IP, rendered. */
export async function renderFloatingIp(db: Db, id: string): Promise<Record<string, unknown>> {
  const row = await findFloatingIp(db, id)
  if (!row) throw floatingIpNotFound(id)
  return (await renderFloatingIps(db, [row]))[0]!
}
