import { BadRequestError } from '../../common/errors.js'
import {
  listPasswordHistory,
  pushPasswordHistory,
  type UserRow,
} from '../../db/repositories/identity/users.js'
import { parseJson } from '../../db/repositories/identity/rows.js'
import type { Db } from '../../db/database.js'
import type { Bool } from '../../db/schema.js'
import type { IdentityContext } from './identity-context.js'

const DAY_MS = 86_400_000

/** The users columns that hold the current password. */
export interface PasswordFields {
  password_hash: string | null
  password_created_at: string
  password_expires_at: string | null
  password_self_service: Bool
}

/**
 * Keystone's [security_compliance] rules for setting a password (lockout is
 * checked at authentication, in auth-service.ts). Messages are Keystone's.
 */
export class PasswordPolicy {
  readonly #ctx: IdentityContext

  constructor(ctx: IdentityContext) {
    this.#ctx = ctx
  }

  /** password_regex (validators.validate_password). */
  validate(password: string | null | undefined): void {
    const sec = this.#ctx.config.security
    if (sec.password_regex === '') return
    if (typeof password !== 'string')
      throw new BadRequestError('Password validation error: Password must be a string type.')
    let re: RegExp
    try {
      re = new RegExp(sec.password_regex)
    } catch {
      this.#ctx.logger.error(
        { password_regex: sec.password_regex },
        'invalid [security_compliance] password_regex',
      )
      throw new BadRequestError(
        'Password validation error: Unable to validate password due to invalid configuration.',
      )
    }
    // Python's re.match anchors at the start only.
    const m = re.exec(password)
    if (!m || m.index !== 0) {
      throw new BadRequestError(
        `The password does not match the requirements: ${sec.password_regex_description}.`,
      )
    }
  }

  /** minimum_password_age, for a change by the user themself (only a self-set password counts). */
  checkMinimumAge(user: UserRow, now: number): void {
    const days = this.#ctx.config.security.minimum_password_age
    if (days <= 0 || user.password_self_service !== 1 || !user.password_created_at) return
    const minAge = Date.parse(user.password_created_at) + days * DAY_MS
    if (now < minAge) {
      const left = Math.floor((minAge - now) / DAY_MS)
      throw new BadRequestError(
        `You cannot change your password at this time due to the minimum password age. Once you change your password, it must be used for ${days} day(s) before it can be changed. Please try again in ${left} day(s) or contact your administrator to reset your password.`,
      )
    }
  }

  /** unique_last_password_count: the new password must differ from the current one and the previous count-1. */
  async checkHistory(user: UserRow, password: string): Promise<void> {
    const count = this.#ctx.config.security.unique_last_password_count
    if (count <= 0) return
    const recent = [
      ...(user.password_hash ? [user.password_hash] : []),
      ...(await listPasswordHistory(this.#ctx.db, user.id, count)),
    ]
    // scrypt runs on the libuv pool: check the candidates side by side.
    const matches = await Promise.all(
      recent.slice(0, count).map((hash) => this.#ctx.hasher.verify(password, hash)),
    )
    if (matches.includes(true)) {
      throw new BadRequestError(
        `The new password cannot be identical to a previous password. The total number which includes the new password must be unique is ${count}.`,
      )
    }
  }

  /** Files the replaced hash in the history (call in the transaction that sets the new one). */
  async archive(db: Db, user: Pick<UserRow, 'id' | 'password_hash'>, now: number): Promise<void> {
    if (!user.password_hash) return
    const keep = Math.max(this.#ctx.config.security.unique_last_password_count, 1)
    await pushPasswordHistory(db, user.id, user.password_hash, new Date(now).toISOString(), keep)
  }

  /**
   * The columns that set a new password (null: no password). Hashes first so
   * no transaction waits on scrypt. `selfService` is false for an admin
   * create/reset, which change_password_upon_first_use expires at once.
   */
  async fields(
    password: string | null,
    options: { selfService: boolean; userOptions: string; now: number },
  ): Promise<PasswordFields> {
    const sec = this.#ctx.config.security
    const now = new Date(options.now).toISOString()
    if (password === null) {
      return {
        password_hash: null,
        password_created_at: now,
        password_expires_at: null,
        password_self_service: 0,
      }
    }
    const opts = parseJson<Record<string, unknown>>(options.userOptions, {})
    let expiresAt: string | null = null
    if (sec.password_expires_days > 0 && opts['ignore_password_expiry'] !== true) {
      const at = new Date(options.now + sec.password_expires_days * DAY_MS)
      at.setUTCMilliseconds(0)
      expiresAt = at.toISOString()
    }
    if (
      !options.selfService &&
      sec.change_password_upon_first_use &&
      opts['ignore_change_password_upon_first_use'] !== true
    ) {
      expiresAt = now
    }
    return {
      password_hash: await this.#ctx.hasher.hash(password),
      password_created_at: now,
      password_expires_at: expiresAt,
      password_self_service: options.selfService ? 1 : 0,
    }
  }
}
