import type { MemberRecord } from '../../../db/repositories/image/members.js'
import type { ImageRecord } from '../../../db/repositories/image/rows.js'
import type { TaskRecord } from '../../../db/repositories/image/tasks.js'
import { HIDDEN_PROPERTIES } from '../image-rules.js'

/** Glance's timeutils.isotime: second precision, Z suffix. */
export const isoTime = (t: string | null): string | null =>
  t === null ? null : t.replace(/\.\d+Z$/, 'Z')

export interface ImageViewOptions {
  readonly showLocations: boolean
  readonly showDirectUrl: boolean
}

/** One image as Glance renders it: extra properties first, then the attributes and links. */
export function imageView(image: ImageRecord, opts: ImageViewOptions): Record<string, unknown> {
  const view: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(image.properties)) if (!HIDDEN_PROPERTIES.has(k)) view[k] = v
  Object.assign(view, {
    name: image.name,
    disk_format: image.diskFormat,
    container_format: image.containerFormat,
    visibility: image.visibility,
    size: image.size,
    virtual_size: image.virtualSize,
    status: image.status,
    checksum: image.checksum,
    protected: image.protected,
    min_ram: image.minRam,
    min_disk: image.minDisk,
    owner: image.owner,
    os_hidden: image.osHidden,
    os_hash_algo: image.osHashAlgo,
    os_hash_value: image.osHashValue,
    id: image.id,
    created_at: isoTime(image.createdAt),
    updated_at: isoTime(image.updatedAt),
  })
  if (opts.showLocations)
    view['locations'] = image.locations.map((l) => ({ url: l.url, metadata: l.metadata }))
  if (opts.showDirectUrl && image.locations[0]) view['direct_url'] = image.locations[0].url
  view['tags'] = [...image.tags]
  view['self'] = `/v2/images/${image.id}`
  view['file'] = `/v2/images/${image.id}/file`
  view['schema'] = '/v2/schemas/image'
  const stores = image.locations
    .map((l) => l.metadata['store'])
    .filter((s): s is string => typeof s === 'string')
  if (stores.length) view['stores'] = stores.join(',')
  return view
}

/** An image member (`schema.filter` keeps exactly these keys). */
export function memberView(m: MemberRecord): Record<string, unknown> {
  return {
    member_id: m.memberId,
    image_id: m.imageId,
    status: m.status,
    created_at: isoTime(m.createdAt),
    updated_at: isoTime(m.updatedAt),
    schema: '/v2/schemas/member',
  }
}

/** A task as GET /v2/images/{id}/tasks returns it (the database dict). */
export function taskView(t: TaskRecord): Record<string, unknown> {
  return {
    id: t.id,
    type: t.type,
    status: t.status,
    owner: t.owner,
    expires_at: isoTime(t.expiresAt),
    created_at: isoTime(t.createdAt),
    updated_at: isoTime(t.updatedAt),
    deleted_at: null,
    deleted: false,
    image_id: t.imageId,
    request_id: t.requestId,
    user_id: t.userId,
    input: t.input,
    result: t.result,
    message: t.message,
  }
}

/** The `first` and `next` links of a list: the query without the marker, then with the next one. */
export function pageLinks(
  base: string,
  rawQuery: string,
  nextMarker: string | undefined,
): { first: string; next?: string } {
  const params = new URLSearchParams(rawQuery)
  const flat = new URLSearchParams()
  for (const k of new Set(params.keys()))
    if (k !== 'marker') flat.set(k, params.getAll(k).at(-1) ?? '')
  const q = flat.toString()
  const first = q ? `${base}?${q}` : base
  if (nextMarker === undefined) return { first }
  flat.set('marker', nextMarker)
  return { first, next: `${base}?${flat.toString()}` }
}
