/**
 * The API extensions Nubis implements, as GET /v2.0/extensions lists them.
 * The list must hold exactly what works: clients (and Tempest, through
 * `[network-feature-enabled] api_extensions`) decide what to call from it.
 * Each area adds its own entries when its behaviour lands.
 */
export interface Extension {
  readonly alias: string
  readonly name: string
  readonly description: string
  readonly updated: string
}

export const EXTENSIONS: readonly Extension[] = [
  // Entries are added by the area that implements them; keep the list sorted by alias.
  {
    alias: 'allowed-address-pairs',
    name: 'Allowed Address Pairs',
    description: 'Provides allowed address pairs',
    updated: '2013-07-23T10:00:00-00:00',
  },
  {
    alias: 'binding',
    name: 'Port Binding',
    description: 'Expose port bindings of a virtual port to external application',
    updated: '2014-02-03T10:00:00-00:00',
  },
  {
    alias: 'ext-gw-mode',
    name: 'Neutron L3 Configurable external gateway mode',
    description:
      'Extension of the router abstraction for specifying whether SNAT should occur on the external gateway',
    updated: '2013-03-28T10:00:00-00:00',
  },
  {
    alias: 'external-net',
    name: 'Neutron external network',
    description: 'Adds external network attribute to network resource.',
    updated: '2013-01-14T10:00:00-00:00',
  },
  {
    alias: 'extra_dhcp_opt',
    name: 'Neutron Extra DHCP options',
    description:
      'Extra options configuration for DHCP. For example PXE boot options to DHCP clients can be specified (e.g. tftp-server, server-ip-address, bootfile-name)',
    updated: '2013-03-17T12:00:00-00:00',
  },
  {
    alias: 'extraroute',
    name: 'Neutron Extra Route',
    description: 'Extra routes configuration for L3 router',
    updated: '2013-02-01T10:00:00-00:00',
  },
  {
    alias: 'fip-port-details',
    name: 'Floating IP Port Details Extension',
    description: 'Add port_details attribute to Floating IP resource',
    updated: '2018-04-09T10:00:00-00:00',
  },
  {
    alias: 'ip-substring-filtering',
    name: 'IP address substring filtering',
    description: 'Provides IP address substring filtering when listing ports',
    updated: '2017-11-28T09:00:00-00:00',
  },
  {
    alias: 'l2_adjacency',
    name: 'L2 Adjacency',
    description: 'Display L2 Adjacency for Neutron Networks.',
    updated: '2016-04-12T16:00:00-00:00',
  },
  {
    alias: 'multi-provider',
    name: 'Multi Provider Network',
    description: 'Expose mapping of virtual networks to multiple physical networks',
    updated: '2013-06-27T10:00:00-00:00',
  },
  {
    alias: 'net-mtu',
    name: 'Network MTU',
    description: 'Provides MTU attribute for a network resource.',
    updated: '2015-03-25T10:00:00-00:00',
  },
  {
    alias: 'net-mtu-writable',
    name: 'Network MTU (writable)',
    description: 'Provides a writable MTU attribute for a network resource.',
    updated: '2017-07-12T00:00:00-00:00',
  },
  {
    alias: 'network-ip-availability',
    name: 'Network IP Availability',
    description: 'Provides IP availability data for each network and subnet.',
    updated: '2015-09-24T00:00:00-00:00',
  },
  {
    alias: 'port-security',
    name: 'Port Security',
    description: 'Provides port security',
    updated: '2012-07-23T10:00:00-00:00',
  },
  {
    alias: 'provider',
    name: 'Provider Network',
    description: 'Expose mapping of virtual networks to physical networks',
    updated: '2012-09-07T10:00:00-00:00',
  },
  {
    alias: 'quota_details',
    name: 'Quota details management support',
    description: 'Expose functions for quotas usage statistics per project',
    updated: '2017-02-10T10:00:00-00:00',
  },
  {
    alias: 'quotas',
    name: 'Quota management support',
    description: 'Expose functions for quotas management per project',
    updated: '2012-07-29T10:00:00-00:00',
  },
  {
    alias: 'rbac-policies',
    name: 'RBAC Policies',
    description:
      'Allows creation and modification of policies that control tenant access to resources.',
    updated: '2015-06-17T12:15:12-00:00',
  },
  {
    alias: 'router',
    name: 'Neutron L3 Router',
    description:
      'Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway.',
    updated: '2012-07-20T10:00:00-00:00',
  },
  {
    alias: 'security-group',
    name: 'security-group',
    description: 'The security groups extension.',
    updated: '2012-10-05T10:00:00-00:00',
  },
  {
    alias: 'security-groups-normalized-cidr',
    name: 'Normalized CIDR field for security group rules',
    description: 'Add new field with normalized remote_ip_prefix cidr in SG rule',
    updated: '2020-07-28T10:00:00-00:00',
  },
  {
    alias: 'standard-attr-description',
    name: 'standard-attr-description',
    description: 'Extension to add descriptions to standard attributes',
    updated: '2016-02-10T10:00:00-00:00',
  },
  {
    alias: 'standard-attr-revisions',
    name: 'Resource revision numbers',
    description: 'This extension will display the revision number of neutron resources.',
    updated: '2016-04-11T10:00:00-00:00',
  },
  {
    alias: 'standard-attr-tag',
    name: 'Tag support for resources with standard attribute: subnet, network, subnetpool, port, router, floatingip, security_group',
    description: 'Enables to set tag on resources with standard attribute.',
    updated: '2017-01-01T00:00:00-00:00',
  },
  {
    alias: 'standard-attr-timestamp',
    name: 'Resource timestamps',
    description:
      'Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.',
    updated: '2016-09-12T10:00:00-00:00',
  },
  {
    alias: 'stateful-security-group',
    name: 'Stateful security group',
    description: 'Indicates if the security group is stateful or not',
    updated: '2019-11-26T09:00:00-00:00',
  },
  {
    alias: 'subnet_allocation',
    name: 'Subnet Allocation',
    description: 'Enables allocation of subnets from a subnet pool',
    updated: '2015-03-30T10:00:00-00:00',
  },
  {
    alias: 'tag',
    name: 'Tag support',
    description: 'Enables to set tag on resources.',
    updated: '2016-01-01T00:00:00-00:00',
  },
]

export function extensionView(e: Extension): Record<string, unknown> {
  return { alias: e.alias, name: e.name, description: e.description, updated: e.updated, links: [] }
}
