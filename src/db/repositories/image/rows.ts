/** Row ⇄ record conversions shared by the image repositories. */
import type { Selectable } from 'kysely'
import type { ImageTable } from '../../image-schema.js'

/** An image as the service sees it: the row plus properties, tags and locations. */
export interface ImageRecord {
  readonly id: string
  readonly name: string | null
  readonly diskFormat: string | null
  readonly containerFormat: string | null
  readonly size: number | null
  readonly virtualSize: number | null
  readonly status: string
  readonly visibility: string
  readonly protected: boolean
  readonly osHidden: boolean
  readonly minDisk: number
  readonly minRam: number
  readonly owner: string | null
  readonly checksum: string | null
  readonly osHashAlgo: string | null
  readonly osHashValue: string | null
  readonly createdAt: string
  readonly updatedAt: string
  readonly properties: Readonly<Record<string, string>>
  readonly tags: readonly string[]
  readonly locations: readonly LocationRecord[]
}

export interface LocationRecord {
  readonly id: number
  readonly url: string
  readonly metadata: Readonly<Record<string, unknown>>
  readonly status: string
}

/** The image columns a caller may set, camelCase. */
export type ImageFields = Partial<
  Omit<ImageRecord, 'id' | 'createdAt' | 'updatedAt' | 'properties' | 'tags' | 'locations'>
>

export type ImageRow = Selectable<ImageTable>

export const nowIso = (): string => new Date().toISOString()

const num = (v: number | string | null): number | null => (v === null ? null : Number(v))

/** Maps a row (plus satellites) to a record. */
export function toRecord(
  row: ImageRow,
  properties: Record<string, string> = {},
  tags: string[] = [],
  locations: LocationRecord[] = [],
): ImageRecord {
  return {
    id: row.id,
    name: row.name,
    diskFormat: row.disk_format,
    containerFormat: row.container_format,
    size: num(row.size),
    virtualSize: num(row.virtual_size),
    status: row.status,
    visibility: row.visibility,
    protected: row.protected === 1,
    osHidden: row.os_hidden === 1,
    minDisk: Number(row.min_disk),
    minRam: Number(row.min_ram),
    owner: row.owner,
    checksum: row.checksum,
    osHashAlgo: row.os_hash_algo,
    osHashValue: row.os_hash_value,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    properties,
    tags,
    locations,
  }
}

/** Maps camelCase fields to the columns they live in. */
export function toColumns(f: ImageFields): Partial<Omit<ImageTable, 'id'>> {
  const out: Partial<Omit<ImageTable, 'id'>> = {}
  if (f.name !== undefined) out.name = f.name
  if (f.diskFormat !== undefined) out.disk_format = f.diskFormat
  if (f.containerFormat !== undefined) out.container_format = f.containerFormat
  if (f.size !== undefined) out.size = f.size
  if (f.virtualSize !== undefined) out.virtual_size = f.virtualSize
  if (f.status !== undefined) out.status = f.status
  if (f.visibility !== undefined) out.visibility = f.visibility
  if (f.protected !== undefined) out.protected = f.protected ? 1 : 0
  if (f.osHidden !== undefined) out.os_hidden = f.osHidden ? 1 : 0
  if (f.minDisk !== undefined) out.min_disk = f.minDisk
  if (f.minRam !== undefined) out.min_ram = f.minRam
  if (f.owner !== undefined) out.owner = f.owner
  if (f.checksum !== undefined) out.checksum = f.checksum
  if (f.osHashAlgo !== undefined) out.os_hash_algo = f.osHashAlgo
  if (f.osHashValue !== undefined) out.os_hash_value = f.osHashValue
  return out
}

export function parseJsonObject(text: string | null): Record<string, unknown> {
  if (!text) return {}
  try {
    const v: unknown = JSON.parse(text)
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : {}
  } catch {
    return {}
  }
}
