import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'
import {
  addProjectTag,
  checkProjectTag,
  deleteProjectTag,
  listProjectTags,
  replaceProjectTags,
} from '../project-tags-service.js'
import { enforce, rules } from '../policy.js'
import { identityBase } from './links.js'
import { projectReader, projectTarget } from './project-policy.js'
import { tagsView } from './projects-views.js'
import { strictBody, tagsBody } from './resource-schemas.js'

type IdParams = { Params: { project_id: string } }
type TagParams = { Params: { project_id: string; tag: string } }

/** /v3/projects/{id}/tags and /v3/projects/{id}/tags/{tag}: reading follows get_project, changing needs admin. */
export function projectTagsRoutes(ctx: IdentityContext): FastifyPluginAsync {
  return async (app) => {
    app.get<IdParams>('/projects/:project_id/tags', async (request) => {
      const id = request.params.project_id
      enforce(
        request.auth,
        'identity:list_project_tags',
        projectReader,
        await projectTarget(ctx, request.auth, id),
      )
      return tagsView(request, await listProjectTags(ctx, id))
    })

    app.put<IdParams & { Body: { tags: string[] } }>(
      '/projects/:project_id/tags',
      { schema: { body: tagsBody }, validatorCompiler: strictBody },
      async (request) => {
        enforce(request.auth, 'identity:update_project_tags', rules.admin)
        return tagsView(
          request,
          await replaceProjectTags(ctx, request.params.project_id, request.body.tags),
        )
      },
    )

    app.delete<IdParams>('/projects/:project_id/tags', async (request, reply) => {
      enforce(request.auth, 'identity:delete_project_tags', rules.admin)
      await replaceProjectTags(ctx, request.params.project_id, [])
      return reply.status(204).send()
    })

    app.get<TagParams>('/projects/:project_id/tags/:tag', async (request, reply) => {
      const { project_id: id, tag } = request.params
      enforce(
        request.auth,
        'identity:get_project_tag',
        projectReader,
        await projectTarget(ctx, request.auth, id),
      )
      await checkProjectTag(ctx, id, tag)
      return reply.status(204).send()
    })

    app.put<TagParams>('/projects/:project_id/tags/:tag', async (request, reply) => {
      const { project_id: id, tag } = request.params
      enforce(request.auth, 'identity:create_project_tag', rules.admin)
      const name = await addProjectTag(ctx, id, tag)
      const location = `${identityBase(request)}/projects/${id}/tags/${encodeURIComponent(name)}`
      return reply.status(201).header('location', location).send()
    })

    app.delete<TagParams>('/projects/:project_id/tags/:tag', async (request, reply) => {
      const { project_id: id, tag } = request.params
      enforce(request.auth, 'identity:delete_project_tag', rules.admin)
      await deleteProjectTag(ctx, id, tag)
      return reply.status(204).send()
    })
  }
}
