import { createHash } from 'node:crypto'
import { hasRole, isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ForbiddenError } from '../../common/errors.js'
import type { Rule } from './policy.js'

/** Keystone's primary (non-delegated) auth methods (keystone/api/_shared/delegation.py). */
const PRIMARY = new Set([
  'external',
  'kerberos',
  'mapped',
  'openid',
  'password',
  'saml2',
  'token',
  'totp',
  'x509',
])

/**
 * Trust-scoped and application-credential tokens may not touch credentials:
 * a credential made with one would outlive the delegation.
 */
export function requirePrimaryAuth(caller: AuthContext): void {
  const delegated =
    caller.trustId !== undefined ||
    caller.methods.length === 0 ||
    caller.methods.some((m) => !PRIMARY.has(m))
  if (delegated) {
    throw new ForbiddenError(
      'You are not authorized to perform the requested action: Delegated tokens cannot access credentials directly.',
    )
  }
}

/** ec2_create_credential / ec2_list_credentials: admin, or a member acting for themself. */
export const adminOrMemberOwner: Rule = (c, t) =>
  isAdmin(c) || (hasRole(c, 'member') && t.userId !== undefined && t.userId === c.userId)

/** The id of an EC2 credential: sha256 of its access key (keystone.common.utils.hash_access_key). */
export function ec2CredentialId(access: string): string {
  return createHash('sha256').update(access, 'utf8').digest('hex')
}

/** Parses an ec2 blob; Keystone's `_validate_blob_json`. */
export function ec2Blob(blob: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(blob)
  } catch {
    throw new BadRequestError('Invalid blob in credential')
  }
  const expecting = (attr: string) =>
    new BadRequestError(
      `Expecting to find ${attr} in credential. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`,
    )
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    Object.keys(parsed).length === 0
  )
    throw expecting('blob')
  const b = parsed as Record<string, unknown>
  if (b['access'] === undefined || b['access'] === null) throw expecting('access')
  return b
}
