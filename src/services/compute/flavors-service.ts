import type { AuthContext } from '../../common/auth-context.js'
import { isAdmin } from '../../common/auth-context.js'
import { BadRequestError, ConflictError, NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import {
  allFlavors,
  deleteFlavorRow,
  flavorByFlavorid,
  flavorByName,
  flavoridsGrantedTo,
  insertFlavor,
  projectCanUseFlavor,
  setFlavorDescription,
  type FlavorRow,
} from '../../db/repositories/compute/flavors.js'
import type { ComputeContext } from './compute-context.js'

const MAX_INT = 2147483647
const SQL_SP_FLOAT_MAX = 3.40282e38

/** The flavor by its API id as the caller may see it (admins: all; others: public or granted). */
export async function visibleFlavor(
  ctx: ComputeContext,
  auth: AuthContext,
  flavorid: string,
): Promise<FlavorRow> {
  const row = await flavorByFlavorid(ctx.db, flavorid)
  if (!row || (!isAdmin(auth) && !(await projectCanUseFlavor(ctx.db, row, auth.project?.id))))
    throw new NotFoundError(`Flavor ${flavorid} could not be found.`)
  return row
}

export interface FlavorListQuery {
  /** true: public (plus the caller's granted); false: private only; null: all (admins). */
  readonly isPublic: boolean | null
  readonly minRam?: number | undefined
  readonly minDisk?: number | undefined
  readonly sortKey: string
  readonly sortDir: 'asc' | 'desc'
  readonly limit: number
  readonly marker?: string | undefined
}

const SORT_COLUMN: Record<string, keyof FlavorRow> = {
  created_at: 'created_at',
  description: 'description',
  disabled: 'disabled',
  ephemeral_gb: 'ephemeral_gb',
  flavorid: 'flavorid',
  id: 'id',
  is_public: 'is_public',
  memory_mb: 'memory_mb',
  name: 'name',
  root_gb: 'root_gb',
  rxtx_factor: 'rxtx_factor',
  swap: 'swap',
  updated_at: 'updated_at',
  vcpu_weight: 'id',
  vcpus: 'vcpus',
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0
  if (a === null || a === undefined) return -1
  if (b === null || b === undefined) return 1
  return (a as number | string) < (b as number | string) ? -1 : 1
}

/**
 * Nova's flavor list: non-admins see enabled public flavors plus the private
 * ones granted to their project; admins choose with is_public. Sorted by the
 * key then the row id; the marker is a flavorid the caller can see.
 */
export async function listFlavors(
  ctx: ComputeContext,
  auth: AuthContext,
  q: FlavorListQuery,
): Promise<FlavorRow[]> {
  const admin = isAdmin(auth)
  const granted = auth.project ? await flavoridsGrantedTo(ctx.db, auth.project.id) : new Set()
  const canSee = (f: FlavorRow) => admin || f.is_public === 1 || granted.has(f.flavorid)
  const col = SORT_COLUMN[q.sortKey] ?? 'flavorid'
  const dir = q.sortDir === 'desc' ? -1 : 1
  const sorted = (await allFlavors(ctx.db))
    .filter(canSee)
    .sort((a, b) => dir * compare(a[col], b[col]) || dir * (a.id - b.id))
  let start = 0
  if (q.marker !== undefined) {
    const at = sorted.findIndex((f) => f.flavorid === q.marker)
    if (at < 0) throw new BadRequestError(`marker [${q.marker}] not found`)
    start = at + 1
  }
  const matches = (f: FlavorRow): boolean => {
    if (!admin && f.disabled === 1) return false
    if (q.isPublic === true && f.is_public !== 1 && !granted.has(f.flavorid)) return false
    if (q.isPublic === false && f.is_public !== 0) return false
    if (q.minRam !== undefined && f.memory_mb < q.minRam) return false
    if (q.minDisk !== undefined && f.root_gb < q.minDisk) return false
    return true
  }
  return sorted.slice(start).filter(matches).slice(0, q.limit)
}

export interface FlavorCreateInput {
  readonly name: string
  readonly id?: string | number | null | undefined
  readonly ram: number | string
  readonly vcpus: number | string
  readonly disk: number | string
  readonly 'OS-FLV-EXT-DATA:ephemeral'?: number | string
  readonly swap?: number | string
  readonly rxtx_factor?: number | string
  readonly 'os-flavor-access:is_public'?: boolean | string
  readonly description?: string | null
}

/** nova.utils.validate_integer for a flavor attribute. */
function flavorInt(value: number | string, name: string, min: number): number {
  const n = typeof value === 'number' ? value : /^\s*-?[0-9]+\s*$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(n))
    throw new BadRequestError(`Invalid input received: ${name} must be an integer`)
  if (n < min) throw new BadRequestError(`Invalid input received: ${name} must be >= ${min}`)
  if (n > MAX_INT)
    throw new BadRequestError(`Invalid input received: ${name} must be <= ${MAX_INT}`)
  return n
}

/** oslo strutils.bool_from_string(strict=True). */
export function parseBool(value: boolean | string, what: string): boolean {
  if (typeof value === 'boolean') return value
  const v = value.trim().toLowerCase()
  if (['1', 't', 'true', 'on', 'y', 'yes'].includes(v)) return true
  if (['0', 'f', 'false', 'off', 'n', 'no'].includes(v)) return false
  throw new BadRequestError(`Invalid input received: ${what} must be a boolean`)
}

/** flavors.create: a UUID id unless given, Nova's range checks, 409 on a taken name or id. */
export async function createFlavor(
  ctx: ComputeContext,
  input: FlavorCreateInput,
  withDescription: boolean,
): Promise<FlavorRow> {
  const flavorid =
    input.id === undefined || input.id === null || input.id === '' ? newUuid() : String(input.id)
  const name = input.name.trim()
  const rxtx = Number(input.rxtx_factor ?? 1)
  if (!(rxtx > 0 && rxtx <= SQL_SP_FLOAT_MAX))
    throw new BadRequestError(
      `Invalid input received: 'rxtx_factor' argument must be a float between 0 and ${SQL_SP_FLOAT_MAX}`,
    )
  const values = {
    flavorid,
    name,
    memory_mb: flavorInt(input.ram, 'ram', 1),
    vcpus: flavorInt(input.vcpus, 'vcpus', 1),
    root_gb: flavorInt(input.disk, 'disk', 0),
    ephemeral_gb: flavorInt(input['OS-FLV-EXT-DATA:ephemeral'] ?? 0, 'ephemeral', 0),
    swap: flavorInt(input.swap ?? 0, 'swap', 0),
    rxtx_factor: rxtx,
    is_public: parseBool(input['os-flavor-access:is_public'] ?? true, 'is_public') ? 1 : 0,
    disabled: 0,
    description: withDescription ? (input.description ?? null) : null,
  } as const
  if (await flavorByName(ctx.db, name))
    throw new ConflictError(`Flavor with name ${name} already exists.`)
  if (await flavorByFlavorid(ctx.db, flavorid))
    throw new ConflictError(`Flavor with ID ${flavorid} already exists.`)
  try {
    return await insertFlavor(ctx.db, values)
  } catch (err) {
    // A concurrent create won the unique index.
    if (await flavorByName(ctx.db, name))
      throw new ConflictError(`Flavor with name ${name} already exists.`)
    if (await flavorByFlavorid(ctx.db, flavorid))
      throw new ConflictError(`Flavor with ID ${flavorid} already exists.`)
    throw err
  }
}

export async function deleteFlavor(ctx: ComputeContext, flavorid: string): Promise<void> {
  if (!(await deleteFlavorRow(ctx.db, flavorid)))
    throw new NotFoundError(`Flavor ${flavorid} could not be found.`)
}

export async function updateFlavorDescription(
  ctx: ComputeContext,
  flavorid: string,
  description: string | null,
): Promise<FlavorRow> {
  if (!(await flavorByFlavorid(ctx.db, flavorid)))
    throw new NotFoundError(`Flavor ${flavorid} could not be found.`)
  await setFlavorDescription(ctx.db, flavorid, description)
  const row = await flavorByFlavorid(ctx.db, flavorid)
  if (!row) throw new NotFoundError(`Flavor ${flavorid} could not be found.`)
  return row
}
