import type { FastifyPluginAsync } from 'fastify'
import type { ItemTable } from '../../../db/repositories/image/metadefs.js'
import type { ImageApi } from '../image-api.js'
import { pageLinks } from './image-views.js'
import {
  associationView,
  namespaceView,
  objectView,
  propertiesView,
  propertyView,
  tagView,
} from './metadef-views.js'

type Ns = { Params: { ns: string } }
type Item = { Params: { ns: string; name: string } }
type NsQuery = { Querystring: Record<string, string | undefined> }

/** /v2/metadefs: namespaces with their properties, objects, tags and resource-type associations. */
export function metadefsRoutes(api: ImageApi): FastifyPluginAsync {
  return async (app) => {
    app.get('/metadefs/resource_types', async () => ({
      resource_types: (await api.resourceTypes()).map((r) => ({
        name: r.name,
        created_at: r.createdAt.replace(/\.\d+Z$/, 'Z'),
        updated_at: r.updatedAt.replace(/\.\d+Z$/, 'Z'),
      })),
    }))

    app.get<NsQuery>('/metadefs/namespaces', async (request) => {
      const { namespaces, next } = await api.listNamespaces(request.auth, request.query)
      const links = pageLinks('/v2/metadefs/namespaces', request.url.split('?')[1] ?? '', next)
      return {
        namespaces: namespaces.map(({ namespace, ...detail }) => namespaceView(namespace, detail)),
        ...links,
        schema: '/v2/schemas/metadefs/namespaces',
      }
    })
    app.post('/metadefs/namespaces', async (request, reply) => {
      const ns = await api.createNamespace(request.auth, request.body)
      const { namespace, ...detail } = await api.namespace(request.auth, ns.namespace)
      return reply.status(201).send(namespaceView(namespace, detail))
    })
    app.get<Ns>('/metadefs/namespaces/:ns', async (request) => {
      const { namespace, ...detail } = await api.namespace(request.auth, request.params.ns)
      return namespaceView(namespace, detail)
    })
    app.put<Ns>('/metadefs/namespaces/:ns', async (request) =>
      namespaceView(await api.updateNamespace(request.auth, request.params.ns, request.body)),
    )
    app.delete<Ns>('/metadefs/namespaces/:ns', async (request, reply) => {
      await api.deleteNamespace(request.auth, request.params.ns)
      return reply.status(204).send()
    })

    app.get<Ns>('/metadefs/namespaces/:ns/resource_types', async (request) => ({
      resource_type_associations: (await api.associations(request.auth, request.params.ns)).map(
        associationView,
      ),
    }))
    app.post<Ns>('/metadefs/namespaces/:ns/resource_types', async (request, reply) =>
      reply
        .status(201)
        .send(associationView(await api.associate(request.auth, request.params.ns, request.body))),
    )
    app.delete<Item>('/metadefs/namespaces/:ns/resource_types/:name', async (request, reply) => {
      await api.dissociate(request.auth, request.params.ns, request.params.name)
      return reply.status(204).send()
    })

    itemRoutes(api, app, 'properties', 'metadef_properties')
    itemRoutes(api, app, 'objects', 'metadef_objects')
    itemRoutes(api, app, 'tags', 'metadef_tags')
  }
}

type App = Parameters<FastifyPluginAsync>[0]

function render(
  table: ItemTable,
  ns: string,
  item: Parameters<typeof propertyView>[0],
): Record<string, unknown> {
  if (table === 'metadef_properties') return propertyView(item)
  if (table === 'metadef_objects') return objectView(ns, item)
  return tagView(item)
}

/** CRUD of one kind of namespace item; tags also take POST /tags/{name} and a bulk POST /tags. */
function itemRoutes(api: ImageApi, app: App, path: string, table: ItemTable): void {
  const base = `/metadefs/namespaces/:ns/${path}`
  app.get<Ns>(base, async (request) => {
    const items = await api.listItems(request.auth, table, request.params.ns)
    if (table === 'metadef_properties') return { properties: propertiesView(items) }
    if (table === 'metadef_objects') {
      return {
        objects: items.map((o) => objectView(request.params.ns, o)),
        schema: 'v2/schemas/metadefs/objects',
      }
    }
    return { tags: items.map(tagView) }
  })
  app.post<Ns>(base, async (request, reply) => {
    if (table === 'metadef_tags') {
      const append = String(request.headers['x-openstack-append'] ?? '').toLowerCase() === 'true'
      const tags = await api.createTags(request.auth, request.params.ns, request.body, append)
      return reply.status(201).send({ tags: tags.map(tagView) })
    }
    const item = await api.createItem(request.auth, table, request.params.ns, request.body)
    return reply.status(201).send(render(table, request.params.ns, item))
  })
  app.delete<Ns>(base, async (request, reply) => {
    await api.deleteItem(request.auth, table, request.params.ns)
    return reply.status(204).send()
  })
  app.get<Item>(`${base}/:name`, async (request) =>
    render(
      table,
      request.params.ns,
      await api.getItem(request.auth, table, request.params.ns, request.params.name),
    ),
  )
  app.put<Item>(`${base}/:name`, async (request) => {
    const body =
      table === 'metadef_tags'
        ? request.body
        : { name: request.params.name, ...(request.body as object) }
    const item = await api.updateItem(
      request.auth,
      table,
      request.params.ns,
      request.params.name,
      body,
    )
    return render(table, request.params.ns, item)
  })
  app.delete<Item>(`${base}/:name`, async (request, reply) => {
    await api.deleteItem(request.auth, table, request.params.ns, request.params.name)
    return reply.status(204).send()
  })
  if (table === 'metadef_tags') {
    app.post<Item>(`${base}/:name`, async (request, reply) => {
      const item = await api.createItem(request.auth, table, request.params.ns, {
        name: request.params.name,
      })
      return reply.status(201).send(tagView(item))
    })
  }
}
