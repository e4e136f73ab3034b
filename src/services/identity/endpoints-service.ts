/** Catalog endpoints: Keystone's /v3/endpoints semantics, legacy `region` included. */
import { BadRequestError, ConflictError, NotFoundError } from '../../common/errors.js'
import { newHexId } from '../../common/ids.js'
import * as repo from '../../db/repositories/identity/catalog.js'
import type { EndpointFilter, EndpointRow } from '../../db/repositories/identity/catalog.js'
import { fromBool, toBool } from '../../db/repositories/identity/rows.js'
import {
  expectingToFind,
  mergeExtra,
  normalizeKeys,
  requireMatchingId,
  type Ref,
} from './extras.js'
import type { IdentityContext } from './identity-context.js'
import { createRegion } from './regions-service.js'

// `region` is only an input alias of region_id; it is rendered from region_id, never stored.
const COLUMNS = [
  'id',
  'interface',
  'region_id',
  'service_id',
  'url',
  'enabled',
  'region',
  'legacy_endpoint_id',
] as const

/** What Keystone lets an endpoint URL substitute: $(project_id)s and friends. */
const SUBSTITUTIONS = new Set([
  'tenant_id',
  'project_id',
  'user_id',
  'public_bind_host',
  'admin_bind_host',
  'compute_host',
  'admin_port',
  'public_port',
  'public_endpoint',
])

/**
 * Keystone formats URLs with Python's `%` after turning `$(` into `%(`; a
 * URL that would fail there (unknown key, stray `%`) is refused up front.
 */
export function checkEndpointUrl(url: string): void {
  const s = url.replaceAll('$(', '%(')
  const spec = /^%(?:%|\(([^)]*)\)[#0 +-]*\d*(?:\.\d+)?[hlL]?[sra])/
  for (let i = s.indexOf('%'); i !== -1; i = s.indexOf('%', i)) {
    const m = spec.exec(s.slice(i))
    if (!m || (m[1] !== undefined && !SUBSTITUTIONS.has(m[1]))) {
      throw new BadRequestError(`Cannot create an endpoint with an invalid URL: ${url}.`)
    }
    i += m[0].length
  }
}

export async function getEndpoint(ctx: IdentityContext, id: string): Promise<EndpointRow> {
  const e = await repo.getEndpoint(ctx.db, id)
  if (!e) throw new NotFoundError(`Could not find endpoint: ${id}.`)
  return e
}

export function listEndpoints(
  ctx: IdentityContext,
  filter: EndpointFilter,
): Promise<EndpointRow[]> {
  return repo.listEndpoints(ctx.db, filter)
}

/**
 * Keystone's _validate_endpoint_region: the legacy `region` attribute names a
 * region that is created on the fly; `region_id` must name an existing one.
 */
async function resolveRegion(ctx: IdentityContext, ref: Ref): Promise<void> {
  if (
    (ref['region_id'] === undefined || ref['region_id'] === null) &&
    typeof ref['region'] === 'string'
  ) {
    ref['region_id'] = ref['region']
    if (!(await repo.getRegion(ctx.db, ref['region']))) {
      // A concurrent request may create the same region first: that is as good.
      await createRegion(ctx, { id: ref['region'] }).catch((err: unknown) => {
        if (!(err instanceof ConflictError)) throw err
      })
    }
  } else if (
    typeof ref['region_id'] === 'string' &&
    !(await repo.getRegion(ctx.db, ref['region_id']))
  ) {
    throw expectingToFind('endpoint region_id', 'region table')
  }
}

async function assertService(ctx: IdentityContext, serviceId: unknown): Promise<void> {
  if (typeof serviceId === 'string' && !(await repo.getService(ctx.db, serviceId))) {
    throw expectingToFind('endpoint service_id', 'service table')
  }
}

export async function createEndpoint(ctx: IdentityContext, body: Ref): Promise<EndpointRow> {
  const ref = normalizeKeys(body)
  checkEndpointUrl(String(ref['url']))
  await assertService(ctx, ref['service_id'])
  await resolveRegion(ctx, ref)
  const row: EndpointRow = {
    id: newHexId(),
    service_id: String(ref['service_id']),
    interface: String(ref['interface']),
    url: String(ref['url']),
    region_id: (ref['region_id'] as string | null | undefined) ?? null,
    enabled: toBool((ref['enabled'] as boolean | null | undefined) ?? true),
    extra: mergeExtra('{}', ref, COLUMNS),
  }
  await repo.insertEndpoint(ctx.db, row)
  ctx.changed()
  return row
}

export async function updateEndpoint(
  ctx: IdentityContext,
  id: string,
  body: Ref,
): Promise<EndpointRow> {
  const ref = normalizeKeys(body)
  requireMatchingId(ref, id)
  const current = await getEndpoint(ctx, id)
  if (typeof ref['url'] === 'string') checkEndpointUrl(ref['url'])
  await assertService(ctx, ref['service_id'])
  await resolveRegion(ctx, ref)
  const pick = <K extends keyof EndpointRow>(k: K): EndpointRow[K] =>
    ref[k] !== undefined ? (ref[k] as EndpointRow[K]) : current[k]
  const next: EndpointRow = {
    id,
    service_id: pick('service_id'),
    interface: pick('interface'),
    url: pick('url'),
    region_id: pick('region_id') ?? null,
    enabled:
      'enabled' in ref
        ? toBool((ref['enabled'] as boolean | null) ?? true)
        : toBool(fromBool(current.enabled)),
    extra: mergeExtra(current.extra, ref, COLUMNS),
  }
  await repo.updateEndpoint(ctx.db, id, {
    service_id: next.service_id,
    interface: next.interface,
    url: next.url,
    region_id: next.region_id,
    enabled: next.enabled,
    extra: next.extra,
  })
  ctx.changed()
  return next
}

export async function deleteEndpoint(ctx: IdentityContext, id: string): Promise<void> {
  await getEndpoint(ctx, id)
  await repo.deleteEndpoint(ctx.db, id)
  ctx.changed()
}
