import { randomUUID } from 'node:crypto'
import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError, ForbiddenError } from '../../common/errors.js'
import * as images from '../../db/repositories/image/images.js'
import type { ImageRecord } from '../../db/repositories/image/rows.js'
import { getTask, insertTask } from '../../db/repositories/image/tasks.js'
import type { ImageContext } from './image-context.js'
import { enforceModify, isAdmin } from './image-policy.js'
import { loadVisible } from './images-service.js'
import { runImport, type ImportJob } from './import-flow.js'
import { checkWebDownloadUrl } from './import-sources.js'

/** An import task that has not updated its record for this long is presumed dead (its process stopped). */
const LOCK_STALE_MS = 60 * 60 * 1000

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i

/** The import request body after Glance's _validate_import_body. */
export interface ImportRequest {
  readonly method: Readonly<Record<string, unknown>> & { readonly name: string }
  readonly stores?: readonly string[]
  readonly allStores: boolean
  readonly allStoresMustSucceed: boolean
  /** Nubis: convert to this disk format during import (else [image_conversion] output_format). */
  readonly targetFormat?: string | undefined
  readonly raw: Readonly<Record<string, unknown>>
}

/** Checks the body shape (400s) before the image is looked at. */
export function parseImportBody(ctx: ImageContext, body: unknown): ImportRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadRequestError('Body expected in request.')
  const b = body as Record<string, unknown>
  const method = b['method']
  if (typeof method !== 'object' || method === null)
    throw new BadRequestError("Import request requires a 'method' field.")
  const name = (method as Record<string, unknown>)['name']
  if (name === undefined) throw new BadRequestError("Import request requires a 'name' field.")
  if (typeof name !== 'string' || !ctx.config.image.enabled_import_methods.includes(name)) {
    throw new BadRequestError(
      `Unknown import method name '${typeof name === 'string' ? name : JSON.stringify(name)}'.`,
    )
  }
  const mustSucceed = b['all_stores_must_succeed'] ?? true
  if (typeof mustSucceed !== 'boolean')
    throw new BadRequestError("'all_stores_must_succeed' must be boolean value only")
  const allStores = b['all_stores'] ?? false
  if (typeof allStores !== 'boolean')
    throw new BadRequestError("'all_stores' must be boolean value only")
  const stores = b['stores']
  if (
    stores !== undefined &&
    (!Array.isArray(stores) || stores.some((s) => typeof s !== 'string'))
  ) {
    throw new BadRequestError("'stores' must be a list of store identifiers")
  }
  if (stores !== undefined && allStores)
    throw new BadRequestError(
      "All_stores parameter can't be used with x-image-meta-store header or stores parameter",
    )
  const target = b['target_format']
  if (
    target !== undefined &&
    (typeof target !== 'string' || !ctx.config.image.disk_formats.includes(target))
  ) {
    throw new BadRequestError(`Invalid target_format ${JSON.stringify(target)}`)
  }
  return {
    method: method as ImportRequest['method'],
    ...(stores !== undefined ? { stores: stores as string[] } : {}),
    allStores,
    allStoresMustSucceed: mustSucceed,
    targetFormat: target,
    raw: b,
  }
}

function checkStatus(image: ImageRecord, method: string): void {
  if (image.status === 'active' && method !== 'copy-image')
    throw new ConflictError('Image with status active cannot be target for import')
  if (image.status !== 'active' && method === 'copy-image')
    throw new ConflictError('Only images with status active can be targeted for copying')
  if (image.status !== 'queued' && (method === 'web-download' || method === 'glance-download')) {
    throw new ConflictError(`Image needs to be in 'queued' state to use '${method}' method`)
  }
  if (image.status !== 'uploading' && method === 'glance-direct') {
    throw new ConflictError("Image needs to be staged before 'glance-direct' method can be used")
  }
  if (!image.containerFormat)
    throw new ConflictError("'container_format' needs to be set before import")
  if (!image.diskFormat) throw new ConflictError("'disk_format' needs to be set before import")
}

/** Which stores to import into (Glance's get_stores_from_request + copy-image pruning). */
function targetStores(
  ctx: ImageContext,
  image: ImageRecord,
  req: ImportRequest,
  copy: boolean,
): string[] {
  let ids: string[]
  if (req.stores) {
    for (const id of req.stores) {
      const s = ctx.stores.find(id)
      if (!s || s.readOnly) throw new ConflictError(`Store for scheme ${id} not found`)
    }
    // Imported (and so listed in `stores`) in id order, whatever order the request gave.
    ids = [...new Set(req.stores)].sort()
  } else if (req.allStores) {
    ids = ctx.stores.writable().map((s) => s.id)
  } else {
    ids = [ctx.stores.default.id]
  }
  if (!copy) return ids
  const present = new Set(image.locations.map((l) => l.metadata['store']))
  if (!req.allStores) {
    for (const id of ids)
      if (present.has(id)) throw new BadRequestError(`Image is already present at store '${id}'`)
  }
  return ids.filter((id) => !present.has(id))
}

/** POST /v2/images/{id}/import: validates, takes the import lock, records the task and runs it in the background. */
export async function importImage(
  ctx: ImageContext,
  auth: AuthContext,
  id: string,
  req: ImportRequest,
  meta: { requestId: string; token: string | undefined },
): Promise<void> {
  const method = req.method.name
  const image = await loadVisible(ctx, auth, id)
  checkStatus(image, method)
  if (method === 'glance-download') {
    if (!('glance_region' in req.method))
      throw new BadRequestError("'glance_region' needs to be set for glance-download import method")
    if (!('glance_image_id' in req.method))
      throw new BadRequestError(
        "'glance_image_id' needs to be set for glance-download import method",
      )
    if (!UUID.test(String(req.method['glance_image_id']))) {
      throw new BadRequestError(
        `Remote image id does not look like a UUID: ${String(req.method['glance_image_id'])}`,
      )
    }
  }
  if (method === 'copy-image') {
    if (!isAdmin(auth))
      throw new ForbiddenError('You are not authorized to complete copy_image action.')
  } else {
    enforceModify(auth, image)
  }
  if (method === 'web-download') checkWebDownloadUrl(ctx, req.method['uri'])
  const lock = image.properties['os_glance_import_task']
  if (lock) {
    const holder = await getTask(ctx.db, lock)
    // Glance busts a lock whose task stopped making progress; tasks of this process are live by definition.
    const stale =
      !holder ||
      !['pending', 'processing'].includes(holder.status) ||
      Date.now() - Date.parse(holder.updatedAt) > LOCK_STALE_MS
    if (ctx.runningTasks.has(lock) || !stale) {
      throw new ConflictError(
        `Image ${id} could not be imported because it is locked by task ${lock}`,
      )
    }
    await images.changeProperties(ctx.db, id, {}, ['os_glance_import_task'])
  }
  const stores = targetStores(ctx, image, req, method === 'copy-image')
  if (method === 'copy-image' && stores.length === 0) return
  const taskId = randomUUID()
  if (!(await images.setPropertyIfAbsent(ctx.db, id, 'os_glance_import_task', taskId))) {
    throw new ConflictError(
      `New operation on image '${id}' is not permitted as prior operation is still in progress`,
    )
  }
  await insertTask(ctx.db, {
    id: taskId,
    type: 'api_image_import',
    owner: image.owner,
    userId: auth.userId,
    requestId: meta.requestId,
    imageId: id,
    input: { image_id: id, import_req: req.raw, backend: stores },
  })
  await images.changeProperties(
    ctx.db,
    id,
    { os_glance_importing_to_stores: stores.join(','), os_glance_failed_import: '' },
    [],
  )
  const job: ImportJob = {
    taskId,
    imageId: id,
    method,
    request: req,
    stores,
    token: meta.token,
    admin: isAdmin(auth),
  }
  ctx.runningTasks.add(taskId)
  ctx.background.spawn(`import ${id}`, async () => {
    try {
      await runImport(ctx, job)
    } finally {
      ctx.runningTasks.delete(taskId)
    }
  })
}
