import { invalidField } from './servers-formats.js'
import { unexpected } from './servers-create-input.js'

/**
 * `trusted_image_certificates` (microversion 2.63) on create and rebuild:
 * null or 1–50 unique non-empty certificate ids (Nova's
 * parameter_types.trusted_certs). Nubis stores and shows them; like Nova
 * with `[glance] verify_glance_signatures = False` (its default), no driver
 * verifies image signatures against them — there is no key manager here.
 */
export function parseTrustedCerts(value: unknown, mv: number): string[] | null | undefined {
  if (value === undefined) return undefined
  if (mv < 63) throw unexpected('trusted_image_certificates')
  if (value === null) return null
  const field = 'trusted_image_certificates'
  if (!Array.isArray(value))
    throw invalidField(
      field,
      `${JSON.stringify(value)}. ${JSON.stringify(value)} is not of type 'array', 'null'`,
    )
  if (value.length < 1) throw invalidField(field, '[]. [] is too short')
  if (value.length > 50) throw invalidField(field, `${value.length} items. The list is too long`)
  for (const c of value)
    if (typeof c !== 'string' || c.length < 1)
      throw invalidField(
        field,
        `${JSON.stringify(c)}. ${JSON.stringify(c)} is not a non-empty string`,
      )
  if (new Set(value).size !== value.length)
    throw invalidField(
      field,
      `${JSON.stringify(value)}. ${JSON.stringify(value)} has non-unique elements`,
    )
  return value as string[]
}
