import { BadRequestError } from '../../common/errors.js'

/**
 * OS-DCF:diskConfig, Nova's instance.auto_disk_config: AUTO lets the guest's
 * root partition grow to the flavor's disk. Nubis keeps it in the instance's
 * system_metadata under DISK_CONFIG_KEY (absent means MANUAL). Create, update,
 * rebuild and resize set it; the server views show it.
 */
export type DiskConfig = 'AUTO' | 'MANUAL'

export const DISK_CONFIG_KEY = 'disk_config'

function parseSysMeta(text: string | null | undefined): Record<string, string> {
  if (!text) return {}
  try {
    const v = JSON.parse(text) as unknown
    return v !== null && typeof v === 'object' ? (v as Record<string, string>) : {}
  } catch {
    return {}
  }
}

/** The diskConfig of an instance row (MANUAL unless AUTO was stored). */
export function diskConfigOf(row: { readonly system_metadata: string | null }): DiskConfig {
  return parseSysMeta(row.system_metadata)[DISK_CONFIG_KEY] === 'AUTO' ? 'AUTO' : 'MANUAL'
}

/** System metadata with diskConfig set to `value` (a new object). */
export function withDiskConfig(
  sysmeta: Readonly<Record<string, string>>,
  value: DiskConfig,
): Record<string, string> {
  return { ...sysmeta, [DISK_CONFIG_KEY]: value }
}

/** The system_metadata column text of `row` with diskConfig set to `value`. */
export function sysMetaWithDiskConfig(
  row: { readonly system_metadata: string | null },
  value: DiskConfig,
): string {
  return JSON.stringify(withDiskConfig(parseSysMeta(row.system_metadata), value))
}

/** oslo strutils.bool_from_string (non-strict): anything else is false. */
function truthy(v: string): boolean {
  return ['1', 't', 'true', 'on', 'y', 'yes'].includes(v.trim().toLowerCase())
}

/**
 * The diskConfig of a server booted from an image with `properties`
 * (nova/compute/api.py _inherit_properties_from_image): the request's value,
 * else the image's auto_disk_config property; AUTO on an image whose property
 * is "disabled" is a 400 AutoDiskConfigDisabledByImage.
 */
export function diskConfigForImage(
  requested: DiskConfig | undefined,
  image: { readonly id: string; readonly properties: Readonly<Record<string, string>> } | undefined,
): DiskConfig {
  const fromImage = image?.properties['auto_disk_config']
  if (requested === 'AUTO' && fromImage?.trim().toLowerCase() === 'disabled')
    throw new BadRequestError(
      `Requested image ${image?.id ?? ''} has automatic disk resize disabled.`,
      { type: 'AutoDiskConfigDisabledByImage' },
    )
  if (requested !== undefined) return requested
  return fromImage !== undefined && truthy(fromImage) ? 'AUTO' : 'MANUAL'
}
