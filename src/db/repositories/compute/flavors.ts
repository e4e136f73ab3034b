import type { Selectable } from 'kysely'
import type { FlavorTable } from '../../compute-resources-schema.js'
import type { Db } from '../../database.js'

export type FlavorRow = Selectable<FlavorTable>

/** A flavor row with its extra specs. */
export interface FlavorRecord extends FlavorRow {
  readonly extraSpecs: Record<string, string>
}

export async function extraSpecsOf(db: Db, flavorid: string): Promise<Record<string, string>> {
  const rows = await db
    .selectFrom('flavor_extra_specs')
    .select(['key', 'value'])
    .where('flavorid', '=', flavorid)
    .orderBy('key')
    .execute()
  return Object.fromEntries(rows.map((r) => [r.key, r.value]))
}

/** Extra specs of several flavors in one query (flavorid → specs; every id present). */
export async function extraSpecsOfMany(
  db: Db,
  flavorids: readonly string[],
): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>(flavorids.map((id) => [id, {}]))
  if (flavorids.length === 0) return out
  const rows = await db
    .selectFrom('flavor_extra_specs')
    .select(['flavorid', 'key', 'value'])
    .where('flavorid', 'in', [...flavorids])
    .orderBy('key')
    .execute()
  for (const r of rows) (out.get(r.flavorid) as Record<string, string>)[r.key] = r.value
  return out
}

export async function flavorByFlavorid(db: Db, flavorid: string): Promise<FlavorRow | undefined> {
  return db.selectFrom('flavors').selectAll().where('flavorid', '=', flavorid).executeTakeFirst()
}

export async function flavorByName(db: Db, name: string): Promise<FlavorRow | undefined> {
  return db.selectFrom('flavors').selectAll().where('name', '=', name).executeTakeFirst()
}

/**
 * The flavor a server request or a resize names: by flavorid first, then by
 * name (as clients that pass names expect). No access check: callers decide.
 */
export async function findFlavor(db: Db, idOrName: string): Promise<FlavorRecord | undefined> {
  const row = (await flavorByFlavorid(db, idOrName)) ?? (await flavorByName(db, idOrName))
  if (!row) return undefined
  return { ...row, extraSpecs: await extraSpecsOf(db, row.flavorid) }
}

/**
 * What the virt driver sees of a flavor (and what instances.flavor embeds):
 * the shape of virt/driver.ts FlavorSpec, spelled out because db/ may not
 * import from virt/.
 */
export interface FlavorSnapshot {
  readonly id: string
  readonly name: string
  readonly vcpus: number
  readonly memoryMb: number
  readonly rootGb: number
  readonly ephemeralGb: number
  readonly swapMb: number
  readonly extraSpecs: Readonly<Record<string, string>>
}

export function toFlavorSpec(f: FlavorRecord): FlavorSnapshot {
  return {
    id: f.flavorid,
    name: f.name,
    vcpus: f.vcpus,
    memoryMb: f.memory_mb,
    rootGb: f.root_gb,
    ephemeralGb: f.ephemeral_gb,
    swapMb: f.swap,
    extraSpecs: { ...f.extraSpecs },
  }
}

/** Project ids granted access to a private flavor. */
export async function flavorProjects(db: Db, flavorid: string): Promise<string[]> {
  const rows = await db
    .selectFrom('flavor_projects')
    .select('project_id')
    .where('flavorid', '=', flavorid)
    .orderBy('project_id')
    .execute()
  return rows.map((r) => r.project_id)
}

/** True when the project may use the flavor (public, or granted). */
export async function projectCanUseFlavor(
  db: Db,
  flavor: Pick<FlavorRow, 'flavorid' | 'is_public'>,
  projectId: string | undefined,
): Promise<boolean> {
  if (flavor.is_public === 1) return true
  if (projectId === undefined) return false
  const row = await db
    .selectFrom('flavor_projects')
    .select('project_id')
    .where('flavorid', '=', flavor.flavorid)
    .where('project_id', '=', projectId)
    .executeTakeFirst()
  return row !== undefined
}

export type NewFlavor = Omit<FlavorRow, 'id' | 'created_at' | 'updated_at'>

export async function insertFlavor(db: Db, f: NewFlavor): Promise<FlavorRow> {
  const now = new Date().toISOString()
  await db
    .insertInto('flavors')
    .values({ ...f, created_at: now, updated_at: now })
    .execute()
  const row = await flavorByFlavorid(db, f.flavorid)
  if (!row) throw new Error(`flavor ${f.flavorid} vanished after insert`)
  return row
}

/** Deletes the flavor with its extra specs and access grants; false when absent. */
export async function deleteFlavorRow(db: Db, flavorid: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const r = await tx.deleteFrom('flavors').where('flavorid', '=', flavorid).executeTakeFirst()
    await tx.deleteFrom('flavor_extra_specs').where('flavorid', '=', flavorid).execute()
    await tx.deleteFrom('flavor_projects').where('flavorid', '=', flavorid).execute()
    return Number(r.numDeletedRows) > 0
  })
}

export async function setFlavorDescription(
  db: Db,
  flavorid: string,
  description: string | null,
): Promise<void> {
  await db
    .updateTable('flavors')
    .set({ description, updated_at: new Date().toISOString() })
    .where('flavorid', '=', flavorid)
    .execute()
}

/** Inserts or replaces extra specs. */
export async function upsertExtraSpecs(
  db: Db,
  flavorid: string,
  specs: Record<string, string>,
): Promise<void> {
  for (const [key, value] of Object.entries(specs))
    await db
      .insertInto('flavor_extra_specs')
      .values({ flavorid, key, value })
      .onConflict((oc) => oc.columns(['flavorid', 'key']).doUpdateSet({ value }))
      .execute()
}

export async function deleteExtraSpec(db: Db, flavorid: string, key: string): Promise<boolean> {
  const r = await db
    .deleteFrom('flavor_extra_specs')
    .where('flavorid', '=', flavorid)
    .where('key', '=', key)
    .executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

/** Grants a project access; false when it already had it. */
export async function addFlavorProject(
  db: Db,
  flavorid: string,
  projectId: string,
): Promise<boolean> {
  const r = await db
    .insertInto('flavor_projects')
    .values({ flavorid, project_id: projectId })
    .onConflict((oc) => oc.columns(['flavorid', 'project_id']).doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0
}

export async function removeFlavorProject(
  db: Db,
  flavorid: string,
  projectId: string,
): Promise<boolean> {
  const r = await db
    .deleteFrom('flavor_projects')
    .where('flavorid', '=', flavorid)
    .where('project_id', '=', projectId)
    .executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

/** All flavors, ordered as the caller asks; the API layer filters and pages. */
export async function allFlavors(db: Db): Promise<FlavorRow[]> {
  return db.selectFrom('flavors').selectAll().orderBy('flavorid').execute()
}

/** Flavorids of the private flavors a project was granted. */
export async function flavoridsGrantedTo(db: Db, projectId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('flavor_projects')
    .select('flavorid')
    .where('project_id', '=', projectId)
    .execute()
  return new Set(rows.map((r) => r.flavorid))
}
