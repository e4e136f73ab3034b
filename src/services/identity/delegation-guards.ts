import type { AuthContext } from '../../common/auth-context.js'
import { ForbiddenError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import { getAppCred } from '../../db/repositories/identity/app-creds.js'
import { fromBool } from '../../db/repositories/identity/rows.js'

const ACTION = 'You are not authorized to perform the requested action'

/**
 * Keystone's _block_delegated_token_app_creds: a trust-scoped token must not
 * mint application credentials (they would outlive the delegation).
 * Application-credential tokens are judged by assertUnrestricted instead.
 */
export function assertNotTrustDelegated(caller: AuthContext): void {
  if (caller.methods.includes('application_credential')) return
  if (caller.trustId)
    throw new ForbiddenError(
      'Cannot manage application credentials with a token issued via delegation.',
    )
}

/**
 * Keystone's _check_unrestricted_application_credential: a token made from a
 * restricted application credential cannot create or delete application
 * credentials. (A deleted credential's tokens are already invalid.)
 */
export async function assertUnrestricted(db: Db, caller: AuthContext): Promise<void> {
  if (!caller.methods.includes('application_credential')) return
  const row = caller.applicationCredentialId
    ? await getAppCred(db, caller.applicationCredentialId)
    : undefined
  if (!row || !fromBool(row.unrestricted)) {
    throw new ForbiddenError(
      `${ACTION}: Using method 'application_credential' is not allowed for managing additional application credentials.`,
    )
  }
}

/**
 * Keystone's trusts _check_delegated_token: tokens from a delegated
 * credential (application credentials here) cannot read or manage trusts.
 * Trust-scoped tokens may (that is redelegation).
 */
export function assertNotCredentialDelegated(caller: AuthContext): void {
  const primary = [
    'password',
    'token',
    'totp',
    'external',
    'mapped',
    'openid',
    'saml2',
    'kerberos',
    'x509',
  ]
  if (caller.methods.length === 0 || !caller.methods.every((m) => primary.includes(m))) {
    throw new ForbiddenError(`${ACTION}: Delegated tokens cannot manage trusts.`)
  }
}
