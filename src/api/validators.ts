import { Ajv, type ValidateFunction } from 'ajv'
import type { FastifySchemaCompiler } from 'fastify'

/**
 * Request validation. Bodies are checked strictly — OpenStack services never
 * coerce JSON types, so `"enabled": "True"` is a 400, not `true` — while
 * querystrings, params and headers arrive as strings and are coerced
 * (`?limit=10`, `?enabled=false`).
 */
const strict = new Ajv({
  coerceTypes: false,
  useDefaults: true,
  removeAdditional: false,
  allErrors: false,
  strict: false,
})
const coercing = new Ajv({
  coerceTypes: 'array',
  useDefaults: true,
  removeAdditional: false,
  allErrors: false,
  strict: false,
})

const cache = new WeakMap<object, ValidateFunction>()

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strict : coercing
  const key = schema as object
  let fn = httpPart === 'body' ? cache.get(key) : undefined
  if (!fn) {
    fn = ajv.compile(key)
    if (httpPart === 'body') cache.set(key, fn)
  }
  return fn
}
