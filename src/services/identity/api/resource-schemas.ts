import { Type, type TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { ValueErrorType } from '@sinclair/typebox/errors'
import type { FastifySchema, FastifySchemaCompiler } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'

/**
 * Request bodies of the resource API (domains, projects, tags), transcribed
 * from keystone/resource/schema.py.
 */

const name = Type.String({ minLength: 1, maxLength: 64, pattern: '[\\S]+' })
const nullableString = Type.Union([Type.String(), Type.Null()])
const idString = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' })

/** A tag: 1..255 characters, no ',' or '/' (API-WG tags guideline). */
const tagSchema = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^,/]*$' })
const tagListSchema = Type.Array(tagSchema, { maxItems: 80, uniqueItems: true })

/** Resource options (only `immutable` exists); null resets an option. */
const options = Type.Object(
  { immutable: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])) },
  { additionalProperties: false },
)

const projectProps = {
  description: Type.Optional(nullableString),
  domain_id: Type.Optional(Type.Union([idString, Type.Null()])),
  enabled: Type.Optional(Type.Boolean()),
  is_domain: Type.Optional(Type.Boolean()),
  parent_id: Type.Optional(Type.Union([idString, Type.Null()])),
  tags: Type.Optional(tagListSchema),
  options: Type.Optional(options),
}

export const projectCreateBody = Type.Object({
  project: Type.Object({ ...projectProps, name }, { additionalProperties: true }),
})
export const projectUpdateBody = Type.Object({
  project: Type.Object(
    { ...projectProps, name: Type.Optional(name) },
    { additionalProperties: true, minProperties: 1 },
  ),
})

const domainProps = {
  description: Type.Optional(nullableString),
  enabled: Type.Optional(Type.Boolean()),
  tags: Type.Optional(tagListSchema),
  options: Type.Optional(options),
  explicit_domain_id: Type.Optional(Type.String()),
}

export const domainCreateBody = Type.Object({
  domain: Type.Object({ ...domainProps, name }, { additionalProperties: true }),
})
export const domainUpdateBody = Type.Object({
  domain: Type.Object(
    { ...domainProps, name: Type.Optional(name) },
    { additionalProperties: true, minProperties: 1 },
  ),
})

export const tagsBody = Type.Object({ tags: tagListSchema })

/**
 * Validates a body exactly as jsonschema does in Keystone: no type coercion
 * (the app-wide Ajv coerces, which would let `"enabled": "yes"` through), and
 * Keystone's message shape: `Invalid input for field 'name': …`.
 */
export const strictBody: FastifySchemaCompiler<FastifySchema> = ({ schema }) => {
  // Only TypeBox schemas reach here (the body schemas of this module).
  const check = TypeCompiler.Compile(schema as TSchema)
  return (data: unknown) => {
    if (check.Check(data)) return { value: data }
    const first = check.Errors(data).First()
    const path = (first?.path ?? '').split('/').filter((s) => s !== '')
    // Keystone validates the member object, so its paths start below `project`/`domain`.
    const field = path.slice(1).join('/')
    let message: string
    if (first === undefined) message = 'Invalid input'
    else if (first.type === ValueErrorType.ObjectRequiredProperty)
      message = `'${path.at(-1) ?? ''}' is a required property`
    else if (field === '') message = first.message
    else message = `Invalid input for field '${field}': ${first.message}`
    return { error: new BadRequestError(message) }
  }
}
