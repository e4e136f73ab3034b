import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import { BadRequestError } from '../../../common/errors.js'
import type { IdentityContext } from '../identity-context.js'
import { enforce, rules, type Rule } from '../policy.js'
import type { ProjectQuery } from '../projects-list.js'
import { listProjects, listUserProjects } from '../projects-list.js'
import { createProject } from '../project-create.js'
import { parentsAsIds, parentsAsList, subtreeAsIds, subtreeAsList } from '../project-hierarchy.js'
import type { ProjectBody } from '../projects-service.js'
import { deleteProject, getProject, updateProject } from '../projects-service.js'
import { projectReader, projectTarget } from './project-policy.js'
import { projectTagsRoutes } from './project-tags-routes.js'
import { projectCollectionView, projectView } from './projects-views.js'
import { projectCreateBody, projectUpdateBody, strictBody } from './resource-schemas.js'

type IdParams = { Params: { project_id: string } }

/** Keystone's query_filter_is_true: present and not "0". */
const flag = (request: FastifyRequest, key: string): boolean => {
  const v = (request.query as Record<string, unknown>)[key]
  return v !== undefined && v !== '0'
}

/** Keystone v3 projects API, project tags, and GET /v3/users/{id}/projects. */
export function projectsRoutes(ctx: IdentityContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: ProjectQuery }>('/projects', async (request) => {
      // A domain-scoped reader may list (only) its domain's projects.
      const scoped: Rule = (c) =>
        isAdmin(c) || (c.domain !== undefined && c.roles.includes('reader'))
      enforce(request.auth, 'identity:list_projects', scoped)
      return projectCollectionView(
        request,
        await listProjects(ctx, request.auth.domain?.id, request.query),
      )
    })

    app.post<{ Body: { project: ProjectBody } }>(
      '/projects',
      { schema: { body: projectCreateBody }, validatorCompiler: strictBody },
      async (request, reply) => {
        enforce(request.auth, 'identity:create_project', rules.admin)
        const p = await createProject(ctx, request.auth, request.body.project)
        return reply.status(201).send({ project: projectView(request, p) })
      },
    )

    app.get<IdParams>('/projects/:project_id', async (request) => {
      const id = request.params.project_id
      enforce(
        request.auth,
        'identity:get_project',
        projectReader,
        await projectTarget(ctx, request.auth, id),
      )
      if (flag(request, 'parents_as_list') && flag(request, 'parents_as_ids')) {
        throw new BadRequestError(
          'Cannot use parents_as_list and parents_as_ids query params at the same time.',
        )
      }
      if (flag(request, 'subtree_as_list') && flag(request, 'subtree_as_ids')) {
        throw new BadRequestError(
          'Cannot use subtree_as_list and subtree_as_ids query params at the same time.',
        )
      }
      const p = await getProject(ctx, id)
      const body = projectView(request, p)
      const me = request.auth.userId
      if (flag(request, 'parents_as_list'))
        body['parents'] = (await parentsAsList(ctx, p, me)).map((x) => ({
          project: projectView(request, x),
        }))
      else if (flag(request, 'parents_as_ids')) body['parents'] = await parentsAsIds(ctx, p)
      if (flag(request, 'subtree_as_list'))
        body['subtree'] = (await subtreeAsList(ctx, p, me)).map((x) => ({
          project: projectView(request, x),
        }))
      else if (flag(request, 'subtree_as_ids')) body['subtree'] = await subtreeAsIds(ctx, p)
      return { project: body }
    })

    app.patch<IdParams & { Body: { project: ProjectBody } }>(
      '/projects/:project_id',
      { schema: { body: projectUpdateBody }, validatorCompiler: strictBody },
      async (request) => {
        enforce(request.auth, 'identity:update_project', rules.admin)
        const p = await updateProject(ctx, request.params.project_id, request.body.project)
        return { project: projectView(request, p) }
      },
    )

    app.delete<IdParams>('/projects/:project_id', async (request, reply) => {
      enforce(request.auth, 'identity:delete_project', rules.admin)
      await deleteProject(ctx, request.params.project_id)
      return reply.status(204).send()
    })

    app.get<{ Params: { user_id: string }; Querystring: ProjectQuery }>(
      '/users/:user_id/projects',
      async (request) => {
        const userId = request.params.user_id
        enforce(request.auth, 'identity:list_user_projects', rules.adminOrOwner, { userId })
        return projectCollectionView(request, await listUserProjects(ctx, userId, request.query))
      },
    )

    await app.register(projectTagsRoutes(ctx))
  }
}
