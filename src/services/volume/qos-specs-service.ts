import type { Selectable } from 'kysely'
import { BadRequestError, ConflictError, NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import type { Db } from '../../db/database.js'
import type { VolumeQosSpecTable } from '../../db/volume-schema.js'
import type { VolumeContext } from './volume-context.js'

/** Who applies the specs: the hypervisor (front-end), the storage (back-end), or both. */
export const CONSUMERS = ['front-end', 'back-end', 'both'] as const

export interface QosSpecs {
  readonly id: string
  readonly name: string
  readonly consumer: string
  readonly specs: Readonly<Record<string, string>>
  readonly createdAt: string
}

type Row = Selectable<VolumeQosSpecTable>

const notFound = (id: string) => new NotFoundError(`No such QoS spec ${id}.`)
const invalid = (reason: string) => new BadRequestError(`Invalid qos specs: ${reason}`)

async function withKeys(db: Db, rows: readonly Row[]): Promise<QosSpecs[]> {
  const ids = rows.map((r) => r.id)
  const keys = ids.length
    ? await db.selectFrom('volume_qos_spec_keys').selectAll().where('qos_id', 'in', ids).execute()
    : []
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    consumer: r.consumer,
    createdAt: r.created_at,
    specs: Object.fromEntries(
      keys
        .filter((k) => k.qos_id === r.id)
        .sort((a, b) => a.key.localeCompare(b.key))
        .map((k) => [k.key, k.value]),
    ),
  }))
}

export async function listQosSpecs(ctx: VolumeContext): Promise<QosSpecs[]> {
  return withKeys(ctx.db, await ctx.db.selectFrom('volume_qos_specs').selectAll().execute())
}

export async function getQosSpecs(db: Db, id: string): Promise<QosSpecs> {
  const row = await db
    .selectFrom('volume_qos_specs')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row) throw notFound(id)
  return (await withKeys(db, [row]))[0]!
}

/** Keys and values as Cinder stores them: strings of at most 255 characters. */
function checkSpecs(specs: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(specs)) {
    if (k.length < 1 || k.length > 255) throw invalid(`key '${k}' must be 1-255 characters`)
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw invalid(`the value of '${k}' must be a string`)
    const s = String(v)
    if (s.length > 255) throw invalid(`the value of '${k}' is longer than 255 characters`)
    out[k] = s
  }
  return out
}

function checkConsumer(c: unknown): string {
  if (typeof c !== 'string' || !(CONSUMERS as readonly string[]).includes(c))
    throw invalid(`consumer '${JSON.stringify(c)}' is not one of ${CONSUMERS.join(', ')}`)
  return c
}

async function putKeys(db: Db, id: string, specs: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(specs))
    await db
      .insertInto('volume_qos_spec_keys')
      .values({ qos_id: id, key, value })
      .onConflict((oc) => oc.columns(['qos_id', 'key']).doUpdateSet({ value }))
      .execute()
}

/** POST /qos-specs: `consumer` (default back-end) comes out of the specs; names are unique (409). */
export async function createQosSpecs(
  ctx: VolumeContext,
  name: string,
  body: Record<string, unknown>,
): Promise<QosSpecs> {
  const { consumer = 'back-end', ...rest } = body
  const c = checkConsumer(consumer)
  const specs = checkSpecs(rest)
  const id = newUuid()
  await ctx.db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('volume_qos_specs')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirst()
    if (taken) throw new ConflictError(`QoS Specs ${name} already exists.`)
    await trx
      .insertInto('volume_qos_specs')
      .values({ id, name, consumer: c, created_at: new Date().toISOString(), updated_at: null })
      .execute()
    await putKeys(trx, id, specs)
  })
  return getQosSpecs(ctx.db, id)
}

/** PUT /qos-specs/{id}: sets keys (and `consumer`); a null value is refused as Cinder stores none. */
export async function setQosKeys(
  ctx: VolumeContext,
  id: string,
  body: Record<string, unknown>,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await getQosSpecs(trx, id)
    const { consumer, ...rest } = body
    const patch: { updated_at: string; consumer?: string } = {
      updated_at: new Date().toISOString(),
    }
    if (consumer !== undefined) patch.consumer = checkConsumer(consumer)
    await trx.updateTable('volume_qos_specs').set(patch).where('id', '=', id).execute()
    await putKeys(trx, id, checkSpecs(rest))
  })
}

/** PUT /qos-specs/{id}/delete_keys: every key must exist (404 naming the first missing). */
export async function deleteQosKeys(
  ctx: VolumeContext,
  id: string,
  keys: readonly string[],
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const q = await getQosSpecs(trx, id)
    for (const k of keys)
      if (!(k in q.specs)) throw new NotFoundError(`QoS spec ${id} has no spec with key ${k}.`)
    if (keys.length)
      await trx
        .deleteFrom('volume_qos_spec_keys')
        .where('qos_id', '=', id)
        .where('key', 'in', keys)
        .execute()
  })
}

/** DELETE /qos-specs/{id}: refused while a type uses it, unless forced (which disassociates). */
export async function deleteQosSpecs(
  ctx: VolumeContext,
  id: string,
  force: boolean,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await getQosSpecs(trx, id)
    const used = await trx
      .selectFrom('volume_types')
      .select('id')
      .where('qos_specs_id', '=', id)
      .execute()
    if (used.length && !force) throw new BadRequestError('Qos specs still in use.')
    await trx
      .updateTable('volume_types')
      .set({ qos_specs_id: null })
      .where('qos_specs_id', '=', id)
      .execute()
    await trx.deleteFrom('volume_qos_spec_keys').where('qos_id', '=', id).execute()
    await trx.deleteFrom('volume_qos_specs').where('id', '=', id).execute()
  })
}

export async function qosAssociations(
  ctx: VolumeContext,
  id: string,
): Promise<{ association_type: 'volume_type'; name: string; id: string }[]> {
  await getQosSpecs(ctx.db, id)
  const types = await ctx.db
    .selectFrom('volume_types')
    .select(['id', 'name'])
    .where('qos_specs_id', '=', id)
    .orderBy('name')
    .execute()
  return types.map((t) => ({ association_type: 'volume_type', name: t.name, id: t.id }))
}

async function typeRow(db: Db, typeId: string) {
  const t = await db
    .selectFrom('volume_types')
    .select(['id', 'qos_specs_id'])
    .where('id', '=', typeId)
    .executeTakeFirst()
  if (!t) throw new NotFoundError(`Volume type ${typeId} could not be found.`)
  return t
}

/** A type has at most one QoS specs: associating another is Cinder's InvalidVolumeType (400). */
export async function associateQos(ctx: VolumeContext, id: string, typeId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await getQosSpecs(trx, id)
    const t = await typeRow(trx, typeId)
    if (t.qos_specs_id && t.qos_specs_id !== id)
      throw new BadRequestError(
        `Invalid volume type: Type ${typeId} is already associated with another qos specs: ${t.qos_specs_id}`,
      )
    await trx
      .updateTable('volume_types')
      .set({ qos_specs_id: id })
      .where('id', '=', typeId)
      .execute()
  })
}

export async function disassociateQos(
  ctx: VolumeContext,
  id: string,
  typeId: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await getQosSpecs(trx, id)
    await typeRow(trx, typeId)
    await trx
      .updateTable('volume_types')
      .set({ qos_specs_id: null })
      .where('id', '=', typeId)
      .where('qos_specs_id', '=', id)
      .execute()
  })
}

export async function disassociateAllQos(ctx: VolumeContext, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await getQosSpecs(trx, id)
    await trx
      .updateTable('volume_types')
      .set({ qos_specs_id: null })
      .where('qos_specs_id', '=', id)
      .execute()
  })
}

/**
 * The specs a hypervisor applies to volumes of a type: its QoS specs when
 * their consumer is front-end or both, else null (Cinder's
 * initialize_connection puts them in connection_info.data.qos_specs).
 */
export async function frontEndQos(db: Db, typeId: string): Promise<Record<string, string> | null> {
  const t = await db
    .selectFrom('volume_types')
    .select('qos_specs_id')
    .where('id', '=', typeId)
    .executeTakeFirst()
  if (!t?.qos_specs_id) return null
  const q = await getQosSpecs(db, t.qos_specs_id).catch(() => undefined)
  return q && q.consumer !== 'back-end' ? { ...q.specs } : null
}
