import type { Db } from '../../database.js'

/** One stored domain-specific option; `value` is JSON so numbers and lists survive. */
export interface DomainConfigOption {
  readonly group: string
  readonly option: string
  readonly value: unknown
  readonly sensitive: boolean
}

export async function listConfigOptions(
  db: Db,
  domainId: string,
  where: {
    group?: string | undefined
    option?: string | undefined
    sensitive?: boolean | undefined
  } = {},
): Promise<DomainConfigOption[]> {
  let q = db.selectFrom('domain_configs').selectAll().where('domain_id', '=', domainId)
  if (where.group !== undefined) q = q.where('group', '=', where.group)
  if (where.option !== undefined) q = q.where('option', '=', where.option)
  if (where.sensitive !== undefined) q = q.where('sensitive', '=', where.sensitive ? 1 : 0)
  const rows = await q.orderBy('group').orderBy('option').execute()
  return rows.map((r) => ({
    group: r.group,
    option: r.option,
    value: JSON.parse(r.value) as unknown,
    sensitive: r.sensitive === 1,
  }))
}

/** Inserts or overwrites each option. */
export async function upsertConfigOptions(
  db: Db,
  domainId: string,
  options: readonly DomainConfigOption[],
): Promise<void> {
  for (const o of options) {
    const value = JSON.stringify(o.value ?? null)
    const sensitive = o.sensitive ? 1 : 0
    await db
      .insertInto('domain_configs')
      .values({ domain_id: domainId, group: o.group, option: o.option, value, sensitive })
      .onConflict((oc) =>
        oc.columns(['domain_id', 'group', 'option']).doUpdateSet({ value, sensitive }),
      )
      .execute()
  }
}

/** Deletes the whole config, one group, or one option. */
export async function deleteConfigOptions(
  db: Db,
  domainId: string,
  group?: string,
  option?: string,
): Promise<void> {
  let q = db.deleteFrom('domain_configs').where('domain_id', '=', domainId)
  if (group !== undefined) q = q.where('group', '=', group)
  if (option !== undefined) q = q.where('option', '=', option)
  await q.execute()
}
