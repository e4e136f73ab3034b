import type { CreateTableBuilder } from 'kysely'

export type DialectName = 'sqlite' | 'postgres'

/** Adds an auto-increment integer primary key `id` in a way both dialects accept. */
export function withSerialId<T extends string>(
  dialect: DialectName,
  table: CreateTableBuilder<T, never>,
): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
}
