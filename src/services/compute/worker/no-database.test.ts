import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

// Always scan the TypeScript sources, also when this test runs compiled from dist/.
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../src')

/** Modules a compute worker must never load: it holds no database credentials (seed 002). */
const FORBIDDEN = [
  'db/',
  'services/conductor/',
  'services/placement/',
  'services/scheduler/',
  'services/network/',
  'services/image/',
]

/** Relative value imports of a module (static, re-exports and dynamic); `import type` is erased. */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specs: string[] = []
  const statics = /^(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+'(\.[^']+)'/gms
  const bare = /^import\s+'(\.[^']+)'/gm
  const dynamic = /\bimport\(\s*'(\.[^']+)'\s*\)/g
  for (const re of [statics, bare, dynamic])
    for (const m of text.matchAll(re)) specs.push(m[1] ?? '')
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')))
}

/** Every module reachable from `entry` through value imports. */
function closure(entry: string): Set<string> {
  const seen = new Set<string>()
  const todo = [entry]
  while (todo.length > 0) {
    const f = todo.pop() as string
    if (seen.has(f) || !existsSync(f)) continue
    seen.add(f)
    todo.push(...valueImports(f))
  }
  return seen
}

describe('compute workers run without a database', () => {
  for (const entry of [
    'services/compute/worker/compute-workers.ts',
    'virt/fake/fake-driver.ts',
    'cmd/compute-worker.ts',
  ]) {
    it(`${entry} loads nothing from ${FORBIDDEN.join(', ')}`, () => {
      const mods = [...closure(resolve(SRC, entry))].map((f) => relative(SRC, f))
      assert.ok(mods.length > 1 || entry.startsWith('virt/'), `${entry} resolved no imports`)
      const bad = mods.filter((m) => FORBIDDEN.some((p) => m.startsWith(p)))
      assert.deepEqual(bad, [])
    })
  }

  it('the scan does see forbidden imports (the conductor loads the database)', () => {
    const mods = [...closure(resolve(SRC, 'services/conductor/index.ts'))].map((f) =>
      relative(SRC, f),
    )
    assert.ok(mods.some((m) => m.startsWith('db/')))
  })
})
