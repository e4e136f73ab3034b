import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError, NotFoundError } from '../../../common/errors.js'
import type { ImageRecord } from '../../../db/repositories/image/rows.js'
import type { ComputeContext } from '../compute-context.js'
import {
  deleteImage,
  listImages,
  setImageProperties,
  showImage,
  type ImageFilters,
} from '../images-service.js'
import { computeBase, nextLinks, resourceLinks } from './resource-links.js'
import { nonNegativeInt, queryValue, versionNotFound } from './resource-policy.js'

type IdParams = { Params: { id: string } }
type KeyParams = { Params: { id: string; key: string } }

const STATUS: Record<string, string> = {
  active: 'ACTIVE',
  queued: 'SAVING',
  saving: 'SAVING',
  deleted: 'DELETED',
  pending_delete: 'DELETED',
  killed: 'ERROR',
}
const PROGRESS: Record<string, number> = { queued: 25, saving: 50, active: 100 }

const metadataSchema = {
  type: 'object',
  patternProperties: { '^[a-zA-Z0-9-_:. ]{1,255}$': { type: 'string', maxLength: 255 } },
  additionalProperties: false,
}
const metadataBody = {
  type: 'object',
  properties: { metadata: metadataSchema },
  required: ['metadata'],
  additionalProperties: false,
}
const metaBody = {
  type: 'object',
  properties: { meta: { ...metadataSchema, minProperties: 1, maxProperties: 1 } },
  required: ['meta'],
  additionalProperties: false,
}

/** utils.isotime: seconds precision with Z. */
const isotime = (iso: string) => `${iso.slice(0, 19)}Z`

function links(request: FastifyRequest, id: string) {
  return [
    ...resourceLinks(request, 'images', id),
    {
      rel: 'alternate',
      type: 'application/vnd.openstack.image',
      href: `${request.protocol}://${request.host}/image/images/${id}`,
    },
  ]
}

function detail(request: FastifyRequest, i: ImageRecord): Record<string, unknown> {
  const metadata = { ...i.properties }
  const out: Record<string, unknown> = {
    id: i.id,
    name: i.name,
    minRam: i.minRam,
    minDisk: i.minDisk,
    metadata,
    created: isotime(i.createdAt),
    updated: isotime(i.updatedAt),
    status: STATUS[i.status] ?? 'UNKNOWN',
    progress: PROGRESS[i.status] ?? 0,
    'OS-EXT-IMG-SIZE:size': i.size,
    links: links(request, i.id),
  }
  const server = metadata['instance_uuid']
  if (server !== undefined)
    out['server'] = {
      id: server,
      links: [
        { rel: 'self', href: `${computeBase(request)}/v2.1/servers/${server}` },
        { rel: 'bookmark', href: `${computeBase(request)}/servers/${server}` },
      ],
    }
  const adc = metadata['auto_disk_config']
  if (adc !== undefined)
    out['OS-DCF:diskConfig'] = ['1', 't', 'true', 'on', 'y', 'yes'].includes(
      adc.trim().toLowerCase(),
    )
      ? 'AUTO'
      : 'MANUAL'
  return out
}

function filters(request: FastifyRequest): ImageFilters {
  const q = request.query as Record<string, unknown>
  const int = (k: string) => {
    const v = queryValue(q[k])
    if (v === undefined) return undefined
    if (!/^\s*-?[0-9]+\s*$/.test(v)) throw new BadRequestError(`Invalid ${k} filter [${v}]`)
    return Number(v)
  }
  let changesSince = queryValue(q['changes-since'])
  if (changesSince !== undefined) {
    const d = new Date(changesSince)
    if (Number.isNaN(d.getTime()))
      throw new BadRequestError(`Invalid changes-since value: ${changesSince}`)
    changesSince = d.toISOString()
  }
  const server = queryValue(q['server'])
  const properties: Record<string, string> = {}
  for (const [k, v] of Object.entries(q))
    if (k.startsWith('property-') && queryValue(v) !== undefined)
      properties[k.slice(9)] = queryValue(v)!
  return {
    name: queryValue(q['name']),
    status: queryValue(q['status']),
    changesSince,
    // A server filter may be the server's URL; Nova keeps its last path segment.
    server: server?.includes('/') ? server.slice(server.lastIndexOf('/') + 1) : server,
    type: queryValue(q['type']),
    minRam: int('minRam'),
    minDisk: int('minDisk'),
    properties,
  }
}

/** The image proxy (GET/DELETE /images, /images/{id}/metadata): gone from 2.36 (404). */
export function imagesRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preValidation', async (request) => {
      if (request.computeMicroversion > 35) versionNotFound()
    })

    const list = (isDetail: boolean) => async (request: FastifyRequest) => {
      const q = request.query as Record<string, unknown>
      const images = await listImages(ctx, request.auth, filters(request), {
        limit: nonNegativeInt(q['limit'], 'limit') || undefined,
        marker: queryValue(q['marker']),
      })
      const items = images.map((i) =>
        isDetail ? detail(request, i) : { id: i.id, name: i.name, links: links(request, i.id) },
      )
      const next = nextLinks(
        request,
        isDetail ? 'images/detail' : 'images',
        images.length,
        images[images.length - 1]?.id,
      )
      return { images: items, ...(next.length > 0 ? { images_links: next } : {}) }
    }
    app.get('/images', list(false))
    app.get('/images/detail', list(true))
    app.get<IdParams>('/images/:id', async (request) => ({
      image: detail(request, await showImage(ctx, request.auth, request.params.id)),
    }))
    app.delete<IdParams>('/images/:id', async (request, reply) => {
      await deleteImage(ctx, request.auth, request.params.id)
      return reply.status(204).send()
    })

    app.get<IdParams>('/images/:id/metadata', async (request) => ({
      metadata: { ...(await showImage(ctx, request.auth, request.params.id)).properties },
    }))
    app.post<IdParams & { Body: { metadata: Record<string, string> } }>(
      '/images/:id/metadata',
      { schema: { body: metadataBody } },
      async (request) => {
        const image = await showImage(ctx, request.auth, request.params.id)
        const wanted = { ...image.properties, ...request.body.metadata }
        return { metadata: await setImageProperties(ctx, request.auth, request.params.id, wanted) }
      },
    )
    app.put<IdParams & { Body: { metadata: Record<string, string> } }>(
      '/images/:id/metadata',
      { schema: { body: metadataBody } },
      async (request) => {
        await setImageProperties(ctx, request.auth, request.params.id, request.body.metadata)
        return { metadata: request.body.metadata }
      },
    )
    app.get<KeyParams>('/images/:id/metadata/:key', async (request) => {
      const props = (await showImage(ctx, request.auth, request.params.id)).properties
      const v = props[request.params.key]
      if (v === undefined) throw new NotFoundError('The resource could not be found.')
      return { meta: { [request.params.key]: v } }
    })
    app.put<KeyParams & { Body: { meta: Record<string, string> } }>(
      '/images/:id/metadata/:key',
      { schema: { body: metaBody } },
      async (request) => {
        const { id, key } = request.params
        if (!(key in request.body.meta)) throw new BadRequestError('Request body and URI mismatch')
        const image = await showImage(ctx, request.auth, id)
        await setImageProperties(ctx, request.auth, id, {
          ...image.properties,
          ...request.body.meta,
        })
        return { meta: request.body.meta }
      },
    )
    app.delete<KeyParams>('/images/:id/metadata/:key', async (request, reply) => {
      const { id, key } = request.params
      const image = await showImage(ctx, request.auth, id)
      if (!(key in image.properties)) throw new NotFoundError('Invalid metadata key')
      const rest = { ...image.properties }
      delete rest[key]
      await setImageProperties(ctx, request.auth, id, rest)
      return reply.status(204).send()
    })
  }
}
