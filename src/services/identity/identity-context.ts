import type { Logger } from 'pino'
import type { GroupValues } from '../../config/option.js'
import type { identityGroup, securityComplianceGroup } from '../../config/groups/identity.js'
import type { Db } from '../../db/database.js'
import type { PasswordHasher } from './password-hasher.js'
import type { RevocationEvent, RevocationList } from './revocations.js'

export interface IdentityConfig {
  readonly identity: GroupValues<typeof identityGroup>
  readonly security: GroupValues<typeof securityComplianceGroup>
}

/**
 * What every identity module is built from. One instance per process; the
 * modules (users, projects, roles, auth, …) take it in their constructors.
 */
export interface IdentityContext {
  readonly db: Db
  readonly config: IdentityConfig
  readonly hasher: PasswordHasher
  readonly revocations: RevocationList
  readonly logger: Logger
  /**
   * Call after every committed write to identity data (names, enabled flags,
   * roles, assignments, catalog…): drops cached token validations and the
   * catalog in this process and, over the bus, in every other one.
   */
  changed(): void
  /** Records a revocation event and calls changed(). */
  revoke(event: Omit<RevocationEvent, 'issuedBefore'> & { issuedBefore?: number }): Promise<void>
  /** Listeners run on every changed() (local or remote). */
  onChanged(listener: () => void): void
}
