import type { Generated } from 'kysely'

/**
 * Row types of the compute service's server-side tables (migration
 * 0009-compute), merged into `Database` by schema.ts. Conventions as
 * elsewhere: booleans 0/1, ISO-8601 text times, JSON as text.
 *
 * Flavors, keypairs, aggregates and compute quotas live in
 * compute-resources-schema.ts (0010); placement in placement-schema.ts (0011).
 */

/** A nova-compute / nova-scheduler / nova-conductor service record. */
export interface ComputeServiceTable {
  id: Generated<number>
  uuid: string
  host: string
  binary: string
  topic: string
  disabled: 0 | 1
  disabled_reason: string | null
  forced_down: 0 | 1
  /** Last heartbeat; a service is down when older than [DEFAULT] service_down_time. */
  last_seen_up: string | null
  report_count: number
  version: number
  created_at: string
  updated_at: string
}

/** One hypervisor node (a fake node, a vCenter cluster) as reported by its compute worker. */
export interface ComputeNodeTable {
  id: Generated<number>
  uuid: string
  /** compute_services.host of the worker serving this node. */
  host: string
  nodename: string
  hypervisor_hostname: string
  hypervisor_type: string
  hypervisor_version: number
  host_ip: string
  vcpus: number
  vcpus_used: number
  memory_mb: number
  memory_mb_used: number
  local_gb: number
  local_gb_used: number
  running_vms: number
  /** JSON object. */
  cpu_info: string
  /** JSON [[arch, hv_type, vm_mode], ...]. */
  supported_instances: string
  /** JSON string[]. */
  traits: string
  /** JSON SubHostResources[] (driver.ts) or '[]'. */
  sub_hosts: string
  created_at: string
  updated_at: string
}

export interface InstanceTable {
  uuid: string
  project_id: string
  user_id: string
  display_name: string
  display_description: string | null
  hostname: string
  /** Compute service host; null until scheduled. */
  host: string | null
  node: string | null
  availability_zone: string | null
  vm_state: string
  task_state: string | null
  power_state: number
  /** JSON FlavorSpec-like snapshot of the flavor at boot/resize (Nova embeds it). */
  flavor: string
  /** JSON of the previous/new flavor during a resize, else null. */
  old_flavor: string | null
  new_flavor: string | null
  image_ref: string
  key_name: string | null
  key_data: string | null
  user_data: string | null
  config_drive: string
  /** JSON {key: value}. */
  metadata: string
  /** JSON {key: value}: Nova's system_metadata (image_* properties, clean_attempts, ...). */
  system_metadata: string
  access_ip_v4: string | null
  access_ip_v6: string | null
  locked: 0 | 1
  locked_by: string | null
  locked_reason: string | null
  /** JSON list of trusted_image_certificates ids (2.63), or null. */
  trusted_certs: string | null
  launch_index: number
  reservation_id: string
  /** JSON of the request spec (scheduler hints, group, requested networks, ...). */
  request_spec: string
  /** JSON {code, message, details, created} set when the instance went to ERROR. */
  fault: string | null
  progress: number
  root_device_name: string | null
  launched_at: string | null
  terminated_at: string | null
  created_at: string
  updated_at: string
  deleted_at: string | null
  deleted: 0 | 1
}

export interface InstanceTagTable {
  instance_uuid: string
  tag: string
}

export interface InstanceActionTable {
  id: Generated<number>
  action: string
  instance_uuid: string
  request_id: string
  user_id: string
  project_id: string
  start_time: string
  finish_time: string | null
  message: string | null
  updated_at: string
}

export interface InstanceActionEventTable {
  id: Generated<number>
  action_id: number
  event: string
  start_time: string
  finish_time: string | null
  result: string | null
  traceback: string | null
  host: string | null
  details: string | null
}

export interface BlockDeviceMappingTable {
  id: Generated<number>
  /** Exposed as the attachment id (volume attachment `id` is the volume id before 2.89). */
  uuid: string
  instance_uuid: string
  source_type: string
  destination_type: string
  device_name: string | null
  boot_index: number | null
  device_type: string | null
  disk_bus: string | null
  volume_id: string | null
  snapshot_id: string | null
  image_id: string | null
  volume_size: number | null
  volume_type: string | null
  delete_on_termination: 0 | 1
  /** JSON connection info from the volume service. */
  connection_info: string | null
  attachment_id: string | null
  tag: string | null
  created_at: string
  updated_at: string
}

/** Neutron ports a server uses (created by compute or passed in). */
export interface InstancePortTable {
  instance_uuid: string
  port_id: string
  network_id: string
  mac_address: string
  /** 1 when compute created the port and must delete it with the server. */
  created_by_compute: 0 | 1
  tag: string | null
  created_at: string
}

export interface ServerGroupTable {
  id: Generated<number>
  uuid: string
  name: string
  project_id: string
  user_id: string
  policy: string
  /** JSON {max_server_per_host?: n}. */
  rules: string
  created_at: string
}

export interface ServerGroupMemberTable {
  group_uuid: string
  instance_uuid: string
}

export interface MigrationTable {
  id: Generated<number>
  uuid: string
  instance_uuid: string
  project_id: string
  user_id: string
  source_compute: string | null
  source_node: string | null
  dest_compute: string | null
  dest_node: string | null
  dest_host: string | null
  old_flavor_id: string | null
  new_flavor_id: string | null
  /** 'migration' | 'resize' | 'live-migration' | 'evacuation'. */
  migration_type: string
  status: string
  created_at: string
  updated_at: string
}

export interface ComputeTables {
  compute_services: ComputeServiceTable
  compute_nodes: ComputeNodeTable
  instances: InstanceTable
  instance_tags: InstanceTagTable
  instance_actions: InstanceActionTable
  instance_action_events: InstanceActionEventTable
  block_device_mappings: BlockDeviceMappingTable
  instance_ports: InstancePortTable
  server_groups: ServerGroupTable
  server_group_members: ServerGroupMemberTable
  migrations: MigrationTable
}
