import type { AuthContext } from '../../common/auth-context.js'
import { ForbiddenError } from '../../common/errors.js'
import * as images from '../../db/repositories/image/images.js'
import type { ImageContext } from './image-context.js'
import { isAdmin, projectOf } from './image-policy.js'

/** GET /v2/info/import. */
export function importInfo(ctx: ImageContext): Record<string, unknown> {
  return {
    'import-methods': {
      description: 'Import methods available.',
      type: 'array',
      value: [...ctx.config.image.enabled_import_methods],
    },
  }
}

/** GET /v2/info/stores (and /detail for admins: type and properties). */
export function storesInfo(
  ctx: ImageContext,
  auth: AuthContext,
  detail: boolean,
): { stores: Record<string, unknown>[] } {
  if (detail && !isAdmin(auth))
    throw new ForbiddenError('You are not authorized to complete stores_info_detail action.')
  return {
    stores: ctx.stores.all().map((s) => ({
      id: s.id,
      ...(s === ctx.stores.default ? { default: 'true' } : {}),
      ...(s.readOnly ? { 'read-only': 'true' } : {}),
      ...(detail ? { type: s.type, properties: {} } : {}),
    })),
  }
}

const MiB = 1024 * 1024

/** GET /v2/info/usage: the caller's project against its quotas (Glance reports MiB). */
export async function usageInfo(
  ctx: ImageContext,
  auth: AuthContext,
): Promise<Record<string, unknown>> {
  const project = projectOf(auth)
  const u = project ? await images.usageOf(ctx.db, project) : { count: 0, bytes: 0 }
  const cfg = ctx.config.image
  return {
    usage: {
      image_size_total: {
        limit: ctx.storageQuota > 0 ? Math.floor(ctx.storageQuota / MiB) : -1,
        usage: Math.floor(u.bytes / MiB),
      },
      image_stage_total: { limit: -1, usage: 0 },
      image_count_total: { limit: cfg.image_count_quota, usage: u.count },
      image_count_uploading: { limit: -1, usage: 0 },
    },
  }
}
