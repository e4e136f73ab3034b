import type { NetworkRecord } from '../networks-service.js'

const iso = (t: string): string => t.replace(/\.\d{3}Z$/, 'Z')

/**
 * A network as Neutron renders it. provider:* and `segments` are shown to
 * admins only (Neutron's attribute-level GET policy): one segment renders as
 * provider:*, several as `segments`.
 */
export function networkView(rec: NetworkRecord, admin: boolean): Record<string, unknown> {
  const n = rec.row
  const view: Record<string, unknown> = {
    id: n.id,
    name: n.name,
    tenant_id: n.project_id,
    project_id: n.project_id,
    admin_state_up: n.admin_state_up === 1,
    mtu: n.mtu,
    status: n.status,
    subnets: [...rec.subnets],
    shared: rec.shared,
    availability_zone_hints: JSON.parse(n.availability_zone_hints) as string[],
    availability_zones: [],
    ipv4_address_scope: null,
    ipv6_address_scope: null,
    'router:external': n.router_external === 1,
    description: n.description,
    port_security_enabled: n.port_security_enabled === 1,
    l2_adjacency: true,
    tags: [...rec.tags],
    created_at: iso(n.created_at),
    updated_at: iso(n.updated_at),
    revision_number: n.revision_number,
  }
  if (admin) {
    const segs = rec.segments.map((s) => ({
      'provider:network_type': s.network_type,
      'provider:physical_network': s.physical_network === '' ? null : s.physical_network,
      'provider:segmentation_id': s.segmentation_id,
    }))
    if (segs.length === 1 && segs[0]) Object.assign(view, segs[0])
    else if (segs.length > 1) view['segments'] = segs
  }
  return view
}
