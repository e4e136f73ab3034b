import type { CreateTableBuilder, Kysely } from 'kysely'
import type { DialectName } from './portable.js'

/** Neutron's standard attributes, on every network resource. */
function standard<T extends string>(t: CreateTableBuilder<T, never>): CreateTableBuilder<T, never> {
  return t
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('revision_number', 'integer', (c) => c.notNull().defaultTo(0))
}

/** Network service (Neutron v2.0) tables. */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  const text = 'text' as const
  const int = 'integer' as const

  await standard(db.schema.createTable('networks'))
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('project_id', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull().defaultTo(''))
    .addColumn('admin_state_up', int, (c) => c.notNull().defaultTo(1))
    .addColumn('status', text, (c) => c.notNull().defaultTo('ACTIVE'))
    .addColumn('shared', int, (c) => c.notNull().defaultTo(0))
    .addColumn('router_external', int, (c) => c.notNull().defaultTo(0))
    .addColumn('mtu', int, (c) => c.notNull())
    .addColumn('port_security_enabled', int, (c) => c.notNull().defaultTo(1))
    .addColumn('availability_zone_hints', text, (c) => c.notNull().defaultTo('[]'))
    .addColumn('dns_domain', text, (c) => c.notNull().defaultTo(''))
    .execute()
  await db.schema.createIndex('networks_project').on('networks').column('project_id').execute()

  await db.schema
    .createTable('network_segments')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('network_id', text, (c) => c.notNull())
    .addColumn('network_type', text, (c) => c.notNull())
    .addColumn('physical_network', text, (c) => c.notNull().defaultTo(''))
    .addColumn('segmentation_id', int)
    .addColumn('segment_index', int, (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema
    .createIndex('network_segments_network')
    .on('network_segments')
    .column('network_id')
    .execute()

  await db.schema
    .createTable('segment_allocations')
    .addColumn('network_type', text, (c) => c.notNull())
    .addColumn('physical_network', text, (c) => c.notNull())
    .addColumn('segmentation_id', int, (c) => c.notNull())
    .addColumn('network_id', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('segment_allocations_pk', [
      'network_type',
      'physical_network',
      'segmentation_id',
    ])
    .execute()

  await standard(db.schema.createTable('subnets'))
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('project_id', text, (c) => c.notNull())
    .addColumn('network_id', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull().defaultTo(''))
    .addColumn('ip_version', int, (c) => c.notNull())
    .addColumn('cidr', text, (c) => c.notNull())
    .addColumn('gateway_ip', text)
    .addColumn('enable_dhcp', int, (c) => c.notNull().defaultTo(1))
    .addColumn('ipv6_ra_mode', text)
    .addColumn('ipv6_address_mode', text)
    .addColumn('subnetpool_id', text)
    .addColumn('dns_nameservers', text, (c) => c.notNull().defaultTo('[]'))
    .addColumn('host_routes', text, (c) => c.notNull().defaultTo('[]'))
    .addColumn('allocation_pools', text, (c) => c.notNull().defaultTo('[]'))
    .addColumn('service_types', text, (c) => c.notNull().defaultTo('[]'))
    .addColumn('segment_id', text)
    .execute()
  await db.schema.createIndex('subnets_network').on('subnets').column('network_id').execute()

  await standard(db.schema.createTable('subnetpools'))
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('project_id', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull().defaultTo(''))
    .addColumn('ip_version', int, (c) => c.notNull())
    .addColumn('prefixes', text, (c) => c.notNull().defaultTo('[]'))
    .addColumn('default_prefixlen', int, (c) => c.notNull())
    .addColumn('min_prefixlen', int, (c) => c.notNull())
    .addColumn('max_prefixlen', int, (c) => c.notNull())
    .addColumn('shared', int, (c) => c.notNull().defaultTo(0))
    .addColumn('is_default', int, (c) => c.notNull().defaultTo(0))
    .addColumn('default_quota', int)
    .addColumn('address_scope_id', text)
    .execute()

  await standard(db.schema.createTable('ports'))
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('project_id', text, (c) => c.notNull())
    .addColumn('network_id', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull().defaultTo(''))
    .addColumn('mac_address', text, (c) => c.notNull())
    .addColumn('admin_state_up', int, (c) => c.notNull().defaultTo(1))
    .addColumn('status', text, (c) => c.notNull().defaultTo('DOWN'))
    .addColumn('device_id', text, (c) => c.notNull().defaultTo(''))
    .addColumn('device_owner', text, (c) => c.notNull().defaultTo(''))
    .addColumn('binding_host_id', text, (c) => c.notNull().defaultTo(''))
    .addColumn('binding_vif_type', text, (c) => c.notNull().defaultTo('unbound'))
    .addColumn('binding_vif_details', text, (c) => c.notNull().defaultTo('{}'))
    .addColumn('binding_vnic_type', text, (c) => c.notNull().defaultTo('normal'))
    .addColumn('binding_profile', text, (c) => c.notNull().defaultTo('{}'))
    .addColumn('port_security_enabled', int, (c) => c.notNull().defaultTo(1))
    .addColumn('allowed_address_pairs', text, (c) => c.notNull().defaultTo('[]'))
    .addColumn('extra_dhcp_opts', text, (c) => c.notNull().defaultTo('[]'))
    .addColumn('dns_name', text, (c) => c.notNull().defaultTo(''))
    .addUniqueConstraint('ports_network_mac', ['network_id', 'mac_address'])
    .execute()
  await db.schema.createIndex('ports_project').on('ports').column('project_id').execute()
  await db.schema.createIndex('ports_device').on('ports').column('device_id').execute()

  await db.schema
    .createTable('ip_allocations')
    .addColumn('port_id', text, (c) => c.notNull())
    .addColumn('subnet_id', text, (c) => c.notNull())
    .addColumn('network_id', text, (c) => c.notNull())
    .addColumn('ip_address', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('ip_allocations_pk', ['subnet_id', 'ip_address'])
    .execute()
  await db.schema
    .createIndex('ip_allocations_port')
    .on('ip_allocations')
    .column('port_id')
    .execute()

  await standard(db.schema.createTable('security_groups'))
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('project_id', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull().defaultTo(''))
    .addColumn('stateful', int, (c) => c.notNull().defaultTo(1))
    .execute()
  await db.schema
    .createIndex('security_groups_project')
    .on('security_groups')
    .column('project_id')
    .execute()

  await standard(db.schema.createTable('security_group_rules'))
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('project_id', text, (c) => c.notNull())
    .addColumn('security_group_id', text, (c) => c.notNull())
    .addColumn('direction', text, (c) => c.notNull())
    .addColumn('ethertype', text, (c) => c.notNull())
    .addColumn('protocol', text)
    .addColumn('port_range_min', int)
    .addColumn('port_range_max', int)
    .addColumn('remote_ip_prefix', text)
    .addColumn('remote_group_id', text)
    .addColumn('remote_address_group_id', text)
    .execute()
  await db.schema
    .createIndex('security_group_rules_group')
    .on('security_group_rules')
    .column('security_group_id')
    .execute()

  await db.schema
    .createTable('port_security_groups')
    .addColumn('port_id', text, (c) => c.notNull())
    .addColumn('security_group_id', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('port_security_groups_pk', ['port_id', 'security_group_id'])
    .execute()

  await db.schema
    .createTable('default_security_groups')
    .addColumn('project_id', text, (c) => c.primaryKey())
    .addColumn('security_group_id', text, (c) => c.notNull())
    .execute()

  await standard(db.schema.createTable('routers'))
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('project_id', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull().defaultTo(''))
    .addColumn('admin_state_up', int, (c) => c.notNull().defaultTo(1))
    .addColumn('status', text, (c) => c.notNull().defaultTo('ACTIVE'))
    .addColumn('gw_port_id', text)
    .addColumn('external_network_id', text)
    .addColumn('enable_snat', int, (c) => c.notNull().defaultTo(1))
    .addColumn('routes', text, (c) => c.notNull().defaultTo('[]'))
    .addColumn('distributed', int, (c) => c.notNull().defaultTo(0))
    .addColumn('ha', int, (c) => c.notNull().defaultTo(0))
    .addColumn('availability_zone_hints', text, (c) => c.notNull().defaultTo('[]'))
    .execute()

  await db.schema
    .createTable('router_ports')
    .addColumn('router_id', text, (c) => c.notNull())
    .addColumn('port_id', text, (c) => c.primaryKey())
    .addColumn('port_type', text, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('router_ports_router')
    .on('router_ports')
    .column('router_id')
    .execute()

  await standard(db.schema.createTable('floatingips'))
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('project_id', text, (c) => c.notNull())
    .addColumn('floating_network_id', text, (c) => c.notNull())
    .addColumn('floating_ip_address', text, (c) => c.notNull())
    .addColumn('floating_port_id', text, (c) => c.notNull())
    .addColumn('fixed_port_id', text)
    .addColumn('fixed_ip_address', text)
    .addColumn('router_id', text)
    .addColumn('status', text, (c) => c.notNull().defaultTo('DOWN'))
    .addColumn('dns_name', text, (c) => c.notNull().defaultTo(''))
    .addColumn('dns_domain', text, (c) => c.notNull().defaultTo(''))
    .execute()

  await db.schema
    .createTable('network_quotas')
    .addColumn('project_id', text, (c) => c.notNull())
    .addColumn('resource', text, (c) => c.notNull())
    .addColumn('limit', int, (c) => c.notNull())
    .addPrimaryKeyConstraint('network_quotas_pk', ['project_id', 'resource'])
    .execute()

  await db.schema
    .createTable('rbac_policies')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('project_id', text, (c) => c.notNull())
    .addColumn('object_type', text, (c) => c.notNull())
    .addColumn('object_id', text, (c) => c.notNull())
    .addColumn('target_project', text, (c) => c.notNull())
    .addColumn('action', text, (c) => c.notNull())
    .addUniqueConstraint('rbac_policies_unique', [
      'object_type',
      'object_id',
      'target_project',
      'action',
    ])
    .execute()

  await db.schema
    .createTable('network_tags')
    .addColumn('resource_type', text, (c) => c.notNull())
    .addColumn('resource_id', text, (c) => c.notNull())
    .addColumn('tag', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('network_tags_pk', ['resource_type', 'resource_id', 'tag'])
    .execute()
}
