import type { Db } from '../../db/database.js'
import { portsOfInstances } from '../../db/repositories/compute/instance-ports.js'

/** One address of a server as Nova's addresses view shows it. */
export interface ServerAddress {
  readonly version: 4 | 6
  readonly addr: string
  readonly type: 'fixed' | 'floating'
  readonly mac: string
}

/** Network facts of a server: addresses by network name, and the names of its ports' security groups. */
export interface ServerNetworkInfo {
  /** Network name → addresses (fixed first, then floating), in port order. */
  readonly addresses: ReadonlyMap<string, ServerAddress[]>
  /** Unique security group names of its ports (Nova reads them from Neutron). */
  readonly securityGroups: readonly string[]
}

const version = (addr: string): 4 | 6 => (addr.includes(':') ? 6 : 4)

/**
 * Addresses and security groups of many instances from their instance_ports
 * and the Neutron tables (the in-process equivalent of Nova's network info cache).
 */
export async function networkInfoOf(
  db: Db,
  instanceUuids: readonly string[],
): Promise<Map<string, ServerNetworkInfo>> {
  const out = new Map<string, ServerNetworkInfo>()
  const byInstance = await portsOfInstances(db, instanceUuids)
  const portIds = [...byInstance.values()].flat().map((p) => p.port_id)
  const networkIds = [...new Set([...byInstance.values()].flat().map((p) => p.network_id))]
  const ips = new Map<string, string[]>()
  const floats = new Map<string, string[]>()
  const groups = new Map<string, string[]>()
  const netNames = new Map<string, string>()
  for (let i = 0; i < portIds.length; i += 500) {
    const chunk = portIds.slice(i, i + 500)
    for (const r of await db
      .selectFrom('ip_allocations')
      .select(['port_id', 'ip_address'])
      .where('port_id', 'in', chunk)
      .execute())
      ips.set(r.port_id, [...(ips.get(r.port_id) ?? []), r.ip_address])
    for (const r of await db
      .selectFrom('floatingips')
      .select(['fixed_port_id', 'floating_ip_address'])
      .where('fixed_port_id', 'in', chunk)
      .orderBy('floating_ip_address')
      .execute())
      if (r.fixed_port_id)
        floats.set(r.fixed_port_id, [...(floats.get(r.fixed_port_id) ?? []), r.floating_ip_address])
    for (const r of await db
      .selectFrom('port_security_groups as psg')
      .innerJoin('security_groups as sg', 'sg.id', 'psg.security_group_id')
      .select(['psg.port_id', 'sg.name'])
      .where('psg.port_id', 'in', chunk)
      .execute())
      groups.set(r.port_id, [...(groups.get(r.port_id) ?? []), r.name])
  }
  for (let i = 0; i < networkIds.length; i += 500) {
    const chunk = networkIds.slice(i, i + 500)
    for (const r of await db
      .selectFrom('networks')
      .select(['id', 'name'])
      .where('id', 'in', chunk)
      .execute())
      netNames.set(r.id, r.name)
  }
  for (const uuid of instanceUuids) {
    const addresses = new Map<string, ServerAddress[]>()
    const sgs: string[] = []
    const floating = new Map<string, ServerAddress[]>()
    for (const p of byInstance.get(uuid) ?? []) {
      const label = netNames.get(p.network_id) ?? p.network_id
      const list = addresses.get(label) ?? []
      const fl = floating.get(label) ?? []
      for (const addr of ips.get(p.port_id) ?? [])
        list.push({ version: version(addr), addr, type: 'fixed', mac: p.mac_address })
      for (const addr of floats.get(p.port_id) ?? [])
        fl.push({ version: version(addr), addr, type: 'floating', mac: p.mac_address })
      addresses.set(label, list)
      floating.set(label, fl)
      for (const g of groups.get(p.port_id) ?? []) if (!sgs.includes(g)) sgs.push(g)
    }
    // Nova lists a network's fixed addresses first, then its floating ones.
    for (const [label, fl] of floating)
      addresses.set(label, [...(addresses.get(label) ?? []), ...fl])
    out.set(uuid, { addresses, securityGroups: sgs })
  }
  return out
}
