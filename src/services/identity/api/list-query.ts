import type { Static, TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { ValidationError } from '../../../common/errors.js'

/** A parsed query string as Fastify gives it (repeated keys become arrays). */
export type Query = Record<string, string | string[] | undefined>

/** First value of a query parameter, like Werkzeug's `request.args.get`. */
export function queryValue(q: Query, key: string): string | undefined {
  const v = q[key]
  return Array.isArray(v) ? v[0] : v
}

/** oslo's bool_from_string(default=True): only the false words are false. */
export function boolFromString(v: string): boolean {
  return !['f', 'false', 'n', 'no', 'off', '0'].includes(v.trim().toLowerCase())
}

export interface InexactFilter {
  readonly name: string
  readonly comparator: string
  readonly caseSensitive: boolean
  readonly value: string
}

/** `name__contains=x`, `name__istartswith=x`, … for the supported attributes. */
export function inexactFilters(q: Query, supported: readonly string[]): InexactFilter[] {
  const out: InexactFilter[] = []
  for (const key of Object.keys(q)) {
    const i = key.indexOf('__')
    if (i <= 0 || !supported.includes(key.slice(0, i))) continue
    const value = queryValue(q, key)
    if (value === undefined) continue
    let comparator = key.slice(i + 2)
    const caseSensitive = !comparator.startsWith('i')
    if (!caseSensitive) comparator = comparator.slice(1)
    out.push({ name: key.slice(0, i), comparator, caseSensitive, value })
  }
  return out
}

/** Keystone's `_inexact_attr_match`: unknown comparators match everything, missing attributes nothing. */
export function matchesInexact(
  ref: Record<string, unknown>,
  filters: readonly InexactFilter[],
): boolean {
  return filters.every((f) => {
    const raw = ref[f.name]
    if (typeof raw !== 'string') return false
    const target = f.caseSensitive ? raw : raw.toLowerCase()
    const value = f.caseSensitive ? f.value : f.value.toLowerCase()
    if (f.comparator === 'contains') return target.includes(value)
    if (f.comparator === 'startswith') return target.startsWith(value)
    if (f.comparator === 'endswith') return target.endsWith(value)
    return true
  })
}

/**
 * Compiles a TypeBox schema into a checker for one member of a request body
 * (`{"user": {...}}` → the inner object). Runs inside the handler, after the
 * policy check, as Keystone's lazy_validate does.
 *
 * NOTE: the app's Ajv coerces types (`"yes"` → true, 5 → "5"); Keystone's
 * jsonschema never does, so these bodies are checked by TypeBox instead.
 */
export function bodyMember<T extends TSchema>(
  key: string,
  schema: T,
): (body: unknown) => Static<T> {
  const check = TypeCompiler.Compile(schema)
  return (body) => {
    const value =
      typeof body === 'object' && body !== null && key in body
        ? (body as Record<string, unknown>)[key]
        : {}
    if (check.Check(value)) return value
    const first = check.Errors(value).First()
    const field = first?.path ? first.path.replace(/^\//, '').replaceAll('/', '.') : key
    throw new ValidationError(
      `Invalid input for field '${field}': ${first?.message ?? 'invalid value'}`,
    )
  }
}
