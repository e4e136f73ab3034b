/**
 * Cinder's _filter_host: `host@backend#pool` matches exactly, `host@backend`
 * also matches its pools, a bare `host` also matches its backends.
 */
export function hostMatches(value: string, host: string): boolean {
  if (host === value) return true
  if (value.includes('#')) return false
  if (value.includes('@')) return host.startsWith(`${value}#`)
  return host.startsWith(`${value}@`) || host.startsWith(`${value}#`)
}
