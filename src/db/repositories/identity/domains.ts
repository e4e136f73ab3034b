import type { Db } from '../../database.js'
import type { DomainTable } from '../../schema.js'

export type DomainRow = DomainTable

export function getDomain(db: Db, id: string): Promise<DomainRow | undefined> {
  return db.selectFrom('domains').selectAll().where('id', '=', id).executeTakeFirst()
}

export function getDomainByName(db: Db, name: string): Promise<DomainRow | undefined> {
  return db.selectFrom('domains').selectAll().where('name', '=', name).executeTakeFirst()
}
