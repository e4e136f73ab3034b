import { defineGroup, opt } from '../option.js'

/** Neutron's ML2 plugin options, spelled as in ml2_conf.ini. */
export const ml2Group = defineGroup('ml2', 'ML2: type and mechanism drivers.', {
  type_drivers: opt.list('Network type drivers to load.', [
    'local',
    'flat',
    'vlan',
    'vxlan',
    'gre',
  ]),
  tenant_network_types: opt.list('Types tenant networks get, tried in order.', ['vxlan', 'local']),
  mechanism_drivers: opt.list(
    'Mechanism drivers, called in this order (noop binds any port: keep it last).',
    ['logger', 'noop'],
  ),
  extension_drivers: opt.list('Extension drivers (port_security is always on).', ['port_security']),
  path_mtu: opt.int('MTU of the whole path for tunnel networks (0: global_physnet_mtu).', 0, {
    min: 0,
  }),
  physical_network_mtus: opt.list('physnet:mtu pairs overriding global_physnet_mtu.', []),
})

export const ml2TypeFlatGroup = defineGroup('ml2_type_flat', 'Flat networks.', {
  flat_networks: opt.list('Physical networks flat networks may use (* = any).', ['*']),
})

export const ml2TypeVlanGroup = defineGroup('ml2_type_vlan', 'VLAN networks.', {
  network_vlan_ranges: opt.list(
    'physnet[:min:max] entries; ranges are handed to tenant networks, bare physnets only to admins.',
    ['physnet1:100:199'],
  ),
})

export const ml2TypeVxlanGroup = defineGroup('ml2_type_vxlan', 'VXLAN networks.', {
  vni_ranges: opt.list('min:max VNI ranges for tenant networks.', ['1:1000']),
})

export const ml2TypeGreGroup = defineGroup('ml2_type_gre', 'GRE networks.', {
  tunnel_id_ranges: opt.list('min:max tunnel id ranges for tenant networks.', ['1:1000']),
})

/** Neutron's [quotas] defaults (-1: unlimited). */
export const networkQuotasGroup = defineGroup(
  'quotas',
  'Default per-project quotas of the network service.',
  {
    quota_network: opt.int('Networks per project.', 100, { min: -1 }),
    quota_subnet: opt.int('Subnets per project.', 100, { min: -1 }),
    quota_port: opt.int('Ports per project.', 500, { min: -1 }),
    quota_router: opt.int('Routers per project.', 10, { min: -1 }),
    quota_floatingip: opt.int('Floating IPs per project.', 50, { min: -1 }),
    quota_security_group: opt.int('Security groups per project.', 10, { min: -1 }),
    quota_security_group_rule: opt.int('Security group rules per project.', 100, { min: -1 }),
    quota_subnetpool: opt.int('Subnet pools per project.', -1, { min: -1 }),
    quota_rbac_policy: opt.int('RBAC policies per project.', 10, { min: -1 }),
  },
)
