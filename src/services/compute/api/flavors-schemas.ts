/** Request bodies of the flavor APIs, after nova/api/openstack/compute/schemas/flavor*.py. */

/** Printable, no leading or trailing whitespace (Nova's 'name' format). */
export const NAME_PATTERN = '^(?!\\s)[^\\x00-\\x1f\\x7f]*(?<!\\s)$'
/** Printable (Nova's valid_description_regex). */
const DESCRIPTION_PATTERN = '^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$'

export const nameSchema = { type: 'string', minLength: 1, maxLength: 255, pattern: NAME_PATTERN }

const flavorInt = (minimum: number) => ({
  type: ['integer', 'string'],
  pattern: '^[0-9]+$',
  minimum,
  maximum: 2147483647,
})

/** Nova's parameter_types.boolean: JSON booleans and the usual strings. */
export const booleanSchema = {
  type: ['boolean', 'string'],
  enum: [
    true,
    'True',
    'TRUE',
    'true',
    '1',
    'ON',
    'On',
    'on',
    'YES',
    'Yes',
    'yes',
    false,
    'False',
    'FALSE',
    'false',
    '0',
    'OFF',
    'Off',
    'off',
    'NO',
    'No',
    'no',
  ],
}

const flavorDescription = {
  type: ['string', 'null'],
  minLength: 0,
  maxLength: 65535,
  pattern: DESCRIPTION_PATTERN,
}

function flavorCreate(withDescription: boolean): object {
  return {
    type: 'object',
    properties: {
      flavor: {
        type: 'object',
        properties: {
          name: nameSchema,
          id: {
            type: ['string', 'number', 'null'],
            minLength: 1,
            maxLength: 255,
            pattern: '^(?! )[a-zA-Z0-9. _-]+(?<! )$',
          },
          ram: flavorInt(1),
          vcpus: flavorInt(1),
          disk: flavorInt(0),
          'OS-FLV-EXT-DATA:ephemeral': flavorInt(0),
          swap: flavorInt(0),
          rxtx_factor: {
            type: ['number', 'string'],
            pattern: '^[0-9]+(\\.[0-9]+)?$',
            exclusiveMinimum: 0,
            maximum: 3.40282e38,
          },
          'os-flavor-access:is_public': booleanSchema,
          ...(withDescription ? { description: flavorDescription } : {}),
        },
        required: ['name', 'ram', 'vcpus', 'disk'],
        additionalProperties: false,
      },
    },
    required: ['flavor'],
    additionalProperties: false,
  }
}

export const flavorCreateBody255 = flavorCreate(true)

export const flavorUpdateBody = {
  type: 'object',
  properties: {
    flavor: {
      type: 'object',
      properties: { description: flavorDescription },
      required: ['description'],
      additionalProperties: false,
    },
  },
  required: ['flavor'],
  additionalProperties: false,
}

const SPEC_KEY = '^[a-zA-Z0-9-_:. ]{1,255}$'
const specValue = { type: ['string', 'number'], maxLength: 255 }

export const extraSpecsCreateBody = {
  type: 'object',
  properties: {
    extra_specs: {
      type: 'object',
      patternProperties: { [SPEC_KEY]: specValue },
      additionalProperties: false,
    },
  },
  required: ['extra_specs'],
  additionalProperties: false,
}

export const extraSpecUpdateBody = {
  type: 'object',
  patternProperties: { [SPEC_KEY]: specValue },
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
}

const tenantAction = (action: string) => ({
  type: 'object',
  properties: {
    [action]: {
      type: 'object',
      properties: { tenant: { type: 'string', minLength: 1, maxLength: 255 } },
      required: ['tenant'],
      additionalProperties: false,
    },
  },
  required: [action],
  additionalProperties: false,
})

export const addTenantAccessBody = tenantAction('addTenantAccess')
export const removeTenantAccessBody = tenantAction('removeTenantAccess')
