import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import type { DialectName } from './migrations/portable.js'
import type { Database } from './schema.js'

export type Db = Kysely<Database>

export interface DatabaseHandle {
  readonly db: Db
  readonly dialect: DialectName
  /** Where it lives, with any password removed (for logs). */
  readonly description: string
  close(): Promise<void>
}

export interface OpenOptions {
  /** `sqlite:///abs/path`, `sqlite://:memory:`, or `postgresql://…`. */
  readonly connection: string
  readonly maxPoolSize?: number
}

/** Chooses the dialect from the connection URL, like oslo.db. */
export function openDatabase(options: OpenOptions): DatabaseHandle {
  const url = options.connection
  if (/^postgres(ql)?(\+\w+)?:\/\//.test(url)) {
    const connectionString = url.replace(/^postgres(ql)?\+\w+:/, 'postgresql:')
    const pool = new pg.Pool({ connectionString, max: options.maxPoolSize ?? 10 })
    // NOTE: an idle connection the server ends (restart, pg_terminate_backend, DROP DATABASE
    // ... FORCE) is reported as a pool 'error'; unhandled, that event kills the process. The
    // pool has already dropped the client, and the next query opens a fresh one.
    pool.on('error', () => undefined)
    const open = new Set<unknown>()
    pool.on('connect', (client) => open.add(client))
    let closed: (() => void) | undefined
    pool.on('remove', (client) => {
      open.delete(client)
      if (open.size === 0) closed?.()
    })
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    return {
      db,
      dialect: 'postgres',
      description: connectionString.replace(/:\/\/([^:@/]+):[^@]*@/, '://$1:***@'),
      async close() {
        // pool.end() resolves once its clients are told to end, before their sockets are
        // closed: wait for every 'remove' so no session outlives close() (tests drop the
        // database right after), but never hang on a socket that does not close.
        const gone = new Promise<void>((resolve) => {
          closed = resolve
          if (open.size === 0) resolve()
        })
        await db.destroy()
        let timer: NodeJS.Timeout | undefined
        await Promise.race([gone, new Promise((r) => (timer = setTimeout(r, 5000)))])
        clearTimeout(timer)
      },
    }
  }
  const m = /^sqlite:\/\/(\/.*)?$/.exec(url)
  if (!m)
    throw new Error(
      `unsupported [database] connection ${JSON.stringify(url)}: want sqlite:///path or postgresql://…`,
    )
  const raw = m[1] ?? ''
  // SQLAlchemy's form: sqlite:///relative.db, sqlite:////absolute/path.db, sqlite:// for memory.
  const file =
    raw === '' || raw === '/' || raw === '/:memory:'
      ? ':memory:'
      : raw.startsWith('//')
        ? raw.slice(1)
        : resolve(raw.slice(1))
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const sqlite = new BetterSqlite3(file)
  // WAL lets readers run beside the single writer; busy_timeout covers a second process on the file.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('busy_timeout = 5000')
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
  return { db, dialect: 'sqlite', description: `sqlite:${file}`, close: () => db.destroy() }
}

/** True for a UNIQUE or PRIMARY KEY violation on either dialect. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  )
}
