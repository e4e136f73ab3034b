import { BadRequestError } from '../../../common/errors.js'

const bad = (msg: string): BadRequestError => new BadRequestError(msg, { type: 'HTTPBadRequest' })

function asObject(x: unknown): Record<string, unknown> {
  if (!x || typeof x !== 'object' || Array.isArray(x)) throw bad('Body contains invalid data')
  return x as Record<string, unknown>
}

/**
 * A POST body as Neutron takes it: `{"port": {…}}` or bulk `{"ports": [{…}, …]}`
 * (items may also be wrapped as `{"port": {…}}`).
 */
export function createBodies(
  body: unknown,
  one: string,
  many: string,
): { items: Record<string, unknown>[]; bulk: boolean } {
  if (body === undefined || body === null || body === '') throw bad('Resource body required')
  const b = asObject(body)
  if (many in b) {
    const list = b[many]
    if (!Array.isArray(list)) throw bad('Body contains invalid data')
    if (list.length === 0) throw bad('Resources required')
    return {
      items: list.map((x) =>
        asObject(x && typeof x === 'object' && one in x ? (x as Record<string, unknown>)[one] : x),
      ),
      bulk: true,
    }
  }
  if (!(one in b) || b[one] === null) throw bad(`Unable to find '${one}' in request body`)
  return { items: [asObject(b[one])], bulk: false }
}

/** A PUT body: `{"port": {…}}`. */
export function updateBody(body: unknown, one: string): Record<string, unknown> {
  if (body === undefined || body === null || body === '') throw bad('Resource body required')
  const b = asObject(body)
  if (!(one in b) || b[one] === null) throw bad(`Unable to find '${one}' in request body`)
  return asObject(b[one])
}
