import type { SubnetRow } from '../../../db/repositories/network/subnets.js'
import type { SubnetPoolRow } from '../../../db/repositories/network/subnetpools.js'
import { isoOut } from '../ipam/ml2-hooks.js'

/** Neutron's subnet dict (core attributes plus standard attributes and tags). */
export function subnetView(s: SubnetRow, tags: readonly string[]): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    tenant_id: s.project_id,
    project_id: s.project_id,
    network_id: s.network_id,
    ip_version: s.ip_version,
    subnetpool_id: s.subnetpool_id,
    enable_dhcp: Boolean(s.enable_dhcp),
    ipv6_ra_mode: s.ipv6_ra_mode,
    ipv6_address_mode: s.ipv6_address_mode,
    gateway_ip: s.gateway_ip,
    cidr: s.cidr,
    allocation_pools: JSON.parse(s.allocation_pools) as unknown,
    host_routes: JSON.parse(s.host_routes) as unknown,
    dns_nameservers: JSON.parse(s.dns_nameservers) as unknown,
    description: s.description,
    service_types: JSON.parse(s.service_types) as unknown,
    tags: [...tags],
    created_at: isoOut(s.created_at),
    updated_at: isoOut(s.updated_at),
    revision_number: s.revision_number,
  }
}

/** Neutron's subnetpool dict. */
export function subnetPoolView(p: SubnetPoolRow, tags: readonly string[]): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    tenant_id: p.project_id,
    project_id: p.project_id,
    prefixes: JSON.parse(p.prefixes) as unknown,
    default_prefixlen: p.default_prefixlen,
    min_prefixlen: p.min_prefixlen,
    max_prefixlen: p.max_prefixlen,
    is_default: Boolean(p.is_default),
    shared: Boolean(p.shared),
    default_quota: p.default_quota,
    address_scope_id: p.address_scope_id,
    ip_version: p.ip_version,
    description: p.description,
    tags: [...tags],
    created_at: isoOut(p.created_at),
    updated_at: isoOut(p.updated_at),
    revision_number: p.revision_number,
  }
}
