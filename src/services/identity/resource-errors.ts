import { ConflictError, ForbiddenError, NotFoundError } from '../../common/errors.js'

/** Keystone's messages for the resource (domains and projects) API. */
export const domainNotFound = (id: string): NotFoundError =>
  new NotFoundError(`Could not find domain: ${id}.`)
export const projectNotFound = (id: string): NotFoundError =>
  new NotFoundError(`Could not find project: ${id}.`)

export const domainNameConflict = (name: string): ConflictError =>
  new ConflictError(
    `Conflict occurred attempting to store project - it is not permitted to have two projects acting as domains with the same name: ${name}.`,
  )

export const projectNameConflict = (name: string, id: string): ConflictError =>
  new ConflictError(
    'Conflict occurred attempting to store project - it is not permitted to have two projects with either the same name ' +
      `or same id in the same domain: name is ${name}, project id ${id}.`,
  )

export const immutableUpdate = (type: 'project' | 'domain', id: string): ForbiddenError =>
  new ForbiddenError(
    `Unable to update immutable ${type} resource: \`${id}. Set resource option "immutable" to false first.`,
  )

export const immutableDelete = (type: 'project' | 'domain', id: string): ForbiddenError =>
  new ForbiddenError(
    `Unable to delete immutable ${type} resource: \`${id}. Set resource option "immutable" to false first.`,
  )

/** A UNIQUE or PRIMARY KEY violation from SQLite or PostgreSQL (a concurrent create won the race). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  )
}
