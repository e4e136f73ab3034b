import { defineGroup, opt } from '../option.js'

/**
 * The block storage service (Cinder v3). Cinder reads the quota and backup
 * options from [DEFAULT]; Nubis keeps them here so the shared [DEFAULT] group
 * stays small (`quota_volumes` in cinder.conf's [DEFAULT] → [volume] here).
 */
export const volumeGroup = defineGroup('volume', 'Block storage service.', {
  enabled_backends: opt.list(
    'Backends this process serves; each name is a section (file, vmware).',
    ['file'],
  ),
  host: opt.string(
    'Host name of this volume service (the part before @ in host@backend#pool).',
    'nubis',
  ),
  default_volume_type: opt.string('Type of volumes created without one.', '__DEFAULT__'),
  default_availability_zone: opt.string('Zone of volumes created without one.', 'nova'),
  storage_availability_zone: opt.string('Zone the backends of this process are in.', 'nova'),
  allow_availability_zone_fallback: opt.bool(
    'Create in the default zone when the requested one does not exist.',
    false,
  ),
  report_interval: opt.int('Seconds between backend capacity reports and heartbeats.', 10, {
    min: 1,
  }),
  service_down_time: opt.int('Seconds without a heartbeat after which a service is down.', 60, {
    min: 1,
  }),
  backup_posix_path: opt.string(
    'Directory of the posix backup driver (empty: <data_dir>/backups).',
    '',
  ),
  backup_file_size: opt.int(
    'Bytes per backup chunk of the posix driver (each is read whole on restore; Cinder: 1999994880).',
    52428800,
    {
      min: 4096,
    },
  ),
  quota_volumes: opt.int('Volumes per project (-1: unlimited).', 10, { min: -1 }),
  quota_snapshots: opt.int('Snapshots per project (-1: unlimited).', 10, { min: -1 }),
  quota_gigabytes: opt.int('GiB of volumes and snapshots per project (-1: unlimited).', 1000, {
    min: -1,
  }),
  quota_backups: opt.int('Backups per project (-1: unlimited).', 10, { min: -1 }),
  quota_backup_gigabytes: opt.int('GiB of backups per project (-1: unlimited).', 1000, {
    min: -1,
  }),
  quota_groups: opt.int('Volume groups per project (-1: unlimited).', 10, { min: -1 }),
  per_volume_size_limit: opt.int('Largest volume in GiB (-1: unlimited).', -1, { min: -1 }),
  no_snapshot_gb_quota: opt.bool('Do not count snapshots against the gigabytes quota.', false),
})

/** The `file` backend: raw or qcow2 files through qemu-img (a section named in enabled_backends). */
export const fileBackendGroup = defineGroup('file', 'The file volume backend.', {
  volume_driver: opt.string('Driver of this backend.', 'file'),
  volume_backend_name: opt.string(
    'Backend name matched by the volume_backend_name extra spec.',
    'file',
  ),
  volumes_dir: opt.string('Directory of the volume files (empty: <data_dir>/volumes).', ''),
  volume_format: opt.string('Format of new volume files.', 'qcow2', { choices: ['qcow2', 'raw'] }),
  total_capacity_gb: opt.int(
    'Capacity reported for the pool in GiB (0: the file system size).',
    0,
    {
      min: 0,
    },
  ),
  max_over_subscription_ratio: opt.float('Thin provisioning over-subscription ratio.', 20, {
    min: 1,
  }),
  reserved_percentage: opt.int('Percentage of the capacity kept free.', 0, { min: 0, max: 100 }),
  thin_provisioning: opt.bool(
    'Report thin provisioning (qcow2 and sparse raw files are thin).',
    true,
  ),
  storage_protocol: opt.string('Protocol reported as the storage_protocol capability.', 'file'),
  vendor_name: opt.string('Vendor reported as the vendor_name capability.', 'Open Source'),
})

/**
 * The `vmdk` backend on vCenter, with Cinder's VMDK driver option names (seed
 * 003). The section is [vmdk] because [vmware] is the compute driver's.
 */
export const vmdkBackendGroup = defineGroup('vmdk', 'The vmdk volume backend (vCenter).', {
  volume_driver: opt.string(
    'Driver of this backend (cinder.volume.drivers.vmware.vmdk.VMwareVcVmdkDriver is an alias).',
    'vmdk',
  ),
  volume_backend_name: opt.string(
    'Backend name matched by the volume_backend_name extra spec.',
    'vmdk',
  ),
  vmware_host_ip: opt.string('vCenter host name or address.', ''),
  vmware_host_port: opt.int('vCenter HTTPS port.', 443, { min: 1, max: 65535 }),
  vmware_host_username: opt.string('vCenter user.', ''),
  vmware_host_password: opt.string('vCenter password.', '', { secret: true }),
  vmware_host_version: opt.string('vCenter version (accepted; the API version is negotiated).', ''),
  vmware_insecure: opt.bool('Skip TLS verification of vCenter.', false),
  vmware_ca_file: opt.string('CA bundle to verify vCenter with.', ''),
  vmware_volume_folder: opt.string('Datastore folder holding the volume disks.', 'Volumes'),
  vmware_datastore_regex: opt.string('Only datastores whose name matches (empty: all).', ''),
  vmware_adapter_type: opt.string(
    'Adapter type of new disks without vmware:adapter_type.',
    'lsiLogic',
    {
      choices: ['lsiLogic', 'busLogic', 'lsiLogicsas', 'paraVirtual', 'ide'],
    },
  ),
  vmware_api_retry_count: opt.int('Retries of a vCenter call after a transient fault.', 10, {
    min: 0,
  }),
  vmware_task_poll_interval: opt.float(
    'Seconds one WaitForUpdatesEx waits for a running vCenter task before asking again.',
    2,
    { min: 0 },
  ),
  vmware_cluster_name: opt.list(
    'Only datastores mounted in these clusters hold volumes (empty: every datastore).',
    [],
  ),
  reserved_percentage: opt.int('Percentage of the capacity kept free.', 0, { min: 0, max: 100 }),
  max_over_subscription_ratio: opt.float('Thin provisioning over-subscription ratio.', 20, {
    min: 1,
  }),
})
