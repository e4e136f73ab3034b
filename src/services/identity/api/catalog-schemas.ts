/**
 * Request schemas of the catalog, policy and consumer APIs, after Keystone's
 * catalog/schema.py, policy/schema.py and oauth1/schema.py. Unknown
 * attributes are allowed: Keystone stores them as extras.
 */
import { Type, type TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { FastifySchemaCompiler } from 'fastify'
import { ValidationError } from '../../../common/errors.js'

/**
 * Validates without coercion, as Keystone's jsonschema does. NOTE: the app's
 * Ajv coerces types, which would turn `"True"` into `true` and `5` into
 * `"5"`; tempest test_endpoints_negative wants 400 for string booleans.
 * Set on each of our (encapsulated) plugins with app.setValidatorCompiler.
 */
export const strictValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema }) => {
  const check = TypeCompiler.Compile(schema)
  return (data: unknown) => {
    if (check.Check(data)) return { value: data }
    const e = check.Errors(data).First()
    const field = e?.path.split('/').filter(Boolean).pop() ?? 'body'
    return {
      error: new ValidationError(
        `Invalid input for field '${field}': ${e?.message ?? 'invalid value'}.`,
      ),
    }
  }
}

const StrictBoolean = Type.Boolean()
const NullableString = (options: object = {}): TSchema =>
  Type.Union([Type.String(options), Type.Null()])

const Name = Type.String({ minLength: 1, maxLength: 255, pattern: '[\\S]+' })
const Url = Type.String({ maxLength: 225, pattern: '^[a-zA-Z0-9+.-]+:.+' })
const Interface = Type.Union([
  Type.Literal('admin'),
  Type.Literal('internal'),
  Type.Literal('public'),
])

const regionProps = {
  id: Type.Optional(Type.String({ maxLength: 255 })),
  description: Type.Optional(NullableString()),
  parent_region_id: Type.Optional(NullableString({ maxLength: 255 })),
}
export const RegionCreate = Type.Object({ region: Type.Object(regionProps) })
export const RegionUpdate = Type.Object({ region: Type.Object(regionProps, { minProperties: 1 }) })

const serviceProps = {
  enabled: Type.Optional(StrictBoolean),
  name: Type.Optional(Name),
  type: Type.String({ minLength: 1, maxLength: 255 }),
}
export const ServiceCreate = Type.Object({ service: Type.Object(serviceProps) })
export const ServiceUpdate = Type.Object({
  service: Type.Object(
    { ...serviceProps, type: Type.Optional(serviceProps.type) },
    { minProperties: 1 },
  ),
})

const endpointProps = {
  enabled: Type.Optional(StrictBoolean),
  interface: Interface,
  region_id: Type.Optional(Type.String()),
  region: Type.Optional(Type.String()),
  service_id: Type.String(),
  url: Url,
}
export const EndpointCreate = Type.Object({ endpoint: Type.Object(endpointProps) })
export const EndpointUpdate = Type.Object({
  endpoint: Type.Object(
    {
      ...endpointProps,
      interface: Type.Optional(Interface),
      service_id: Type.Optional(Type.String()),
      url: Type.Optional(Url),
    },
    { minProperties: 1 },
  ),
})

const endpointGroupProps = {
  description: Type.Optional(NullableString()),
  filters: Type.Record(Type.String(), Type.Unknown()),
  name: Name,
}
export const EndpointGroupCreate = Type.Object({ endpoint_group: Type.Object(endpointGroupProps) })
export const EndpointGroupUpdate = Type.Object({
  endpoint_group: Type.Object(
    {
      ...endpointGroupProps,
      filters: Type.Optional(endpointGroupProps.filters),
      name: Type.Optional(Name),
    },
    { minProperties: 1 },
  ),
})

const policyProps = { blob: Type.String(), type: Type.String({ maxLength: 255 }) }
export const PolicyCreate = Type.Object({ policy: Type.Object(policyProps) })
export const PolicyUpdate = Type.Object({
  policy: Type.Object(
    { blob: Type.Optional(policyProps.blob), type: Type.Optional(policyProps.type) },
    { minProperties: 1 },
  ),
})

export const ConsumerUpdate = Type.Object({
  consumer: Type.Object({ description: Type.Optional(NullableString()) }, { minProperties: 1 }),
})
