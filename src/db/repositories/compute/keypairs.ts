import type { Selectable } from 'kysely'
import type { KeyPairTable } from '../../compute-resources-schema.js'
import type { Db } from '../../database.js'

export type KeyPairRow = Selectable<KeyPairTable>

/** A user's key pair by name (key pairs belong to users, not projects). */
export async function findKeypair(
  db: Db,
  userId: string,
  name: string,
): Promise<KeyPairRow | undefined> {
  return db
    .selectFrom('key_pairs')
    .selectAll()
    .where('user_id', '=', userId)
    .where('name', '=', name)
    .executeTakeFirst()
}

/** A user's key pairs ordered by name (Nova pages on name). */
export async function listKeypairs(db: Db, userId: string): Promise<KeyPairRow[]> {
  return db
    .selectFrom('key_pairs')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('name')
    .execute()
}

export async function countKeypairs(db: Db, userId: string): Promise<number> {
  const r = await db
    .selectFrom('key_pairs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return Number(r?.n ?? 0)
}

export async function insertKeypair(
  db: Db,
  k: Omit<KeyPairRow, 'id' | 'created_at'>,
): Promise<KeyPairRow> {
  await db
    .insertInto('key_pairs')
    .values({ ...k, created_at: new Date().toISOString() })
    .execute()
  const row = await findKeypair(db, k.user_id, k.name)
  if (!row) throw new Error(`key pair ${k.name} vanished after insert`)
  return row
}

export async function deleteKeypair(db: Db, userId: string, name: string): Promise<boolean> {
  const r = await db
    .deleteFrom('key_pairs')
    .where('user_id', '=', userId)
    .where('name', '=', name)
    .executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}
