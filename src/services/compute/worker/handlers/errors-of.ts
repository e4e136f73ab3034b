/** Error helpers for handlers: errors arrive rebuilt from the bus, so compare type/code, never classes. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

export function errorTrace(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err)
}

/** The instance was deleted (or is being deleted) under a running action. */
export function isInstanceGone(err: unknown): boolean {
  const type = (err as { type?: unknown } | null)?.type
  return type === 'UnexpectedDeletingTaskStateError' || type === 'InstanceNotFound'
}
