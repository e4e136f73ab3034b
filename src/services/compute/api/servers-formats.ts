import { isIP } from 'node:net'
import { BadRequestError } from '../../../common/errors.js'

/**
 * Nova's JSON-schema formats that Ajv does not check here (nova/api/validation/
 * validators.py): name, uuid, ipv4/ipv6, base64. Failures read like Nova's.
 */

const UUID_RE =
  /^\{?(urn:uuid:)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i

/** oslo uuidutils.is_uuid_like. */
export function isUuidLike(v: string): boolean {
  return UUID_RE.test(v)
}

export function invalidField(field: string, detail: string): BadRequestError {
  return new BadRequestError(`Invalid input for field/attribute ${field}. Value: ${detail}`)
}

// Printable: no control/format/unassigned characters and no line/paragraph separators.
const NON_PRINTABLE = /[\p{C}\p{Zl}\p{Zp}]/u

/** Nova's 'name' format: printable characters, not starting or ending with whitespace. */
export function checkName(field: string, v: string): void {
  if (NON_PRINTABLE.test(v) || /^\s|\s$/u.test(v))
    throw invalidField(
      field,
      `${v}. '${v}' is not a 'name': printable characters. Can not start or end with whitespace.`,
    )
}

/** Nova's description: printable characters (whitespace anywhere allowed). */
export function checkDescription(field: string, v: string): void {
  if (NON_PRINTABLE.test(v))
    throw invalidField(field, `${v}. '${v}' does not match the printable-characters pattern`)
}

export function checkUuid(field: string, v: string): void {
  if (!isUuidLike(v)) throw invalidField(field, `${v}. '${v}' is not a 'uuid'`)
}

export function checkIp(field: string, v: string, version?: 4 | 6): void {
  const got = isIP(v)
  if (got === 0 || (version !== undefined && got !== version))
    throw invalidField(field, `${v}. '${v}' is not a '${version ? `ipv${version}` : 'ip address'}'`)
}

/** base64.decodebytes accepts it (whitespace ignored, padding required). */
export function checkBase64(field: string, v: string): void {
  const s = v.replace(/\s+/g, '')
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s))
    throw invalidField(field, `${v}. '${v}' is not a 'base64'`)
}
