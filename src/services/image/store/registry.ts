import { join } from 'node:path'
import type { GroupValues } from '../../../config/option.js'
import type { glanceStoreGroup } from '../../../config/groups/image.js'
import type { ImageStore, StoreType } from './store.js'

export type StoreConfig = GroupValues<typeof glanceStoreGroup>

export interface StoreFactoryContext {
  readonly config: StoreConfig
  /** Base directory of file stores. */
  readonly fileDir: string
}

type Factory = (id: string, ctx: StoreFactoryContext) => Promise<ImageStore>

/** Store drivers by type; each loads its module only when configured. */
const FACTORIES: Readonly<Record<string, Factory>> = {
  file: async (id, ctx) =>
    (await import('./file-store.js')).FileStore.create(id, join(ctx.fileDir, id)),
  http: async (id) => new (await import('./http-store.js')).HttpStore(id),
  vsphere: async (id, ctx) => new (await import('./vsphere-store.js')).VsphereStore(id, ctx.config),
}

/** Parses `id:type` entries of enabled_backends, failing fast with the known types. */
export function parseBackends(entries: readonly string[]): { id: string; type: StoreType }[] {
  const seen = new Set<string>()
  return entries.map((e) => {
    const [id, type, ...rest] = e.split(':').map((s) => s.trim())
    if (!id || !type || rest.length)
      throw new Error(`[glance_store] enabled_backends: ${JSON.stringify(e)} is not id:type`)
    if (!/^[A-Za-z0-9_-]+$/.test(id) || id.startsWith('os_glance_')) {
      throw new Error(`[glance_store] enabled_backends: invalid store id ${JSON.stringify(id)}`)
    }
    if (!(type in FACTORIES)) {
      throw new Error(
        `[glance_store] enabled_backends: unknown store type ${JSON.stringify(type)} (known: ${Object.keys(FACTORIES).join(', ')})`,
      )
    }
    if (seen.has(id))
      throw new Error(`[glance_store] enabled_backends: store ${JSON.stringify(id)} listed twice`)
    seen.add(id)
    return { id, type: type as StoreType }
  })
}

/** The configured stores (Glance's enabled_backends), with the default one. */
export class StoreRegistry {
  readonly #stores: readonly ImageStore[]
  readonly default: ImageStore

  private constructor(stores: readonly ImageStore[], defaultStore: ImageStore) {
    this.#stores = stores
    this.default = defaultStore
  }

  static async create(ctx: StoreFactoryContext): Promise<StoreRegistry> {
    const backends = parseBackends(ctx.config.enabled_backends)
    const stores: ImageStore[] = []
    for (const b of backends) stores.push(await FACTORIES[b.type]!(b.id, ctx))
    const wanted = ctx.config.default_backend
    const def =
      wanted !== '' ? stores.find((s) => s.id === wanted) : stores.find((s) => !s.readOnly)
    if (!def) {
      throw new Error(
        wanted !== ''
          ? `[glance_store] default_backend ${JSON.stringify(wanted)} is not in enabled_backends`
          : '[glance_store] enabled_backends has no writable store',
      )
    }
    if (def.readOnly)
      throw new Error(`[glance_store] default_backend ${JSON.stringify(def.id)} is read-only`)
    return new StoreRegistry(stores, def)
  }

  all(): readonly ImageStore[] {
    return this.#stores
  }

  find(id: string): ImageStore | undefined {
    return this.#stores.find((s) => s.id === id)
  }

  /** Stores that accept uploads, sorted by id (imports fill them in this order). */
  writable(): ImageStore[] {
    return this.#stores
      .filter((s) => !s.readOnly)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  /** The store a location belongs to: by its `store` metadata, else by URL. */
  forLocation(url: string, storeId?: unknown): ImageStore | undefined {
    if (typeof storeId === 'string') {
      const s = this.find(storeId)
      if (s && s.owns(url)) return s
    }
    return this.#stores.find((s) => s.owns(url))
  }

  async close(): Promise<void> {
    for (const s of this.#stores) await s.close()
  }
}
