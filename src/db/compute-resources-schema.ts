import type { Generated } from 'kysely'

/**
 * Row types of the compute-resources tables (migration 0010): flavors,
 * keypairs, host aggregates and compute quotas; merged into `Database` by
 * schema.ts. Booleans 0/1, ISO-8601 text times, JSON as text.
 */

export interface FlavorTable {
  id: Generated<number>
  /** The API id (`1`, a UUID, or whatever the admin gave). */
  flavorid: string
  name: string
  vcpus: number
  memory_mb: number
  root_gb: number
  ephemeral_gb: number
  /** MiB; 0 for none (the API shows "" for 0 before 2.75). */
  swap: number
  rxtx_factor: number
  is_public: 0 | 1
  disabled: 0 | 1
  description: string | null
  created_at: string
  updated_at: string
}

export interface FlavorExtraSpecTable {
  flavorid: string
  key: string
  value: string
}

/** Projects granted a private flavor (os-flavor-access). */
export interface FlavorProjectTable {
  flavorid: string
  project_id: string
}

export interface KeyPairTable {
  id: Generated<number>
  name: string
  user_id: string
  fingerprint: string
  public_key: string
  /** 'ssh' | 'x509'. */
  type: string
  created_at: string
}

export interface AggregateTable {
  id: Generated<number>
  uuid: string
  name: string
  created_at: string
  updated_at: string | null
}

export interface AggregateHostTable {
  aggregate_id: number
  host: string
}

/** availability_zone is one of these keys (as in Nova). */
export interface AggregateMetadataTable {
  aggregate_id: number
  key: string
  value: string
}

/** An explicit limit; user_id '' for the project-wide limit. */
export interface ComputeQuotaTable {
  project_id: string
  user_id: string
  resource: string
  hard_limit: number
}

/** os-quota-class-sets; only the 'default' class is honoured (as in Nova). */
export interface ComputeQuotaClassTable {
  class_name: string
  resource: string
  hard_limit: number
}

export interface ComputeResourceTables {
  flavors: FlavorTable
  flavor_extra_specs: FlavorExtraSpecTable
  flavor_projects: FlavorProjectTable
  key_pairs: KeyPairTable
  aggregates: AggregateTable
  aggregate_hosts: AggregateHostTable
  aggregate_metadata: AggregateMetadataTable
  compute_quotas: ComputeQuotaTable
  compute_quota_classes: ComputeQuotaClassTable
}
