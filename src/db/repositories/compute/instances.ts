import { sql, type Insertable, type Selectable, type Updateable } from 'kysely'
import { ConflictError, NotFoundError } from '../../../common/errors.js'
import type { InstanceTable } from '../../compute-schema.js'
import type { Db } from '../../database.js'

export type InstanceRow = Selectable<InstanceTable>
export type InstanceUpdate = Updateable<InstanceTable>

/** The instance with this uuid, deleted ones included (callers check `deleted`). */
export async function getInstance(db: Db, uuid: string): Promise<InstanceRow | undefined> {
  return db.selectFrom('instances').selectAll().where('uuid', '=', uuid).executeTakeFirst()
}

/** The instance unless it is deleted; NotFoundError with Nova's message otherwise. */
export async function requireInstance(db: Db, uuid: string): Promise<InstanceRow> {
  const row = await getInstance(db, uuid)
  if (!row || row.deleted === 1) throw new NotFoundError(`Instance ${uuid} could not be found.`)
  return row
}

export async function insertInstances(
  db: Db,
  rows: readonly Insertable<InstanceTable>[],
): Promise<void> {
  if (rows.length === 0) return
  await db
    .insertInto('instances')
    .values([...rows])
    .execute()
}

/** Allowed current states for a compare-and-swap update; `null` in a list means "no task". */
export interface ExpectedStates {
  readonly expectedTaskState?: readonly (string | null)[] | string | null
  readonly expectedVmState?: readonly string[] | string
}

function asList<T>(v: readonly T[] | T): readonly T[] {
  return Array.isArray(v) ? (v as readonly T[]) : [v as T]
}

/**
 * Updates one live instance; with expected states the UPDATE only matches while
 * the row is still in one of them (atomic compare-and-swap, Nova's
 * expected_task_state). No row matched → ConflictError naming the actual state
 * (NotFoundError when the instance is gone). `updated_at` is set unless given.
 */
export async function updateInstance(
  db: Db,
  uuid: string,
  values: InstanceUpdate,
  expected: ExpectedStates = {},
): Promise<void> {
  let q = db
    .updateTable('instances')
    .set({ updated_at: new Date().toISOString(), ...values })
    .where('uuid', '=', uuid)
    .where('deleted', '=', 0)
  if (expected.expectedTaskState !== undefined) {
    const states = asList(expected.expectedTaskState)
    const named = states.filter((s): s is string => s !== null)
    const allowNull = states.includes(null)
    q = q.where((eb) => {
      const ors = []
      if (named.length > 0) ors.push(eb('task_state', 'in', named))
      if (allowNull) ors.push(eb('task_state', 'is', null))
      return ors.length > 0 ? eb.or(ors) : sql<boolean>`1 = 0`
    })
  }
  if (expected.expectedVmState !== undefined) {
    const vm = asList(expected.expectedVmState)
    q = q.where('vm_state', 'in', vm.length > 0 ? [...vm] : ['\u0000'])
  }
  const r = await q.executeTakeFirst()
  if (Number(r.numUpdatedRows) > 0) return
  const current = await getInstance(db, uuid)
  if (!current || current.deleted === 1)
    throw new NotFoundError(`Instance ${uuid} could not be found.`)
  throw new ConflictError(
    `Conflict updating instance ${uuid}. Expected: ${JSON.stringify({
      task_state: expected.expectedTaskState,
      vm_state: expected.expectedVmState,
    })}. Actual: ${JSON.stringify({ task_state: current.task_state, vm_state: current.vm_state })}`,
    { type: 'UnexpectedTaskStateError' },
  )
}

/** Soft-deletes an instance row (Nova keeps deleted rows; `deleted` = 1 hides them). */
export async function markInstanceDeleted(db: Db, uuid: string, now: string): Promise<void> {
  await db
    .updateTable('instances')
    .set({
      deleted: 1,
      deleted_at: now,
      terminated_at: now,
      updated_at: now,
      vm_state: 'deleted',
      task_state: null,
      power_state: 0,
    })
    .where('uuid', '=', uuid)
    .execute()
}

/**
 * The flavor snapshot stored in instances.flavor (and old_flavor/new_flavor):
 * RequestSpec['flavor'] plus what the API shows of it.
 */
export interface InstanceFlavor {
  readonly id: string
  readonly name: string
  readonly vcpus: number
  readonly memoryMb: number
  readonly rootGb: number
  readonly ephemeralGb: number
  readonly swapMb: number
  readonly extraSpecs: Readonly<Record<string, string>>
}

export function parseInstanceFlavor(json: string): InstanceFlavor {
  return JSON.parse(json) as InstanceFlavor
}

/** What GET /servers narrows in SQL (the rest — regexes, IPs, tags — is done on rows). */
export interface InstanceSqlFilter {
  readonly projectId?: string
  readonly userId?: string
  /** false: live only; true: deleted only; undefined: both. */
  readonly deleted?: boolean
  readonly vmStates?: readonly string[]
  readonly taskStates?: readonly string[]
  readonly host?: string
  readonly imageRefs?: readonly string[]
  readonly reservationId?: string
  readonly uuids?: readonly string[]
  /** updated_at >= (Nova: changes-since). */
  readonly changesSince?: string
  /** updated_at <= (Nova: changes-before). */
  readonly changesBefore?: string
}

export async function queryInstances(db: Db, f: InstanceSqlFilter): Promise<InstanceRow[]> {
  let q = db.selectFrom('instances').selectAll()
  if (f.projectId !== undefined) q = q.where('project_id', '=', f.projectId)
  if (f.userId !== undefined) q = q.where('user_id', '=', f.userId)
  if (f.deleted !== undefined) q = q.where('deleted', '=', f.deleted ? 1 : 0)
  if (f.vmStates) {
    if (f.vmStates.length === 0) return []
    q = q.where('vm_state', 'in', [...f.vmStates])
  }
  if (f.taskStates) {
    if (f.taskStates.length === 0) return []
    q = q.where('task_state', 'in', [...f.taskStates])
  }
  if (f.host !== undefined) q = q.where('host', '=', f.host)
  if (f.imageRefs) {
    if (f.imageRefs.length === 0) return []
    q = q.where('image_ref', 'in', [...f.imageRefs])
  }
  if (f.reservationId !== undefined) q = q.where('reservation_id', '=', f.reservationId)
  if (f.uuids) {
    if (f.uuids.length === 0) return []
    q = q.where('uuid', 'in', [...f.uuids])
  }
  if (f.changesSince !== undefined) q = q.where('updated_at', '>=', f.changesSince)
  if (f.changesBefore !== undefined) q = q.where('updated_at', '<=', f.changesBefore)
  return q.execute()
}
