import type { PortRecord } from '../ports-service.js'
import { isoOut } from '../ipam/ml2-hooks.js'

/**
 * Neutron's port dict with the binding, port-security, allowed-address-pairs
 * and extra_dhcp_opt extensions. binding:host_id, binding:profile,
 * binding:vif_type and binding:vif_details are admin-only reads in
 * Neutron's policy, so other callers do not get them.
 */
export function portView(
  p: PortRecord,
  tags: readonly string[],
  admin: boolean,
): Record<string, unknown> {
  const r = p.row
  const v: Record<string, unknown> = {
    id: r.id,
    name: r.name,
    network_id: r.network_id,
    tenant_id: r.project_id,
    project_id: r.project_id,
    mac_address: r.mac_address,
    admin_state_up: Boolean(r.admin_state_up),
    status: r.status,
    device_id: r.device_id,
    device_owner: r.device_owner,
    fixed_ips: p.fixedIps.map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address })),
    allowed_address_pairs: JSON.parse(r.allowed_address_pairs) as unknown,
    extra_dhcp_opts: JSON.parse(r.extra_dhcp_opts) as unknown,
    security_groups: [...p.securityGroups],
    port_security_enabled: Boolean(r.port_security_enabled),
    description: r.description,
    'binding:vnic_type': r.binding_vnic_type,
    tags: [...tags],
    created_at: isoOut(r.created_at),
    updated_at: isoOut(r.updated_at),
    revision_number: r.revision_number,
  }
  if (admin) {
    v['binding:host_id'] = r.binding_host_id
    v['binding:profile'] = JSON.parse(r.binding_profile) as unknown
    v['binding:vif_type'] = r.binding_vif_type
    v['binding:vif_details'] = JSON.parse(r.binding_vif_details) as unknown
  }
  return v
}
