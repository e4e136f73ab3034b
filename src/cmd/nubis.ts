import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Command } from 'commander'
import { pino } from 'pino'
import {
  databaseGroup,
  defaultGroup,
  identityGroup,
  securityComplianceGroup,
} from '../config/groups/index.js'
import { ConfigError, loadConfig, type Config } from '../config/load.js'
import { openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'
import { bootstrapIdentity, createIdentityService } from '../services/identity/index.js'
import { KeyRepository } from '../services/identity/token/key-repository.js'
import { runComputeWorker } from './compute-worker.js'
import { serve } from './serve.js'

interface GlobalOpts {
  config?: string
  dataDir?: string
  listen?: string
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

function config(opts: GlobalOpts): Config {
  return loadConfig({
    file: opts.config ?? process.env['NUBIS_CONFIG'],
    overrides: { DEFAULT: { data_dir: opts.dataDir, listen: opts.listen } },
  })
}

function dbConnection(c: Config): string {
  const conn = c.get(databaseGroup).connection
  return conn !== '' ? conn : `sqlite:///${resolve(c.get(defaultGroup).data_dir, 'nubis.sqlite')}`
}

const program = new Command('nubis')
  .description('Nubis: an OpenStack-compatible control plane for vSphere and KVM')
  .version(version(), '-V, --version')
  .option('-c, --config <file>', 'INI config file (env NUBIS_CONFIG)')
  .option('-d, --data-dir <dir>', 'data directory (env NUBIS_DATA_DIR)')
  .option('-l, --listen <host:port>', 'API listener (env NUBIS_LISTEN)')

program
  .command('serve')
  .description('run every service in one process (SQLite + in-process bus by default)')
  .option('-c, --config <file>', 'INI config file')
  .option('-d, --data-dir <dir>', 'data directory')
  .option('-l, --listen <host:port>', 'API listener')
  .action(async (local: GlobalOpts) => serve(config({ ...program.opts<GlobalOpts>(), ...local })))

program
  .command('compute')
  .description(
    'run only the compute workers of [compute] compute_driver (no database; needs a shared bus)',
  )
  .option('-c, --config <file>', 'INI config file')
  .action(async (local: GlobalOpts) =>
    runComputeWorker(config({ ...program.opts<GlobalOpts>(), ...local })),
  )

program
  .command('version')
  .description('print the version')
  .action(() => console.log(version()))

const db = program.command('db').description('database maintenance')
db.command('migrate')
  .description('bring the database schema to the newest version')
  .action(async () => {
    const c = config(program.opts<GlobalOpts>())
    const h = openDatabase({ connection: dbConnection(c) })
    try {
      const applied = await migrateToLatest(h)
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date')
    } finally {
      await h.close()
    }
  })

program
  .command('bootstrap')
  .description('create the Default domain, admin user and projects, roles and region (idempotent)')
  .action(async () => {
    const c = config(program.opts<GlobalOpts>())
    const h = openDatabase({ connection: dbConnection(c) })
    try {
      await migrateToLatest(h)
      const identity = await createIdentityService({
        db: h.db,
        config: { identity: c.get(identityGroup), security: c.get(securityComplianceGroup) },
        logger: pino({ level: 'silent' }),
        dataDir: resolve(c.get(defaultGroup).data_dir),
      })
      const r = await bootstrapIdentity(identity.ctx, {
        adminPassword: c.get(defaultGroup).admin_password,
        regionId: c.get(defaultGroup).region_name,
        services: [],
      })
      console.log(`admin user ${r.adminUserId}, admin project ${r.adminProjectId}`)
      if (r.adminPassword !== undefined) console.log(`admin password: ${r.adminPassword}`)
    } finally {
      await h.close()
    }
  })

const cfg = program.command('config').description('configuration')
cfg
  .command('show')
  .description('print the effective configuration, secrets masked')
  .action(() => {
    const c = config(program.opts<GlobalOpts>())
    for (const [group, values] of Object.entries(c.show())) {
      console.log(`[${group}]`)
      for (const [k, v] of Object.entries(values)) {
        const src = c.sources.get(`${group}.${k}`)
        console.log(
          `${k} = ${Array.isArray(v) ? v.join(',') : String(v)}${src && src !== 'default' ? `    # from ${src}` : ''}`,
        )
      }
      console.log('')
    }
  })

const token = program.command('token').description('token signing keys')
token
  .command('rotate')
  .description(
    'promote the staged key to primary and stage a new one (restart or reload servers after)',
  )
  .action(() => {
    const c = config(program.opts<GlobalOpts>())
    const repo = new KeyRepository(
      join(resolve(c.get(defaultGroup).data_dir), 'token-keys'),
      c.get(identityGroup).max_active_keys,
    )
    repo.ensure()
    repo.rotate()
    console.log('rotated')
  })

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`nubis: configuration error: ${err.message}`)
    process.exit(2)
  }
  console.error(`nubis: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
  process.exit(1)
})
