import { randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Token keys kept as files `0`, `1`, … in one directory, as Keystone's
 * fernet_keys: `0` is the staged key (known to every node before it signs),
 * the highest number is the primary (signs new tokens), the rest are
 * secondaries (still validate). Rotation promotes staged → primary.
 */
export class KeyRepository {
  readonly #dir: string
  readonly #maxActive: number

  constructor(dir: string, maxActive: number) {
    this.#dir = dir
    this.#maxActive = maxActive
  }

  /** Creates the directory with a staged and a primary key when empty. */
  ensure(): void {
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 })
    const keys = this.#indexes()
    if (!keys.includes(0)) this.#write(0)
    if (this.#indexes().length < 2) this.#write(1)
  }

  /** Primary first, then every other key; each 32 bytes (16 signing + 16 encryption). */
  load(): { primary: Buffer; all: Buffer[] } {
    const idx = this.#indexes().sort((a, b) => b - a)
    if (idx.length < 2)
      throw new Error(
        `token key repository ${this.#dir} has fewer than 2 keys: run \`nubis token rotate\``,
      )
    const all = idx.map((i) =>
      Buffer.from(readFileSync(join(this.#dir, String(i)), 'utf8').trim(), 'base64url'),
    )
    for (const k of all)
      if (k.length !== 32)
        throw new Error(`token key repository ${this.#dir} holds a malformed key`)
    return { primary: all[0] as Buffer, all }
  }

  /** Staged key becomes primary; a new staged key appears; keys beyond max_active are removed. */
  rotate(): void {
    const idx = this.#indexes()
    const next = Math.max(...idx) + 1
    renameSync(join(this.#dir, '0'), join(this.#dir, String(next)))
    this.#write(0)
    const secondaries = this.#indexes()
      .filter((i) => i !== 0 && i !== next)
      .sort((a, b) => a - b)
    while (secondaries.length + 2 > this.#maxActive) {
      const old = secondaries.shift()
      if (old === undefined) break
      rmSync(join(this.#dir, String(old)))
    }
  }

  #indexes(): number[] {
    try {
      return readdirSync(this.#dir)
        .filter((f) => /^\d+$/.test(f))
        .map(Number)
    } catch {
      return []
    }
  }

  #write(i: number): void {
    const tmp = join(this.#dir, `.${i}.tmp`)
    writeFileSync(tmp, randomBytes(32).toString('base64url'), { mode: 0o600 })
    renameSync(tmp, join(this.#dir, String(i)))
  }
}
