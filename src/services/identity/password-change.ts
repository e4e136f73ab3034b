import { BadRequestError, UnauthorizedError } from '../../common/errors.js'
import { nowIso, parseJson } from '../../db/repositories/identity/rows.js'
import {
  getUser,
  recordAuthFailure,
  recordAuthSuccess,
  updateUser,
} from '../../db/repositories/identity/users.js'
import type { IdentityContext } from './identity-context.js'
import { PasswordPolicy } from './password-policy.js'

const AUTH_REQUIRED = 'The request you have made requires authentication.'

/**
 * POST /v3/users/{id}/password: the self-service change. Like Keystone it
 * needs no token (a user whose password expired cannot get one): the
 * original password is the proof, so failures count towards the lockout.
 */
export class PasswordChange {
  readonly #ctx: IdentityContext
  readonly #policy: PasswordPolicy

  constructor(ctx: IdentityContext) {
    this.#ctx = ctx
    this.#policy = new PasswordPolicy(ctx)
  }

  async change(userId: string, original: string, password: string): Promise<void> {
    const { db, hasher } = this.#ctx
    const sec = this.#ctx.config.security
    const user = await getUser(db, userId)
    if (!user || !user.password_hash) {
      await hasher.verifyDecoy(original)
      throw new UnauthorizedError(AUTH_REQUIRED)
    }
    const options = parseJson<Record<string, unknown>>(user.options, {})
    const now = Date.now()
    const lockoutEnds =
      user.failed_auth_at === null
        ? 0
        : Date.parse(user.failed_auth_at) + sec.lockout_duration * 1000
    const counts =
      sec.lockout_failure_attempts > 0 && options['ignore_lockout_failure_attempts'] !== true
    if (counts && user.failed_auth_count >= sec.lockout_failure_attempts && lockoutEnds > now) {
      await hasher.verifyDecoy(original)
      throw new UnauthorizedError(`The account is locked for user: ${user.id}.`)
    }
    if (!(await hasher.verify(original, user.password_hash))) {
      if (sec.lockout_failure_attempts > 0) {
        // A lockout that has run out starts counting again from zero (as auth-service.ts does).
        if (user.failed_auth_at !== null && lockoutEnds <= now)
          await updateUser(db, user.id, { failed_auth_count: 0 })
        await recordAuthFailure(db, user.id, nowIso())
        this.#ctx.changed()
      }
      throw new UnauthorizedError(AUTH_REQUIRED)
    }
    // An expired password may be changed: that is what this call is for.
    if (user.enabled !== 1) throw new UnauthorizedError(AUTH_REQUIRED)
    if (user.failed_auth_count > 0) await recordAuthSuccess(db, user.id, nowIso())
    this.#policy.validate(password)
    if (options['lock_password'] === true) {
      throw new BadRequestError(
        'You cannot change your password at this time due to password policy disallowing password changes. Please contact your administrator to reset your password.',
      )
    }
    this.#policy.checkMinimumAge(user, now)
    await this.#policy.checkHistory(user, password)
    const fields = await this.#policy.fields(password, {
      selfService: true,
      userOptions: user.options,
      now,
    })
    await db.transaction().execute(async (trx) => {
      await this.#policy.archive(trx, user, now)
      await updateUser(trx, user.id, fields)
    })
    await this.#ctx.revoke({ userId: user.id })
  }
}
