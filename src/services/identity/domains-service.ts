import { BadRequestError, ForbiddenError } from '../../common/errors.js'
import { newHexId } from '../../common/ids.js'
import { deleteDomainCascade } from '../../db/repositories/identity/domain-contents.js'
import {
  getDomain as getDomainRow,
  getDomainByName,
  insertDomain,
  listDomains as listDomainRows,
  updateDomainRow,
  type DomainFilters,
} from '../../db/repositories/identity/domains.js'
import { listTags, setTags } from '../../db/repositories/identity/project-tags.js'
import { nowIso, toBool } from '../../db/repositories/identity/rows.js'
import type { IdentityContext } from './identity-context.js'
import {
  domainNameConflict,
  domainNotFound,
  immutableDelete,
  immutableUpdate,
  isUniqueViolation,
} from './resource-errors.js'
import { domainRecord, isImmutable, mergeExtra, type DomainRecord } from './resource-model.js'

/** The `domain` member of a create or update body, after schema validation. */
export interface DomainBody {
  readonly name?: string
  readonly description?: string | null
  readonly enabled?: boolean
  readonly tags?: readonly string[]
  readonly explicit_domain_id?: string
  readonly options?: Readonly<Record<string, unknown>>
  readonly [extra: string]: unknown
}

/** GET /v3/domains/{id}: 404 with Keystone's message when absent. */
export async function getDomain(ctx: IdentityContext, id: string): Promise<DomainRecord> {
  const row = await getDomainRow(ctx.db, id)
  if (!row) throw domainNotFound(id)
  return domainRecord(row, (await listTags(ctx.db, [id])).get(id) ?? [])
}

export async function listDomains(
  ctx: IdentityContext,
  filters: DomainFilters,
): Promise<DomainRecord[]> {
  const rows = await listDomainRows(ctx.db, filters)
  const tags = await listTags(
    ctx.db,
    rows.map((r) => r.id),
  )
  return rows.map((r) => domainRecord(r, tags.get(r.id) ?? []))
}

/** POST /v3/domains (and POST /v3/projects with is_domain). */
export async function createDomain(ctx: IdentityContext, body: DomainBody): Promise<DomainRecord> {
  const name = (body.name ?? '').trim()
  let id = newHexId()
  if (body.explicit_domain_id !== undefined) {
    // Keystone accepts only the canonical uuid4().hex form.
    if (!/^[0-9a-f]{32}$/.test(body.explicit_domain_id)) {
      throw new BadRequestError('Domain ID does not conform to required UUID format.')
    }
    id = body.explicit_domain_id
  }
  if ((await getDomainByName(ctx.db, name)) || (await getDomainRow(ctx.db, id)))
    throw domainNameConflict(name)
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertDomain(trx, {
        id,
        name,
        description: body.description ?? '',
        enabled: toBool(body.enabled ?? true),
        extra: JSON.stringify(mergeExtra({}, body)),
      })
      await setTags(trx, id, body.tags ?? [])
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw domainNameConflict(name)
    throw err
  }
  ctx.changed()
  return getDomain(ctx, id)
}

/** PATCH /v3/domains/{id}. Disabling a domain revokes every token that involves it. */
export async function updateDomain(
  ctx: IdentityContext,
  id: string,
  body: DomainBody,
): Promise<DomainRecord> {
  const old = await getDomain(ctx, id)
  if (isImmutable(old.extra)) assertOnlyClearsImmutable('domain', id, body)
  const patch: Parameters<typeof updateDomainRow>[2] = {}
  if (body.name !== undefined && body.name !== old.name) {
    const name = body.name.trim()
    const clash = await getDomainByName(ctx.db, name)
    if (clash && clash.id !== id) throw domainNameConflict(name)
    patch.name = name
  }
  if (body.description !== undefined) patch.description = body.description ?? ''
  if (body.enabled !== undefined) patch.enabled = toBool(body.enabled)
  patch.extra = JSON.stringify(mergeExtra(old.extra, body))
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await updateDomainRow(trx, id, patch)
      if (body.tags !== undefined) await setTags(trx, id, body.tags)
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw domainNameConflict(patch.name ?? old.name)
    throw err
  }
  if (old.enabled && body.enabled === false) await ctx.revoke({ domainId: id })
  else ctx.changed()
  return getDomain(ctx, id)
}

/** DELETE /v3/domains/{id}: only a disabled domain; takes everything it owns with it. */
export async function deleteDomain(ctx: IdentityContext, id: string): Promise<void> {
  const d = await getDomain(ctx, id)
  if (isImmutable(d.extra)) throw immutableDelete('domain', id)
  if (d.enabled)
    throw new ForbiddenError('Cannot delete a domain that is enabled, please disable it first.')
  const at = nowIso()
  await ctx.db.transaction().execute((trx) => deleteDomainCascade(trx, id, at))
  await ctx.revoke({ domainId: id })
}

/** On an immutable resource, the only update allowed sets `options.immutable` to false or null. */
export function assertOnlyClearsImmutable(
  type: 'project' | 'domain',
  id: string,
  body: Readonly<Record<string, unknown>>,
): void {
  const opts = body['options'] as Record<string, unknown> | undefined
  const keys = Object.keys(body)
  if (
    keys.length !== 1 ||
    !opts ||
    !('immutable' in opts) ||
    (opts['immutable'] !== false && opts['immutable'] !== null)
  ) {
    throw immutableUpdate(type, id)
  }
}
