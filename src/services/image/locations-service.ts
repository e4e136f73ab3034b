import { createHash } from 'node:crypto'
import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError, ForbiddenError } from '../../common/errors.js'
import { replaceLocations } from '../../db/repositories/image/locations.js'
import type { ImageContext } from './image-context.js'
import type { Change } from './image-patch.js'
import { checkLocations } from './image-rules.js'
import type { Draft } from './image-update.js'

/** A location in a PATCH draft. */
export interface LocationDraft {
  readonly url: string
  readonly metadata: Readonly<Record<string, unknown>>
}

type Validation = { checksum?: string; os_hash_algo?: string; os_hash_value?: string }

const words = { add: 'add', replace: 'update', remove: 'remove' } as const

/** Glance's _validate_validation_data: values may only fill unset hashes, consistently. */
function validationData(
  ctx: ImageContext,
  d: Draft,
  locs: readonly Record<string, unknown>[],
): Record<string, string> {
  const seen: Record<string, string> = {}
  for (const l of locs) {
    for (const [k, v] of Object.entries((l['validation_data'] ?? {}) as Validation)) {
      if (seen[k] !== undefined && seen[k] !== v)
        throw new ConflictError(`Conflicting values for ${k}`)
      seen[k] = v
    }
  }
  const current: Record<string, string | null> = {
    checksum: (d.fields['checksum'] as string | undefined) ?? d.image.checksum,
    os_hash_algo: (d.fields['osHashAlgo'] as string | undefined) ?? d.image.osHashAlgo,
    os_hash_value: (d.fields['osHashValue'] as string | undefined) ?? d.image.osHashValue,
  }
  const fresh: Record<string, string> = {}
  for (const [k, v] of Object.entries(seen)) {
    if (v === current[k]) continue
    if (current[k]) throw new ConflictError(`${k} is already set with a different value`)
    fresh[k] = v
  }
  if (Object.keys(fresh).length === 0) return {}
  if (d.image.status !== 'queued') {
    throw new ConflictError(
      `New value(s) for ${Object.keys(fresh).join(', ')} may only be provided when image status is 'queued'`,
    )
  }
  const checksum = fresh['checksum']
  if (checksum !== undefined && !/^[0-9a-fA-F]{32}$/.test(checksum)) {
    throw new ConflictError(
      `checksum (${checksum}) is not a valid hexadecimal value of the correct size for md5 (should be 16 bytes)`,
    )
  }
  const algo = fresh['os_hash_algo']
  if (algo !== ctx.config.image.hashing_algorithm) {
    throw new ConflictError(
      `os_hash_algo must be ${ctx.config.image.hashing_algorithm}, not ${String(algo)}`,
    )
  }
  const want = createHash(algo).digest().length
  const value = fresh['os_hash_value'] ?? ''
  if (!/^([0-9a-fA-F]{2})*$/.test(value) || value.length / 2 !== want) {
    throw new ConflictError(
      `os_hash_value (${value}) is not the correct size for ${algo} (should be ${want} bytes)`,
    )
  }
  return fresh
}

/** Checks an external URL like glance_store's get_size_from_backend: 400 when no store can read it. */
async function resolveExternal(
  ctx: ImageContext,
  loc: Record<string, unknown>,
): Promise<{ draft: LocationDraft; size: number }> {
  const url = String(loc['url'])
  const store = ctx.stores.all().find((s) => s.readOnly && s.owns(url))
  if (!store)
    throw new BadRequestError(`The location ${url} is not valid: no configured store accepts it.`)
  let size: number
  try {
    size = await store.size(url)
  } catch {
    throw new BadRequestError(`Invalid location: ${url}`)
  }
  return {
    draft: { url, metadata: { ...(loc['metadata'] as Record<string, unknown>), store: store.id } },
    size,
  }
}

function position(token: string | undefined, max: number, allowMax: boolean): number | undefined {
  if (token === undefined) return undefined
  let pos = allowMax ? max : max - 1
  if (/^\d+$/.test(token)) pos = Number(token)
  else if (token !== '-') return undefined
  if (allowMax ? pos < 0 || pos > max : pos < 0 || pos >= max) return undefined
  return pos
}

function activate(d: Draft, val: Record<string, string>, size: number): void {
  if (d.image.status !== 'queued' && d.fields['status'] !== undefined) return
  if (d.image.status !== 'queued') return
  if (val['checksum']) d.fields['checksum'] = val['checksum']
  if (val['os_hash_algo']) d.fields['osHashAlgo'] = val['os_hash_algo']
  if (val['os_hash_value']) d.fields['osHashValue'] = val['os_hash_value']
  if (d.image.size === null && d.fields['size'] === undefined) d.fields['size'] = size
  d.fields['status'] = 'active'
}

/** Applies one PATCH change under /locations to the draft (Glance's _do_*_locations). */
export async function applyLocationChange(
  ctx: ImageContext,
  _auth: AuthContext,
  d: Draft,
  c: Change,
): Promise<void> {
  if (!ctx.config.image.show_multiple_locations) {
    throw new ForbiddenError(
      `It's not allowed to ${words[c.op]} locations if locations are invisible.`,
    )
  }
  const list: LocationDraft[] =
    d.locations ?? d.image.locations.map((l) => ({ url: l.url, metadata: l.metadata }))
  const status = (d.fields['status'] as string | undefined) ?? d.image.status
  if (c.op === 'remove') {
    if (status !== 'active')
      throw new ConflictError(`It's not allowed to remove locations if image status is ${status}.`)
    if (list.length === 1) throw new ForbiddenError('Cannot remove last location in the image.')
    const pos = position(c.path[1], list.length, false)
    if (pos === undefined) throw new BadRequestError('Invalid position for removing a location.')
    list.splice(pos, 1)
    d.locations = list
    return
  }
  if (status !== 'active' && status !== 'queued') {
    throw new ConflictError(
      `It's not allowed to ${c.op === 'add' ? 'add' : 'replace'} locations if image status is ${status}.`,
    )
  }
  if (c.op === 'add') {
    const loc = c.value as Record<string, unknown>
    const val = validationData(ctx, d, [loc])
    const pos = position(c.path[1], list.length, true)
    if (pos === undefined) throw new BadRequestError('Invalid position for adding a location.')
    if (list.some((l) => l.url === loc['url']))
      throw new BadRequestError(`The location ${String(loc['url'])} already exists`)
    const { draft, size } = await resolveExternal(ctx, loc)
    checkLocations(ctx, list.length + 1)
    list.splice(pos, 0, draft)
    d.locations = list
    activate(d, val, size)
    return
  }
  const value = c.value as Record<string, unknown>[]
  if (value.length === 0) throw new ForbiddenError('Cannot set locations to empty list.')
  const val = validationData(ctx, d, value)
  if (list.length > 0) {
    if (value.length !== list.length || value.some((v, i) => v['url'] !== list[i]!.url)) {
      throw new BadRequestError(
        'Locations may only be replaced to change their metadata; use add and remove to change URLs.',
      )
    }
    d.locations = list.map((l, i) => ({
      url: l.url,
      metadata: { ...(value[i]!['metadata'] as object), store: l.metadata['store'] },
    }))
    return
  }
  checkLocations(ctx, value.length)
  const resolved = []
  for (const v of value) resolved.push(await resolveExternal(ctx, v))
  d.locations = resolved.map((r) => r.draft)
  activate(d, val, resolved[0]!.size)
}

/** Writes the draft's locations and deletes data of locations that went away. */
export async function saveLocations(ctx: ImageContext, d: Draft): Promise<void> {
  const next = d.locations ?? []
  await replaceLocations(ctx.db, d.image.id, next)
  for (const old of d.image.locations) {
    if (next.some((n) => n.url === old.url)) continue
    const store = ctx.stores.forLocation(old.url, old.metadata['store'])
    await store
      ?.delete(old.url)
      .catch((err: unknown) =>
        ctx.logger.warn({ err, url: old.url }, 'could not delete location data'),
      )
  }
}
