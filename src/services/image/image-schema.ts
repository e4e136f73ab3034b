import { BadRequestError } from '../../common/errors.js'
import { customImageProperties, imageBaseProperties } from './schemas-data.js'
import { validate, type JsonSchema } from './json-schema.js'

/** Glance's image schema for the configured formats (PermissiveSchema: extra properties are strings). */
export function imageSchema(formats: {
  disk: readonly string[]
  container: readonly string[]
}): JsonSchema {
  const properties: Record<string, Record<string, unknown>> = structuredClone({
    ...imageBaseProperties,
    ...customImageProperties,
  })
  properties['disk_format'] = { ...properties['disk_format'], enum: [null, ...formats.disk] }
  properties['container_format'] = {
    ...properties['container_format'],
    enum: [null, ...formats.container],
  }
  return {
    name: 'image',
    properties,
    additionalProperties: { type: 'string' },
    links: [
      { rel: 'self', href: '{self}' },
      { rel: 'enclosure', href: '{file}' },
      { rel: 'describedby', href: '{schema}' },
    ],
  }
}

/** The collection schema (GET /v2/schemas/images). */
export function imagesSchema(image: JsonSchema): JsonSchema {
  return {
    name: 'images',
    properties: {
      images: { type: 'array', items: image },
      first: { type: 'string' },
      next: { type: 'string' },
      schema: { type: 'string' },
    },
    links: [
      { rel: 'first', href: '{first}' },
      { rel: 'next', href: '{next}' },
      { rel: 'describedby', href: '{schema}' },
    ],
  }
}

/** 400 with Glance's InvalidObject wording when `obj` does not match the image schema. */
export function assertImageValid(schema: JsonSchema, obj: Record<string, unknown>): void {
  const err = validate(obj, schema)
  if (err) throw new BadRequestError(`Provided object does not match schema 'image': ${err}`)
}
