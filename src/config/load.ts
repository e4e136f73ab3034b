import { readFileSync } from 'node:fs'
import { parse as parseIni } from 'ini'
import { allGroups } from './groups/index.js'
import { parseValue, type Group, type GroupValues } from './option.js'

/** A configuration problem; the message names the option and where it came from. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

export interface LoadOptions {
  /** INI file in OpenStack's format; missing = only defaults and environment. */
  readonly file?: string | undefined
  /** Environment to read NUBIS_* overrides from (default: process.env). */
  readonly env?: NodeJS.ProcessEnv
  /** Highest-precedence values, e.g. from CLI flags: { DEFAULT: { listen: '…' } }. */
  readonly overrides?: Record<string, Record<string, string | undefined>>
  /** Groups to accept (default: all of Nubis's). */
  readonly groups?: readonly Group[]
}

/** The effective, frozen configuration. */
export class Config {
  readonly #values: ReadonlyMap<string, Readonly<Record<string, unknown>>>
  readonly #groups: readonly Group[]
  /** Where each value came from, for `nubis config show`. */
  readonly sources: ReadonlyMap<string, string>
  readonly file: string | undefined

  constructor(
    groups: readonly Group[],
    values: Map<string, Record<string, unknown>>,
    sources: Map<string, string>,
    file?: string,
  ) {
    this.#groups = groups
    this.#values = new Map([...values].map(([k, v]) => [k, Object.freeze(v)]))
    this.sources = sources
    this.file = file
    Object.freeze(this)
  }

  get<G extends Group>(group: G): GroupValues<G> {
    const v = this.#values.get(group.name)
    if (!v) throw new Error(`config group [${group.name}] is not registered`)
    return v as GroupValues<G>
  }

  /** Effective values with secrets masked, grouped like the INI file. */
  show(): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {}
    for (const g of this.#groups) {
      const vals = this.#values.get(g.name) ?? {}
      out[g.name] = Object.fromEntries(
        Object.entries(g.options).map(([k, o]) => {
          const v = vals[k]
          const masked = o.secret && v !== '' && v !== undefined ? '***' : v
          return [k, masked]
        }),
      )
    }
    return out
  }
}

function envName(group: string, option: string): string {
  const o = option.toUpperCase()
  return group === 'DEFAULT' ? `NUBIS_${o}` : `NUBIS_${group.toUpperCase()}__${o}`
}

/**
 * Loads configuration in four steps: raw (file + environment + overrides) →
 * defaults → compiled (typed, validated) → frozen. Unknown sections and
 * options are errors that name the option and the file.
 */
export function loadConfig(options: LoadOptions = {}): Config {
  const groups = options.groups ?? allGroups
  const env = options.env ?? process.env
  const byName = new Map<string, Group>(groups.map((g) => [g.name, g]))

  // 1. raw strings
  const raw = new Map<string, Map<string, { value: string; source: string }>>()
  const put = (group: string, key: string, value: string, source: string): void => {
    const g = byName.get(group)
    if (!g) throw new ConfigError(`${source}: unknown section [${group}]`)
    const canonical = Object.keys(g.options).find(
      (k) => k === key || g.options[k]?.aliases?.includes(key),
    )
    if (!canonical) throw new ConfigError(`${source}: unknown option [${group}] ${key}`)
    let m = raw.get(group)
    if (!m) raw.set(group, (m = new Map<string, { value: string; source: string }>()))
    m.set(canonical, { value, source })
  }

  if (options.file !== undefined) {
    let text: string
    try {
      text = readFileSync(options.file, 'utf8')
    } catch (err) {
      throw new ConfigError(`${options.file}: cannot read config file: ${(err as Error).message}`)
    }
    const parsed = parseIni(text) as Record<string, unknown>
    for (const [section, body] of Object.entries(parsed)) {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new ConfigError(`${options.file}: option ${section} appears before any [section]`)
      }
      for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
        if (typeof value === 'object' && value !== null) {
          throw new ConfigError(`${options.file}: malformed option [${section}] ${key}`)
        }
        put(section, key, String(value), options.file)
      }
    }
  }

  for (const g of groups) {
    for (const key of Object.keys(g.options)) {
      const name = envName(g.name, key)
      const v = env[name]
      if (v !== undefined) put(g.name, key, v, `environment ${name}`)
    }
  }
  for (const [group, kv] of Object.entries(options.overrides ?? {})) {
    for (const [key, v] of Object.entries(kv))
      if (v !== undefined) put(group, key, v, 'command line')
  }

  // 2–3. defaults, then typed values
  const values = new Map<string, Record<string, unknown>>()
  const sources = new Map<string, string>()
  for (const g of groups) {
    const out: Record<string, unknown> = {}
    for (const [key, o] of Object.entries(g.options)) {
      const r = raw.get(g.name)?.get(key)
      if (r === undefined) {
        out[key] = o.default
        sources.set(`${g.name}.${key}`, 'default')
        continue
      }
      try {
        out[key] = parseValue(o, r.value)
      } catch (err) {
        throw new ConfigError(
          `${r.source}: invalid value for [${g.name}] ${key}: ${(err as Error).message}`,
        )
      }
      sources.set(`${g.name}.${key}`, r.source)
    }
    values.set(g.name, out)
  }
  // 4. frozen
  return new Config(groups, values, sources, options.file)
}
