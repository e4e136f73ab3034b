import type { Generated } from 'kysely'

/**
 * Row types of the block storage tables (migration 0012-volume); merged into
 * `Database` by schema.ts. Booleans 0/1, ISO-8601 text times, JSON as text.
 */

export interface VolumeTypeTable {
  id: string
  name: string
  description: string | null
  is_public: 0 | 1
  created_at: string
  updated_at: string
  /** Its QoS specs (migration 0016); null when none. */
  qos_specs_id: Generated<string | null>
}

/** Cinder's QoS specs (migration 0016); consumer front-end, back-end or both. */
export interface VolumeQosSpecTable {
  id: string
  name: string
  consumer: string
  created_at: string
  updated_at: string | null
}

export interface VolumeQosSpecKeyTable {
  qos_id: string
  key: string
  value: string
}

export interface VolumeTypeExtraSpecTable {
  type_id: string
  key: string
  value: string
}

/** Projects that may use a private type. */
export interface VolumeTypeProjectTable {
  type_id: string
  project_id: string
}

export interface VolumeTypeEncryptionTable {
  type_id: string
  encryption_id: string
  provider: string
  cipher: string | null
  key_size: number | null
  control_location: string
  created_at: string
  updated_at: string | null
}

export interface VolumeTable {
  id: string
  project_id: string
  user_id: string
  name: string | null
  description: string | null
  size: number
  status: string
  /** detached | attached (Cinder's attach_status). */
  attach_status: string
  availability_zone: string
  volume_type_id: string
  snapshot_id: string | null
  source_volid: string | null
  image_id: string | null
  backup_id: string | null
  bootable: 0 | 1
  multiattach: 0 | 1
  /** host@backend#pool once scheduled. */
  host: string | null
  migration_status: string | null
  replication_status: string | null
  /** Driver's locator (file driver: the file name). */
  provider_location: string | null
  /** JSON string map. */
  metadata: string
  /** JSON string map (readonly, attached_mode, …). */
  admin_metadata: string
  /** JSON string map of the source image's properties, or null. */
  image_metadata: string | null
  /** Why the volume went to error, for logs and the API's messages. */
  status_reason: string | null
  use_quota: 0 | 1
  created_at: string
  updated_at: string | null
  launched_at: string | null
}

export interface VolumeAttachmentTable {
  id: string
  volume_id: string
  instance_uuid: string | null
  attached_host: string | null
  mountpoint: string | null
  /** reserved | attaching | attached | detaching | detached | error_attaching. */
  attach_status: string
  attach_mode: string
  /** JSON connector or null. */
  connector: string | null
  /** JSON connection info or null. */
  connection_info: string | null
  attach_time: string | null
  detach_time: string | null
  created_at: string
  updated_at: string | null
}

export interface VolumeSnapshotTable {
  id: string
  volume_id: string
  project_id: string
  user_id: string
  name: string | null
  description: string | null
  size: number
  status: string
  progress: string
  metadata: string
  volume_type_id: string
  provider_location: string | null
  use_quota: 0 | 1
  created_at: string
  updated_at: string | null
}

export interface VolumeBackupTable {
  id: string
  volume_id: string
  snapshot_id: string | null
  project_id: string
  user_id: string
  name: string | null
  description: string | null
  status: string
  size: number
  object_count: number
  container: string | null
  availability_zone: string | null
  is_incremental: 0 | 1
  parent_id: string | null
  /** host@backend whose manager made the backup. */
  host: string | null
  fail_reason: string | null
  metadata: string
  data_timestamp: string
  /** Volume id a restore is writing to, while restoring. */
  restore_volume_id: string | null
  created_at: string
  updated_at: string | null
}

export interface VolumeQuotaTable {
  project_id: string
  resource: string
  hard_limit: number
}

/** Cinder's quota classes (migration 0015); the `default` class overrides configured defaults. */
export interface VolumeQuotaClassTable {
  class_name: string
  resource: string
  hard_limit: number
}

export interface VolumeTransferTable {
  id: string
  volume_id: string
  name: string | null
  salt: string
  crypt_hash: string
  source_project_id: string
  created_at: string
}

/** cinder-scheduler and cinder-volume@backend service records with heartbeats. */
export interface VolumeServiceTable {
  binary: string
  host: string
  availability_zone: string
  disabled: 0 | 1
  disabled_reason: string | null
  /** os-services freeze/thaw (migration 0014); defaults to 0. */
  frozen: Generated<0 | 1>
  updated_at: string
  created_at: string
}

/** One pool reported by a backend; allocated_capacity_gb is reserved atomically by the scheduler. */
export interface VolumePoolTable {
  /** host@backend#pool */
  name: string
  backend: string
  availability_zone: string
  total_capacity_gb: number
  free_capacity_gb: number
  allocated_capacity_gb: number
  reserved_percentage: number
  max_over_subscription_ratio: number
  thin_provisioning: 0 | 1
  /** JSON capability map (volume_backend_name, storage_protocol, vendor_name, …). */
  capabilities: string
  updated_at: string
}

/** User messages (Cinder's /messages, 3.3): why an asynchronous operation failed. */
export interface VolumeMessageTable {
  id: string
  project_id: string
  request_id: string | null
  resource_type: string
  resource_uuid: string | null
  event_id: string
  message_level: string
  user_message: string
  created_at: string
  expires_at: string
}

export interface VolumeTables {
  volume_types: VolumeTypeTable
  volume_type_extra_specs: VolumeTypeExtraSpecTable
  volume_type_projects: VolumeTypeProjectTable
  volume_type_encryption: VolumeTypeEncryptionTable
  volumes: VolumeTable
  volume_attachments: VolumeAttachmentTable
  volume_snapshots: VolumeSnapshotTable
  volume_backups: VolumeBackupTable
  volume_quotas: VolumeQuotaTable
  volume_quota_classes: VolumeQuotaClassTable
  volume_qos_specs: VolumeQosSpecTable
  volume_qos_spec_keys: VolumeQosSpecKeyTable
  volume_transfers: VolumeTransferTable
  volume_services: VolumeServiceTable
  volume_pools: VolumePoolTable
  volume_messages: VolumeMessageTable
}
