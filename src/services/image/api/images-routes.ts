import type { FastifyPluginAsync } from 'fastify'
import type { ImageApi } from '../image-api.js'
import type { RawQuery } from '../image-list-service.js'
import { imageView, pageLinks, taskView, type ImageViewOptions } from './image-views.js'

type Id = { Params: { image_id: string } }

/** /v2/images: create, list, show, PATCH, delete, (de)activate, tags, tasks. */
export function imagesRoutes(api: ImageApi): FastifyPluginAsync {
  const opts: ImageViewOptions = {
    showLocations: api.ctx.config.image.show_multiple_locations,
    showDirectUrl: api.ctx.config.image.show_image_direct_url,
  }
  return async (app) => {
    app.get<{ Querystring: RawQuery }>('/images', async (request) => {
      const { images, nextMarker } = await api.list(request.auth, request.query)
      const links = pageLinks('/v2/images', request.url.split('?')[1] ?? '', nextMarker)
      return {
        images: images.map((i) => imageView(i, opts)),
        ...links,
        schema: '/v2/schemas/images',
      }
    })

    app.post('/images', async (request, reply) => {
      const image = await api.create(request.auth, request.body)
      return reply
        .status(201)
        .header('location', `/v2/images/${image.id}`)
        .header(
          'openstack-image-import-methods',
          api.ctx.config.image.enabled_import_methods.join(','),
        )
        .header(
          'openstack-image-store-ids',
          api.ctx.stores
            .all()
            .filter((s) => !s.readOnly)
            .map((s) => s.id)
            .join(','),
        )
        .send(imageView(image, opts))
    })

    app.get<Id>('/images/:image_id', async (request) =>
      imageView(await api.show(request.auth, request.params.image_id), opts),
    )

    app.patch<Id>('/images/:image_id', async (request) => {
      const image = await api.update(
        request.auth,
        request.params.image_id,
        request.headers['content-type'],
        request.body,
      )
      return imageView(image, opts)
    })

    app.delete<Id>('/images/:image_id', async (request, reply) => {
      await api.delete(request.auth, request.params.image_id)
      return reply.status(204).send()
    })

    for (const action of ['deactivate', 'reactivate'] as const) {
      app.post<Id>(`/images/:image_id/actions/${action}`, async (request, reply) => {
        await api.setActive(request.auth, request.params.image_id, action === 'reactivate')
        return reply.status(204).send()
      })
    }

    app.put<Id & { Params: { tag: string } }>(
      '/images/:image_id/tags/:tag',
      async (request, reply) => {
        await api.addTag(request.auth, request.params.image_id, request.params.tag)
        return reply.status(204).send()
      },
    )

    app.delete<Id & { Params: { tag: string } }>(
      '/images/:image_id/tags/:tag',
      async (request, reply) => {
        await api.removeTag(request.auth, request.params.image_id, request.params.tag)
        return reply.status(204).send()
      },
    )

    app.get<Id>('/images/:image_id/tasks', async (request) => ({
      tasks: (await api.tasks(request.auth, request.params.image_id)).map(taskView),
    }))
  }
}
