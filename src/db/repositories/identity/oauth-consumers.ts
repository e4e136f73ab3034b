/** Queries for OS-OAUTH1 consumers. Only the secret's hash is stored. */
import type { Db } from '../../database.js'
import type { OauthConsumerTable } from '../../schema.js'

export type OauthConsumerRow = OauthConsumerTable

export function getConsumer(db: Db, id: string): Promise<OauthConsumerRow | undefined> {
  return db.selectFrom('oauth_consumers').selectAll().where('id', '=', id).executeTakeFirst()
}

export function listConsumers(db: Db): Promise<OauthConsumerRow[]> {
  return db.selectFrom('oauth_consumers').selectAll().orderBy('id').execute()
}

export async function insertConsumer(db: Db, row: OauthConsumerRow): Promise<void> {
  await db.insertInto('oauth_consumers').values(row).execute()
}

export async function updateConsumer(
  db: Db,
  id: string,
  patch: Partial<Pick<OauthConsumerRow, 'description' | 'extra'>>,
): Promise<void> {
  await db.updateTable('oauth_consumers').set(patch).where('id', '=', id).execute()
}

export async function deleteConsumer(db: Db, id: string): Promise<void> {
  await db.deleteFrom('oauth_consumers').where('id', '=', id).execute()
}
