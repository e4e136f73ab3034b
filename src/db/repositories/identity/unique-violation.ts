/**
 * True when a write failed on a UNIQUE constraint (SQLite or PostgreSQL), so
 * a race between the duplicate check and the insert still becomes a 409.
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  )
}
