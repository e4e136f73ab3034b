import { PayloadTooLargeError } from '../../common/errors.js'
import type { ImageContext } from './image-context.js'

/** Property names in this namespace belong to Glance itself (import locks and progress). */
export const RESERVED_PREFIX = 'os_glance'

/** Internal properties never shown to clients. */
export const HIDDEN_PROPERTIES = new Set(['os_glance_stage_host', 'os_glance_import_task'])

/** Glance's ImagePropertyLimitExceeded (413). */
export function checkProperties(ctx: ImageContext, attempted: number): void {
  const max = ctx.config.image.image_property_quota
  if (max >= 0 && attempted > max) {
    throw new PayloadTooLargeError(
      `The limit has been exceeded on the number of allowed image properties. Attempted: ${attempted}, Maximum: ${max}`,
    )
  }
}

/** Glance's ImageTagLimitExceeded (413). */
export function checkTags(ctx: ImageContext, attempted: number): void {
  const max = ctx.config.image.image_tag_quota
  if (max >= 0 && attempted > max) {
    throw new PayloadTooLargeError(
      `The limit has been exceeded on the number of allowed image tags. Attempted: ${attempted}, Maximum: ${max}`,
    )
  }
}

/** Glance's ImageLocationLimitExceeded (413). */
export function checkLocations(ctx: ImageContext, attempted: number): void {
  const max = ctx.config.image.image_location_quota
  if (max >= 0 && attempted > max) {
    throw new PayloadTooLargeError(
      `The limit has been exceeded on the number of allowed image locations. Attempted: ${attempted}, Maximum: ${max}`,
    )
  }
}
