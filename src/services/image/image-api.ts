import type { Readable } from 'node:stream'
import type { AuthContext } from '../../common/auth-context.js'
import type { ItemTable } from '../../db/repositories/image/metadefs.js'
import {
  listResourceTypes,
  listAssociations,
  listItems,
} from '../../db/repositories/image/metadefs.js'
import type { ImageRecord } from '../../db/repositories/image/rows.js'
import { tasksOfImage, type TaskRecord } from '../../db/repositories/image/tasks.js'
import * as cacheSvc from './cache-service.js'
import type { ImageCache } from './image-cache.js'
import type { ImageContext } from './image-context.js'
import { uploadImage, stageImage } from './image-data-service.js'
import { deleteImage } from './image-delete.js'
import { downloadImage, type Download } from './image-download.js'
import { listImagesFor, type RawQuery } from './image-list-service.js'
import { parsePatch } from './image-patch.js'
import { imagesSchema } from './image-schema.js'
import { updateImage } from './image-update.js'
import * as imagesSvc from './images-service.js'
import { importImage, parseImportBody } from './import-service.js'
import * as info from './info-service.js'
import * as members from './members-service.js'
import { visibleNamespace } from './metadef-access.js'
import * as items from './metadef-items-service.js'
import * as metadefs from './metadef-namespaces-service.js'
import { staticSchemas } from './schemas-data.js'

/**
 * The image service as the API layer sees it (nova's compute/api.py): one
 * method per operation; routes validate, call one of these, render a view.
 */
export class ImageApi {
  constructor(
    readonly ctx: ImageContext,
    readonly cache: ImageCache | undefined,
  ) {}

  // images
  create = (auth: AuthContext, body: unknown): Promise<ImageRecord> =>
    imagesSvc.createImage(this.ctx, auth, body)
  list = (auth: AuthContext, q: RawQuery) => listImagesFor(this.ctx, auth, q)
  show = (auth: AuthContext, id: string): Promise<ImageRecord> =>
    imagesSvc.loadVisible(this.ctx, auth, id)
  update = (
    auth: AuthContext,
    id: string,
    contentType: string | undefined,
    body: unknown,
  ): Promise<ImageRecord> =>
    updateImage(this.ctx, auth, id, parsePatch(contentType, body, this.ctx.schema))
  delete = (auth: AuthContext, id: string): Promise<void> =>
    deleteImage(this.ctx, this.cache, auth, id)
  setActive = (auth: AuthContext, id: string, active: boolean): Promise<void> =>
    imagesSvc.setActivation(this.ctx, auth, id, active)
  addTag = (auth: AuthContext, id: string, tag: string): Promise<void> =>
    imagesSvc.addImageTag(this.ctx, auth, id, tag)
  removeTag = (auth: AuthContext, id: string, tag: string): Promise<void> =>
    imagesSvc.removeImageTag(this.ctx, auth, id, tag)

  // data
  upload = (auth: AuthContext, id: string, data: Readable, store?: string): Promise<void> =>
    uploadImage(this.ctx, auth, id, data, store)
  download = (auth: AuthContext, id: string, range: string | undefined): Promise<Download> =>
    downloadImage(this.ctx, this.cache, auth, id, range)
  stage = (auth: AuthContext, id: string, data: Readable): Promise<void> =>
    stageImage(this.ctx, auth, id, data)
  import = (
    auth: AuthContext,
    id: string,
    body: unknown,
    meta: { requestId: string; token: string | undefined },
  ) => importImage(this.ctx, auth, id, parseImportBody(this.ctx, body), meta)
  async tasks(auth: AuthContext, id: string): Promise<TaskRecord[]> {
    await imagesSvc.loadVisible(this.ctx, auth, id)
    return tasksOfImage(this.ctx.db, id)
  }

  // members
  addMember = (auth: AuthContext, id: string, member: unknown) =>
    members.addMember(this.ctx, auth, id, member)
  listMembers = (auth: AuthContext, id: string) => members.listMembers(this.ctx, auth, id)
  showMember = (auth: AuthContext, id: string, member: string) =>
    members.showMember(this.ctx, auth, id, member)
  updateMember = (auth: AuthContext, id: string, member: string, body: unknown) =>
    members.updateMember(this.ctx, auth, id, member, body)
  removeMember = (auth: AuthContext, id: string, member: string) =>
    members.removeMember(this.ctx, auth, id, member)

  // discovery and schemas
  importInfo = () => info.importInfo(this.ctx)
  storesInfo = (auth: AuthContext, detail: boolean) => info.storesInfo(this.ctx, auth, detail)
  usage = (auth: AuthContext) => info.usageInfo(this.ctx, auth)
  schema(name: string): unknown {
    if (name === 'image') return this.ctx.schema
    if (name === 'images') return imagesSchema(this.ctx.schema)
    return staticSchemas[name]
  }

  // cache
  cacheState = (auth: AuthContext) => cacheSvc.cacheState(this.cache, auth)
  cacheQueue = (auth: AuthContext, id: string) =>
    cacheSvc.queueImage(this.ctx, this.cache, auth, id)
  cacheDelete = (auth: AuthContext, id: string) =>
    cacheSvc.deleteCacheEntry(this.ctx, this.cache, auth, id)
  cacheClear = (auth: AuthContext, target: string) => cacheSvc.clearCache(this.cache, auth, target)

  // metadata definitions
  listNamespaces = (auth: AuthContext, q: Parameters<typeof metadefs.listNamespaces>[2]) =>
    metadefs.listNamespaces(this.ctx, auth, q)
  namespace = (auth: AuthContext, name: string) => metadefs.namespaceDetail(this.ctx, auth, name)
  createNamespace = (auth: AuthContext, body: unknown) =>
    metadefs.createNamespace(this.ctx, auth, body)
  updateNamespace = (auth: AuthContext, name: string, body: unknown) =>
    metadefs.updateNamespace(this.ctx, auth, name, body)
  deleteNamespace = (auth: AuthContext, name: string) =>
    metadefs.deleteNamespace(this.ctx, auth, name)
  async listItems(auth: AuthContext, table: ItemTable, ns: string) {
    await visibleNamespace(this.ctx, auth, ns)
    return listItems(this.ctx.db, table, ns)
  }
  getItem = (auth: AuthContext, t: ItemTable, ns: string, name: string) =>
    items.getItem(this.ctx, auth, t, ns, name)
  createItem = (auth: AuthContext, t: ItemTable, ns: string, body: unknown) =>
    items.createItem(this.ctx, auth, t, ns, body)
  updateItem = (auth: AuthContext, t: ItemTable, ns: string, name: string, body: unknown) =>
    items.updateItem(this.ctx, auth, t, ns, name, body)
  deleteItem = (auth: AuthContext, t: ItemTable, ns: string, name?: string) =>
    items.deleteItem(this.ctx, auth, t, ns, name)
  createTags = (auth: AuthContext, ns: string, body: unknown, append: boolean) =>
    items.createTags(this.ctx, auth, ns, body, append)
  resourceTypes = () => listResourceTypes(this.ctx.db)
  async associations(auth: AuthContext, ns: string) {
    await visibleNamespace(this.ctx, auth, ns)
    return listAssociations(this.ctx.db, ns)
  }
  associate = (auth: AuthContext, ns: string, body: unknown) =>
    items.createAssociation(this.ctx, auth, ns, body)
  dissociate = (auth: AuthContext, ns: string, name: string) =>
    items.deleteAssociation(this.ctx, auth, ns, name)
}
