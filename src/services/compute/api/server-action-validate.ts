import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import type { TSchema } from '@sinclair/typebox'
import { ValidationError } from '../../../common/errors.js'

const ajv = new Ajv({ coerceTypes: false, useDefaults: true, allErrors: false, strict: false })
const cache = new WeakMap<object, ValidateFunction>()

/** Validates an action value the way Nova's jsonschema validation words its 400s. */
export function validateActionValue(action: string, schema: TSchema, value: unknown): void {
  let fn = cache.get(schema)
  if (!fn) {
    fn = ajv.compile(schema)
    cache.set(schema, fn)
  }
  if (fn(value)) return
  throw new ValidationError(describe(action, fn.errors?.[0], value))
}

function describe(action: string, err: ErrorObject | undefined, value: unknown): string {
  if (!err) return 'Invalid input'
  if (err.keyword === 'additionalProperties') {
    const extra = String((err.params as { additionalProperty?: string }).additionalProperty)
    return `Additional properties are not allowed ('${extra}' was unexpected)`
  }
  if (err.keyword === 'required') {
    const missing = String((err.params as { missingProperty?: string }).missingProperty)
    return `Invalid input for field/attribute ${action}. Value: ${JSON.stringify(value)}. '${missing}' is a required property`
  }
  const path = [action, ...err.instancePath.split('/').filter(Boolean)].join('/')
  const at = err.instancePath
    .split('/')
    .filter(Boolean)
    .reduce<unknown>(
      (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
      value,
    )
  return `Invalid input for field/attribute ${path}. Value: ${JSON.stringify(at) ?? 'None'}. ${err.message ?? 'is invalid'}`
}
