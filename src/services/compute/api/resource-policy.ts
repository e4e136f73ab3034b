import type { AuthContext } from '../../../common/auth-context.js'
import { isAdmin } from '../../../common/auth-context.js'
import { BadRequestError, ForbiddenError, NotFoundError } from '../../../common/errors.js'

/** Nova's policy failure (403) for an admin-only rule such as `os_compute_api:os-aggregates:index`. */
export function requireAdmin(auth: AuthContext, rule: string): void {
  if (!isAdmin(auth)) throw new ForbiddenError(`Policy doesn't allow ${rule} to be performed.`)
}

/** Admin, or a caller acting on its own project (PROJECT_READER_OR_ADMIN). */
export function requireAdminOrOwner(auth: AuthContext, projectId: string, rule: string): void {
  if (!isAdmin(auth) && auth.project?.id !== projectId)
    throw new ForbiddenError(`Policy doesn't allow ${rule} to be performed.`)
}

/** A method that exists only from (or until) some microversion: Nova answers 404. */
export function versionNotFound(): never {
  throw new NotFoundError('The resource could not be found.')
}

/** Nova's integer query parameter check (utils.validate_integer, min 0). */
export function nonNegativeInt(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined
  const v: unknown = Array.isArray(value) ? (value as unknown[])[value.length - 1] : value
  const s = String(v)
  if (!/^\s*[0-9]+\s*$/.test(s)) {
    if (/^\s*-[0-9]+\s*$/.test(s)) throw new BadRequestError(`${name} must be >= 0`)
    throw new BadRequestError(`${name} must be an integer`)
  }
  return Number(s)
}

/** The last value of a query parameter that may repeat. */
export function queryValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  const v: unknown = Array.isArray(value) ? (value as unknown[])[value.length - 1] : value
  return String(v)
}
