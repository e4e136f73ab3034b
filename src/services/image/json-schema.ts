/**
 * The small part of JSON Schema (draft 4) Glance's image and member schemas
 * use: type, enum, maxLength, minLength, pattern, minimum, items, properties,
 * additionalProperties and required. Failures read like python-jsonschema's,
 * which Glance puts in its 400 messages.
 */
export type JsonSchema = Readonly<Record<string, unknown>>

/** Python's repr() of a JSON value, as jsonschema prints it. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None'
  if (v === true) return 'True'
  if (v === false) return 'False'
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  if (typeof v === 'number') return String(v)
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
    .join(', ')}}`
}

function typeOk(v: unknown, t: string): boolean {
  switch (t) {
    case 'null':
      return v === null
    case 'string':
      return typeof v === 'string'
    case 'boolean':
      return typeof v === 'boolean'
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v)
    case 'number':
      return typeof v === 'number'
    case 'array':
      return Array.isArray(v)
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v)
    default:
      return true
  }
}

/** Returns the first violation as jsonschema words it, or undefined when `value` is valid. */
export function validate(value: unknown, schema: JsonSchema): string | undefined {
  const type = schema['type']
  if (type !== undefined) {
    const types = Array.isArray(type) ? (type as string[]) : [type as string]
    if (!types.some((t) => typeOk(value, t))) {
      return `${pyRepr(value)} is not of type ${types.map((t) => pyRepr(t)).join(', ')}`
    }
  }
  const en = schema['enum']
  if (Array.isArray(en) && !en.some((e) => e === value || (e === null && value === null))) {
    return `${pyRepr(value)} is not one of ${pyRepr(en)}`
  }
  if (typeof value === 'string') {
    const max = schema['maxLength']
    if (typeof max === 'number' && [...value].length > max) return `${pyRepr(value)} is too long`
    const min = schema['minLength']
    if (typeof min === 'number' && [...value].length < min) return `${pyRepr(value)} is too short`
    const pattern = schema['pattern']
    if (typeof pattern === 'string' && !new RegExp(pattern).test(value)) {
      return `${pyRepr(value)} does not match ${pyRepr(pattern)}`
    }
  }
  if (typeof value === 'number') {
    const minimum = schema['minimum']
    if (typeof minimum === 'number' && value < minimum)
      return `${value} is less than the minimum of ${minimum}`
  }
  if (Array.isArray(value) && schema['items'] && typeof schema['items'] === 'object') {
    for (const item of value) {
      const err = validate(item, schema['items'] as JsonSchema)
      if (err) return err
    }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return validateObject(value as Record<string, unknown>, schema)
  }
  return undefined
}

function validateObject(obj: Record<string, unknown>, schema: JsonSchema): string | undefined {
  const props = (schema['properties'] ?? {}) as Record<string, JsonSchema>
  for (const req of (schema['required'] as string[] | undefined) ?? []) {
    if (!(req in obj)) return `${pyRepr(req)} is a required property`
  }
  const extra = schema['additionalProperties']
  for (const [k, v] of Object.entries(obj)) {
    const ps = props[k]
    if (ps) {
      const err = validate(v, ps)
      if (err) return err
    } else if (extra === false) {
      return `Additional properties are not allowed (${pyRepr(k)} was unexpected)`
    } else if (extra && typeof extra === 'object') {
      const err = validate(v, extra as JsonSchema)
      if (err) return err
    }
  }
  return undefined
}
