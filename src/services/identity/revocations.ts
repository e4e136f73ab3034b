import type { Db } from '../../db/database.js'

/**
 * Keystone-style revocation events: every field that is set must match a
 * token, and the token must have been issued at or before `issuedBefore`.
 * The whole list lives in memory (it is small: events older than the longest
 * token life are pruned), so checking a token costs no database read.
 */
export interface RevocationEvent {
  readonly userId?: string
  readonly projectId?: string
  readonly domainId?: string
  readonly roleId?: string
  readonly trustId?: string
  readonly appCredId?: string
  readonly auditId?: string
  readonly auditChainId?: string
  /** Milliseconds since the epoch. */
  readonly issuedBefore: number
}

/** The facts of one token that events are matched against. */
export interface RevocationSubject {
  readonly userIds: readonly string[]
  readonly projectId?: string | undefined
  readonly domainIds: readonly string[]
  readonly roleIds: readonly string[]
  readonly trustId?: string | undefined
  readonly appCredId?: string | undefined
  readonly auditIds: readonly string[]
  readonly issuedAt: number
}

export class RevocationList {
  readonly #db: Db
  readonly #retentionMs: number
  #events: RevocationEvent[] = []

  constructor(db: Db, retentionMs: number) {
    this.#db = db
    this.#retentionMs = retentionMs
  }

  /** Loads every live event from the database (at start and when another process revoked). */
  async reload(): Promise<void> {
    const cutoff = new Date(Date.now() - this.#retentionMs).toISOString()
    await this.#db.deleteFrom('revocation_events').where('revoked_at', '<', cutoff).execute()
    const rows = await this.#db.selectFrom('revocation_events').selectAll().execute()
    this.#events = rows.map((r) => {
      const e: { -readonly [K in keyof RevocationEvent]: RevocationEvent[K] } = {
        issuedBefore: Date.parse(r.issued_before),
      }
      if (r.user_id) e.userId = r.user_id
      if (r.project_id) e.projectId = r.project_id
      if (r.domain_id) e.domainId = r.domain_id
      if (r.role_id) e.roleId = r.role_id
      if (r.trust_id) e.trustId = r.trust_id
      // NOTE: the consumer_id column holds the application credential id.
      if (r.consumer_id) e.appCredId = r.consumer_id
      if (r.audit_id) e.auditId = r.audit_id
      if (r.audit_chain_id) e.auditChainId = r.audit_chain_id
      return e
    })
  }

  /** Persists an event; callers invalidate caches afterwards. */
  async add(
    event: Omit<RevocationEvent, 'issuedBefore'> & { issuedBefore?: number },
  ): Promise<void> {
    const e: RevocationEvent = { ...event, issuedBefore: event.issuedBefore ?? Date.now() }
    const now = new Date().toISOString()
    await this.#db
      .insertInto('revocation_events')
      .values({
        user_id: e.userId ?? null,
        project_id: e.projectId ?? null,
        domain_id: e.domainId ?? null,
        role_id: e.roleId ?? null,
        trust_id: e.trustId ?? null,
        consumer_id: e.appCredId ?? null,
        access_token_id: null,
        audit_id: e.auditId ?? null,
        audit_chain_id: e.auditChainId ?? null,
        issued_before: new Date(e.issuedBefore).toISOString(),
        expires_at: null,
        revoked_at: now,
      })
      .execute()
    this.#events.push(e)
  }

  isRevoked(t: RevocationSubject): boolean {
    for (const e of this.#events) {
      if (t.issuedAt > e.issuedBefore) continue
      if (e.userId !== undefined && !t.userIds.includes(e.userId)) continue
      if (e.projectId !== undefined && t.projectId !== e.projectId) continue
      if (e.domainId !== undefined && !t.domainIds.includes(e.domainId)) continue
      if (e.roleId !== undefined && !t.roleIds.includes(e.roleId)) continue
      if (e.trustId !== undefined && t.trustId !== e.trustId) continue
      if (e.appCredId !== undefined && t.appCredId !== e.appCredId) continue
      if (e.auditId !== undefined && !t.auditIds.includes(e.auditId)) continue
      if (e.auditChainId !== undefined && t.auditIds[t.auditIds.length - 1] !== e.auditChainId)
        continue
      return true
    }
    return false
  }
}
