/**
 * What a token carries. Only ids and times: names, roles and the catalog are
 * resolved at validation (and cached), so renames and role changes apply to
 * existing tokens the way Keystone's do.
 */
export type TokenScope =
  | { readonly type: 'unscoped' }
  | { readonly type: 'project'; readonly id: string }
  | { readonly type: 'domain'; readonly id: string }
  | { readonly type: 'system' }
  | { readonly type: 'trust'; readonly id: string; readonly projectId: string | null }

export interface TokenPayload {
  readonly userId: string
  readonly methods: readonly string[]
  readonly scope: TokenScope
  /** Milliseconds since the epoch. */
  readonly issuedAt: number
  readonly expiresAt: number
  /** [this token's audit id, the audit id of the token it was rescoped from]. */
  readonly auditIds: readonly string[]
  readonly appCredId?: string
}

interface Wire {
  u: string
  m: string[]
  s: ['u'] | ['p', string] | ['d', string] | ['s'] | ['t', string, string | null]
  i: number
  e: number
  a: string[]
  c?: string
}

export function encodePayload(p: TokenPayload): Buffer {
  const s: Wire['s'] =
    p.scope.type === 'project'
      ? ['p', p.scope.id]
      : p.scope.type === 'domain'
        ? ['d', p.scope.id]
        : p.scope.type === 'system'
          ? ['s']
          : p.scope.type === 'trust'
            ? ['t', p.scope.id, p.scope.projectId]
            : ['u']
  const w: Wire = {
    u: p.userId,
    m: [...p.methods],
    s,
    i: p.issuedAt,
    e: p.expiresAt,
    a: [...p.auditIds],
  }
  if (p.appCredId !== undefined) w.c = p.appCredId
  return Buffer.from(JSON.stringify(w))
}

export function decodePayload(buf: Buffer): TokenPayload | undefined {
  let w: Wire
  try {
    w = JSON.parse(buf.toString('utf8')) as Wire
  } catch {
    return undefined
  }
  if (typeof w.u !== 'string' || !Array.isArray(w.s) || typeof w.e !== 'number') return undefined
  const [kind, a, b] = w.s
  const scope: TokenScope =
    kind === 'p'
      ? { type: 'project', id: String(a) }
      : kind === 'd'
        ? { type: 'domain', id: String(a) }
        : kind === 's'
          ? { type: 'system' }
          : kind === 't'
            ? { type: 'trust', id: String(a), projectId: b ?? null }
            : { type: 'unscoped' }
  return {
    userId: w.u,
    methods: w.m,
    scope,
    issuedAt: w.i,
    expiresAt: w.e,
    auditIds: w.a,
    ...(w.c !== undefined ? { appCredId: w.c } : {}),
  }
}
