import { Migrator, type Migration, type MigrationProvider } from 'kysely'
import type { DatabaseHandle } from './database.js'
import * as m0001 from './migrations/0001-identity.js'
import * as m0003 from './migrations/0003-users-password-self-service.js'
import * as m0007 from './migrations/0007-images.js'
import * as m0008 from './migrations/0008-network.js'
import * as m0009 from './migrations/0009-compute.js'
import * as m0010 from './migrations/0010-compute-resources.js'
import * as m0011 from './migrations/0011-placement.js'
import * as m0012 from './migrations/0012-volume.js'
import * as m0013 from './migrations/0013-instance-trusted-certs.js'
import * as m0014 from './migrations/0014-volume-service-frozen.js'
import * as m0015 from './migrations/0015-volume-quota-classes.js'
import * as m0016 from './migrations/0016-volume-qos-specs.js'
import type { DialectName } from './migrations/portable.js'

type Up = (db: Parameters<Migration['up']>[0], dialect: DialectName) => Promise<void>

/**
 * Every migration, in order. Listed by hand (no directory scanning) so the
 * bundle is explicit; each takes the dialect for the few places they differ.
 */
const migrations: ReadonlyArray<readonly [string, { up: Up }]> = [
  ['0001-identity', m0001],
  ['0003-users-password-self-service', m0003],
  ['0007-images', m0007],
  ['0008-network', m0008],
  ['0009-compute', m0009],
  ['0010-compute-resources', m0010],
  ['0011-placement', m0011],
  ['0012-volume', m0012],
  ['0013-instance-trusted-certs', m0013],
  ['0014-volume-service-frozen', m0014],
  ['0015-volume-quota-classes', m0015],
  ['0016-volume-qos-specs', m0016],
]

class StaticProvider implements MigrationProvider {
  constructor(readonly dialect: DialectName) {}
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(
      Object.fromEntries(
        migrations.map(([name, m]) => [name, { up: (db) => m.up(db, this.dialect) }]),
      ),
    )
  }
}

/** Brings the schema to the newest version; returns the names applied now. */
export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  const migrator = new Migrator({ db: handle.db, provider: new StaticProvider(handle.dialect) })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
