import { deleteAppCredsForUser } from '../../db/repositories/identity/app-creds.js'
import type { IdentityContext } from './identity-context.js'

/**
 * What Keystone's application-credential manager does when other identity
 * data changes (its notification callbacks). Each call is one line in the
 * service that makes the change, after it committed. (User and project
 * deletion already remove credentials and trusts in their cascades.)
 */

/** A user was disabled: their application credentials and access rules are deleted. */
export async function onUserDisabled(ctx: IdentityContext, userId: string): Promise<void> {
  await dropAppCreds(ctx, await deleteAppCredsForUser(ctx.db, userId, { withRules: true }))
}

/**
 * A user lost a role on a project (a user grant removed, or a role deleted):
 * Keystone deletes that user's application credentials on that project.
 */
export async function onUserProjectRoleRemoved(
  ctx: IdentityContext,
  userId: string,
  projectId: string,
): Promise<void> {
  await dropAppCreds(ctx, await deleteAppCredsForUser(ctx.db, userId, { projectId }))
}

async function dropAppCreds(ctx: IdentityContext, ids: readonly string[]): Promise<void> {
  for (const appCredId of ids) await ctx.revoke({ appCredId })
  if (ids.length === 0) ctx.changed()
}
