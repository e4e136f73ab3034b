import type { SecurityGroupRuleRow } from '../../../db/repositories/network/security-groups.js'
import type { SecurityGroupRecord } from '../security-groups-service.js'
import { parsePrefix } from '../sg-rule-rules.js'

/** Neutron's time format: ISO 8601 UTC without fractions ("2026-11-22T04:10:20Z"). */
export function neutronTime(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z')
}

/** A security group rule as Neutron renders it (normalized_cidr: the prefix's network). */
export function ruleView(r: SecurityGroupRuleRow): Record<string, unknown> {
  return {
    id: r.id,
    project_id: r.project_id,
    tenant_id: r.project_id,
    security_group_id: r.security_group_id,
    direction: r.direction,
    ethertype: r.ethertype,
    protocol: r.protocol,
    port_range_min: r.port_range_min,
    port_range_max: r.port_range_max,
    remote_ip_prefix: r.remote_ip_prefix,
    remote_group_id: r.remote_group_id,
    remote_address_group_id: r.remote_address_group_id,
    normalized_cidr: r.remote_ip_prefix === null ? null : parsePrefix(r.remote_ip_prefix).network,
    description: r.description,
    created_at: neutronTime(r.created_at),
    updated_at: neutronTime(r.updated_at),
    revision_number: r.revision_number,
  }
}

/** A security group with its rules, as Neutron renders it. */
export function securityGroupView(rec: SecurityGroupRecord): Record<string, unknown> {
  const g = rec.group
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    stateful: g.stateful === 1,
    project_id: g.project_id,
    tenant_id: g.project_id,
    shared: false,
    security_group_rules: rec.rules.map(ruleView),
    tags: [...rec.tags],
    created_at: neutronTime(g.created_at),
    updated_at: neutronTime(g.updated_at),
    revision_number: g.revision_number,
  }
}
