/**
 * Row types for every table, as Kysely sees them.
 *
 * NOTE: the same migrations run on SQLite and PostgreSQL, so column types are
 * the portable subset: booleans are INTEGER 0/1, times are ISO-8601 TEXT
 * (lexically ordered, UTC, millisecond precision), and JSON is TEXT.
 */
import type { Generated } from 'kysely'
import type { ImageTables } from './image-schema.js'
import type { NetworkTables } from './network-schema.js'
import type { ComputeTables } from './compute-schema.js'
import type { ComputeResourceTables } from './compute-resources-schema.js'
import type { PlacementTables } from './placement-schema.js'
import type { VolumeTables } from './volume-schema.js'

export type Bool = 0 | 1
export type IsoTime = string
export type JsonText = string

export interface DomainTable {
  id: string
  name: string
  description: string
  enabled: Bool
  extra: JsonText
}

export interface ProjectTable {
  id: string
  name: string
  domain_id: string
  parent_id: string | null
  description: string
  enabled: Bool
  is_domain: Bool
  extra: JsonText
}

export interface ProjectTagTable {
  project_id: string
  name: string
}

export interface UserTable {
  id: string
  domain_id: string
  name: string
  enabled: Bool
  default_project_id: string | null
  description: string
  email: string | null
  extra: JsonText
  options: JsonText
  created_at: IsoTime
  last_active_at: IsoTime | null
  password_hash: string | null
  password_created_at: IsoTime | null
  password_expires_at: IsoTime | null
  failed_auth_count: number
  failed_auth_at: IsoTime | null
  /** 1 when the owner set the current password (migration 0003); optional so older inserts still type-check. */
  password_self_service?: Bool | undefined
}

export interface PasswordHistoryTable {
  id: Generated<number>
  user_id: string
  password_hash: string
  created_at: IsoTime
}

export interface GroupTable {
  id: string
  domain_id: string
  name: string
  description: string
  extra: JsonText
}

export interface GroupMembershipTable {
  user_id: string
  group_id: string
}

export interface RoleTable {
  id: string
  name: string
  /** '' for a global role: SQL UNIQUE treats NULLs as distinct, Keystone uses a sentinel too. */
  domain_id: string
  description: string
  options: JsonText
  extra: JsonText
}

export interface ImpliedRoleTable {
  prior_role_id: string
  implied_role_id: string
}

export const AssignmentType = {
  UserProject: 'UserProject',
  GroupProject: 'GroupProject',
  UserDomain: 'UserDomain',
  GroupDomain: 'GroupDomain',
  UserSystem: 'UserSystem',
  GroupSystem: 'GroupSystem',
} as const
export type AssignmentType = (typeof AssignmentType)[keyof typeof AssignmentType]

export interface AssignmentTable {
  type: AssignmentType
  actor_id: string
  /** project id, domain id, or 'system'. */
  target_id: string
  role_id: string
  inherited: Bool
}

export interface RegionTable {
  id: string
  description: string
  parent_region_id: string | null
  extra: JsonText
}

export interface ServiceTable {
  id: string
  type: string
  enabled: Bool
  extra: JsonText
}

export interface EndpointTable {
  id: string
  service_id: string
  interface: string
  url: string
  region_id: string | null
  enabled: Bool
  extra: JsonText
}

export interface EndpointGroupTable {
  id: string
  name: string
  description: string
  filters: JsonText
}

export interface ProjectEndpointGroupTable {
  endpoint_group_id: string
  project_id: string
}

export interface PolicyTable {
  id: string
  type: string
  blob: string
  extra: JsonText
}

export interface CredentialTable {
  id: string
  user_id: string
  project_id: string | null
  type: string
  blob: string
  extra: JsonText
}

export interface ApplicationCredentialTable {
  id: string
  name: string
  user_id: string
  project_id: string | null
  system: string | null
  secret_hash: string
  description: string
  expires_at: IsoTime | null
  unrestricted: Bool
  roles: JsonText
  created_at: IsoTime
}

export interface AccessRuleTable {
  id: string
  user_id: string
  service: string
  path: string
  method: string
}

export interface AppCredAccessRuleTable {
  application_credential_id: string
  access_rule_id: string
}

export interface TrustTable {
  id: string
  trustor_user_id: string
  trustee_user_id: string
  project_id: string | null
  impersonation: Bool
  expires_at: IsoTime | null
  remaining_uses: number | null
  redelegated_trust_id: string | null
  redelegation_count: number | null
  deleted_at: IsoTime | null
  extra: JsonText
}

export interface TrustRoleTable {
  trust_id: string
  role_id: string
}

export interface RevocationEventTable {
  id: Generated<number>
  domain_id: string | null
  project_id: string | null
  user_id: string | null
  role_id: string | null
  trust_id: string | null
  consumer_id: string | null
  access_token_id: string | null
  audit_id: string | null
  audit_chain_id: string | null
  issued_before: IsoTime
  expires_at: IsoTime | null
  revoked_at: IsoTime
}

export interface DomainConfigTable {
  domain_id: string
  group: string
  option: string
  value: JsonText
  sensitive: Bool
}

export interface OauthConsumerTable {
  id: string
  description: string
  secret_hash: string
  extra: JsonText
}

/** Every table; services add theirs here and in a migration. */
export interface Database
  extends
    ImageTables,
    NetworkTables,
    ComputeTables,
    ComputeResourceTables,
    PlacementTables,
    VolumeTables {
  domains: DomainTable
  projects: ProjectTable
  project_tags: ProjectTagTable
  users: UserTable
  password_history: PasswordHistoryTable
  groups: GroupTable
  group_memberships: GroupMembershipTable
  roles: RoleTable
  implied_roles: ImpliedRoleTable
  assignments: AssignmentTable
  regions: RegionTable
  services: ServiceTable
  endpoints: EndpointTable
  endpoint_groups: EndpointGroupTable
  project_endpoint_groups: ProjectEndpointGroupTable
  policies: PolicyTable
  credentials: CredentialTable
  application_credentials: ApplicationCredentialTable
  access_rules: AccessRuleTable
  app_cred_access_rules: AppCredAccessRuleTable
  trusts: TrustTable
  trust_roles: TrustRoleTable
  revocation_events: RevocationEventTable
  domain_configs: DomainConfigTable
  oauth_consumers: OauthConsumerTable
}
