import { defineGroup, opt } from '../option.js'

/** Nova's [compute] options that Nubis honours, plus where the driver comes from. */
export const computeGroup = defineGroup('compute', 'Compute service and workers.', {
  compute_driver: opt.string(
    'Driver for the compute nodes of this process: fake, vsphere (alias vmwareapi.VMwareVCDriver).',
    'fake',
  ),
  default_floating_pool: opt.string(
    "Floating IP pool (external network name) of os-floating-ips requests naming none (Nova's [neutron] default_floating_pool).",
    'nova',
  ),
  default_availability_zone: opt.string(
    'Availability zone of nodes not in an aggregate with one.',
    'nova',
  ),
  service_down_time: opt.int(
    'Seconds without a heartbeat after which a compute service is down.',
    60,
    { min: 1 },
  ),
  report_interval: opt.int('Seconds between service heartbeats.', 10, { min: 1 }),
  resource_report_interval: opt.int('Seconds between periodic resource reports of a node.', 60, {
    min: 1,
  }),
  sync_power_state_interval: opt.int(
    'Seconds between power-state syncs with the driver (-1: off).',
    600,
    { min: -1 },
  ),
  vif_plugging_timeout: opt.int(
    'Seconds to wait for network-vif-plugged before failing a build (0: do not wait).',
    300,
    { min: 0 },
  ),
  vif_plugging_is_fatal: opt.bool(
    'Fail the build when network-vif-plugged does not arrive in time.',
    true,
  ),
  allow_resize_to_same_host: opt.bool(
    'Let resize and cold migration pick the host the server is on (Nova [DEFAULT] allow_resize_to_same_host).',
    false,
  ),
  create_default_flavors: opt.bool('Create m1.tiny … m1.xlarge on first start.', true),
  max_local_block_devices: opt.int('Maximum local block devices per server (-1: unlimited).', 3, {
    min: -1,
  }),
})

/** The fake driver: nodes in memory, for tests and the embedded default. */
export const fakeDriverGroup = defineGroup('fake', 'The fake compute driver.', {
  nodes: opt.int('Number of fake nodes this process runs (each is its own compute host).', 1, {
    min: 1,
  }),
  host_prefix: opt.string(
    'Host name prefix of the fake nodes (numbered from 1; a single node gets no number).',
    'fake-compute',
  ),
  vcpus: opt.int('vCPUs per fake node.', 64, { min: 1 }),
  memory_mb: opt.int('Memory per fake node (MiB).', 262144, { min: 1 }),
  local_gb: opt.int('Local disk per fake node (GiB).', 4096, { min: 1 }),
  sub_hosts: opt.int('Sub-hosts per node (0: none); capacity is split evenly between them.', 0, {
    min: 0,
  }),
  fail_spawn_on: opt.list('Node names where spawn fails (failure injection).', []),
  spawn_delay_ms: opt.int('Milliseconds a fake spawn takes.', 0, { min: 0 }),
})

/** Nova's [quota] (compute quotas; -1 unlimited). */
export const computeQuotaGroup = defineGroup('quota', 'Default per-project compute quotas.', {
  instances: opt.int('Servers per project.', 10, { min: -1 }),
  cores: opt.int('vCPUs per project.', 20, { min: -1 }),
  ram: opt.int('RAM per project (MiB).', 51200, { min: -1 }),
  metadata_items: opt.int('Metadata items per server.', 128, { min: -1 }),
  injected_files: opt.int('Injected files per server.', 5, { min: -1 }),
  injected_file_content_bytes: opt.int('Bytes per injected file.', 10240, { min: -1 }),
  injected_file_path_length: opt.int('Injected file path length.', 255, { min: -1 }),
  key_pairs: opt.int('Key pairs per user.', 100, { min: -1 }),
  server_groups: opt.int('Server groups per project.', 10, { min: -1 }),
  server_group_members: opt.int('Servers per server group.', 10, { min: -1 }),
})
