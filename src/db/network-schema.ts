/**
 * Row types of the network service's tables (migration 0008-network), merged
 * into `Database` by schema.ts. Same conventions as the rest: booleans 0/1,
 * ISO-8601 text times, JSON as text.
 *
 * Every Neutron resource carries the "standard attributes" (description,
 * created_at, updated_at, revision_number); tags live in `network_tags`.
 */
export interface StandardAttrs {
  description: string
  created_at: string
  updated_at: string
  revision_number: number
}

export interface NetworkTable extends StandardAttrs {
  id: string
  project_id: string
  name: string
  admin_state_up: 0 | 1
  status: string
  shared: 0 | 1
  router_external: 0 | 1
  mtu: number
  port_security_enabled: 0 | 1
  availability_zone_hints: string
  dns_domain: string
}

/** One segment per network (several with multi-provider). */
export interface NetworkSegmentTable {
  id: string
  network_id: string
  network_type: string
  /** '' when the type has none (vxlan, gre, local). */
  physical_network: string
  /** null for flat and local. */
  segmentation_id: number | null
  segment_index: number
}

/**
 * Taken segmentation ids. The UNIQUE (network_type, physical_network,
 * segmentation_id) key is what makes allocation atomic: two creators racing
 * for the same VLAN cannot both insert.
 */
export interface SegmentAllocationTable {
  network_type: string
  physical_network: string
  segmentation_id: number
  network_id: string
}

export interface SubnetTable extends StandardAttrs {
  id: string
  project_id: string
  network_id: string
  name: string
  ip_version: number
  cidr: string
  gateway_ip: string | null
  enable_dhcp: 0 | 1
  ipv6_ra_mode: string | null
  ipv6_address_mode: string | null
  subnetpool_id: string | null
  /** JSON: string[] */
  dns_nameservers: string
  /** JSON: {destination, nexthop}[] */
  host_routes: string
  /** JSON: {start, end}[] */
  allocation_pools: string
  /** JSON: string[] */
  service_types: string
  segment_id: string | null
}

export interface SubnetPoolTable extends StandardAttrs {
  id: string
  project_id: string
  name: string
  ip_version: number
  /** JSON: string[] of CIDRs */
  prefixes: string
  default_prefixlen: number
  min_prefixlen: number
  max_prefixlen: number
  shared: 0 | 1
  is_default: 0 | 1
  default_quota: number | null
  address_scope_id: string | null
}

export interface PortTable extends StandardAttrs {
  id: string
  project_id: string
  network_id: string
  name: string
  mac_address: string
  admin_state_up: 0 | 1
  status: string
  device_id: string
  device_owner: string
  binding_host_id: string
  binding_vif_type: string
  /** JSON object */
  binding_vif_details: string
  binding_vnic_type: string
  /** JSON object */
  binding_profile: string
  port_security_enabled: 0 | 1
  /** JSON: {ip_address, mac_address}[] */
  allowed_address_pairs: string
  /** JSON: {opt_name, opt_value, ip_version}[] */
  extra_dhcp_opts: string
  dns_name: string
}

/** PRIMARY KEY (subnet_id, ip_address): two ports never share an IP on a subnet. */
export interface IpAllocationTable {
  port_id: string
  subnet_id: string
  network_id: string
  ip_address: string
}

export interface SecurityGroupTable extends StandardAttrs {
  id: string
  project_id: string
  name: string
  stateful: 0 | 1
}

export interface SecurityGroupRuleTable extends StandardAttrs {
  id: string
  project_id: string
  security_group_id: string
  direction: string
  ethertype: string
  protocol: string | null
  port_range_min: number | null
  port_range_max: number | null
  remote_ip_prefix: string | null
  remote_group_id: string | null
  remote_address_group_id: string | null
}

export interface PortSecurityGroupTable {
  port_id: string
  security_group_id: string
}

/** Which project's `default` security group exists (created on first use). */
export interface DefaultSecurityGroupTable {
  project_id: string
  security_group_id: string
}

export interface RouterTable extends StandardAttrs {
  id: string
  project_id: string
  name: string
  admin_state_up: 0 | 1
  status: string
  gw_port_id: string | null
  external_network_id: string | null
  enable_snat: 0 | 1
  /** JSON: {destination, nexthop}[] */
  routes: string
  distributed: 0 | 1
  ha: 0 | 1
  availability_zone_hints: string
}

/** Ports attached to routers: 'network:router_interface' or 'network:router_gateway'. */
export interface RouterPortTable {
  router_id: string
  port_id: string
  port_type: string
}

export interface FloatingIpTable extends StandardAttrs {
  id: string
  project_id: string
  floating_network_id: string
  floating_ip_address: string
  floating_port_id: string
  fixed_port_id: string | null
  fixed_ip_address: string | null
  router_id: string | null
  status: string
  dns_name: string
  dns_domain: string
}

export interface NetworkQuotaTable {
  project_id: string
  resource: string
  limit: number
}

export interface RbacPolicyTable {
  id: string
  project_id: string
  object_type: string
  object_id: string
  target_project: string
  action: string
}

export interface NetworkTagTable {
  resource_type: string
  resource_id: string
  tag: string
}

export interface NetworkTables {
  networks: NetworkTable
  network_segments: NetworkSegmentTable
  segment_allocations: SegmentAllocationTable
  subnets: SubnetTable
  subnetpools: SubnetPoolTable
  ports: PortTable
  ip_allocations: IpAllocationTable
  security_groups: SecurityGroupTable
  security_group_rules: SecurityGroupRuleTable
  port_security_groups: PortSecurityGroupTable
  default_security_groups: DefaultSecurityGroupTable
  routers: RouterTable
  router_ports: RouterPortTable
  floatingips: FloatingIpTable
  network_quotas: NetworkQuotaTable
  rbac_policies: RbacPolicyTable
  network_tags: NetworkTagTable
}
