import { defineGroup, opt } from '../option.js'

export const databaseGroup = defineGroup('database', 'The SQL database.', {
  connection: opt.string(
    'sqlite:///<path> (default: <data_dir>/nubis.sqlite) or postgresql://user:pass@host:port/db.',
    '',
    { secret: true },
  ),
  max_pool_size: opt.int('Largest number of PostgreSQL connections per process.', 10, { min: 1 }),
})
