import { ConflictError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import { disassociateFloatingIpsOfPort } from '../../db/repositories/network/floatingips.js'

/** Device owners whose ports only the L3 API may delete (Neutron's router_device_owners). */
const L3_OWNERS = new Set([
  'network:router_interface',
  'network:router_gateway',
  'network:floatingip',
])

/**
 * For the ports API's DELETE, inside its transaction, before the row goes:
 * Neutron's prevent_l3_port_deletion (409 ServicePortInUse for a router
 * or floating IP port whose router / floating IP still exists) and
 * disassociate_floatingips (floating IPs on the port stay allocated,
 * unbound).
 */
export async function beforePortDelete(
  db: Db,
  port: { readonly id: string; readonly device_id: string; readonly device_owner: string },
  hasFixedIps: boolean,
): Promise<void> {
  if (L3_OWNERS.has(port.device_owner) && hasFixedIps) {
    const table = port.device_owner === 'network:floatingip' ? 'floatingips' : 'routers'
    const owner = await db
      .selectFrom(table)
      .select('id')
      .where('id', '=', port.device_id)
      .executeTakeFirst()
    if (owner) {
      throw new ConflictError(
        `Port ${port.id} cannot be deleted directly via the port API: has device owner ${port.device_owner}.`,
        { type: 'ServicePortInUse' },
      )
    }
  }
  await disassociateFloatingIpsOfPort(
    db,
    port.id,
    new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  )
}
