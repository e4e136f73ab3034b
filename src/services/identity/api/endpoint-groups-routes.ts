import type { FastifyPluginAsync } from 'fastify'
import { NotImplementedError } from '../../../common/errors.js'
import * as projects from '../endpoint-group-projects-service.js'
import * as groups from '../endpoint-groups-service.js'
import type { EndpointGroupInput } from '../endpoint-groups-service.js'
import type { IdentityContext } from '../identity-context.js'
import { enforce, rules } from '../policy.js'
import { EndpointGroupCreate, EndpointGroupUpdate } from './catalog-schemas.js'
import {
  endpointGroupView,
  endpointView,
  epFilterProjectView,
  projectEndpointGroupView,
} from './catalog-views.js'
import { collectionLinks, identityBase } from './links.js'

const P = '/OS-EP-FILTER'
type Group = { Params: { endpoint_group_id: string } }
type GroupProject = { Params: { endpoint_group_id: string; project_id: string } }
type Project = { Params: { project_id: string } }

/** OS-EP-FILTER endpoint groups and their project associations; admin only. */
export function endpointGroupsRoutes(ctx: IdentityContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: { name?: string } }>(`${P}/endpoint_groups`, async (request) => {
      enforce(request.auth, 'identity:list_endpoint_groups', rules.admin)
      const name = request.query.name
      const rows = await groups.listEndpointGroups(ctx, name === undefined ? {} : { name })
      const base = identityBase(request)
      return {
        endpoint_groups: rows.map((g) => endpointGroupView(g, base)),
        links: collectionLinks(request),
      }
    })

    app.post<{ Body: { endpoint_group: EndpointGroupInput } }>(
      `${P}/endpoint_groups`,
      { schema: { body: EndpointGroupCreate } },
      async (request, reply) => {
        enforce(request.auth, 'identity:create_endpoint_group', rules.admin)
        const row = await groups.createEndpointGroup(ctx, request.body.endpoint_group)
        return reply
          .status(201)
          .send({ endpoint_group: endpointGroupView(row, identityBase(request)) })
      },
    )

    app.get<Group>(`${P}/endpoint_groups/:endpoint_group_id`, async (request) => {
      enforce(request.auth, 'identity:get_endpoint_group', rules.admin)
      const row = await groups.getEndpointGroup(ctx, request.params.endpoint_group_id)
      return { endpoint_group: endpointGroupView(row, identityBase(request)) }
    })

    app.patch<Group & { Body: { endpoint_group: EndpointGroupInput } }>(
      `${P}/endpoint_groups/:endpoint_group_id`,
      { schema: { body: EndpointGroupUpdate } },
      async (request) => {
        enforce(request.auth, 'identity:update_endpoint_group', rules.admin)
        const row = await groups.updateEndpointGroup(
          ctx,
          request.params.endpoint_group_id,
          request.body.endpoint_group,
        )
        return { endpoint_group: endpointGroupView(row, identityBase(request)) }
      },
    )

    app.delete<Group>(`${P}/endpoint_groups/:endpoint_group_id`, async (request, reply) => {
      enforce(request.auth, 'identity:delete_endpoint_group', rules.admin)
      await groups.deleteEndpointGroup(ctx, request.params.endpoint_group_id)
      return reply.status(204).send()
    })

    app.get<Group>(`${P}/endpoint_groups/:endpoint_group_id/endpoints`, async (request) => {
      enforce(request.auth, 'identity:list_endpoints_associated_with_endpoint_group', rules.admin)
      const group = await groups.getEndpointGroup(ctx, request.params.endpoint_group_id)
      const base = identityBase(request)
      const rows = await groups.endpointsInGroup(ctx, group)
      return { endpoints: rows.map((e) => endpointView(e, base)), links: collectionLinks(request) }
    })

    app.get<Group>(`${P}/endpoint_groups/:endpoint_group_id/projects`, async (request) => {
      enforce(request.auth, 'identity:list_projects_associated_with_endpoint_group', rules.admin)
      const rows = await projects.projectsForGroup(ctx, request.params.endpoint_group_id)
      const base = identityBase(request)
      return {
        projects: rows.map((p) => epFilterProjectView(p, base)),
        links: collectionLinks(request),
      }
    })

    const association = `${P}/endpoint_groups/:endpoint_group_id/projects/:project_id`
    app.put<GroupProject>(association, async (request, reply) => {
      enforce(request.auth, 'identity:add_endpoint_group_to_project', rules.admin)
      await projects.projectAssociation(
        ctx,
        'add',
        request.params.endpoint_group_id,
        request.params.project_id,
      )
      return reply.status(204).send()
    })

    app.get<GroupProject>(association, async (request) => {
      enforce(request.auth, 'identity:get_endpoint_group_in_project', rules.admin)
      const { endpoint_group_id: g, project_id: p } = request.params
      await projects.projectAssociation(ctx, 'check', g, p)
      return { project_endpoint_group: projectEndpointGroupView(g, p, identityBase(request)) }
    })

    app.delete<GroupProject>(association, async (request, reply) => {
      enforce(request.auth, 'identity:remove_endpoint_group_from_project', rules.admin)
      await projects.projectAssociation(
        ctx,
        'remove',
        request.params.endpoint_group_id,
        request.params.project_id,
      )
      return reply.status(204).send()
    })

    app.get<Project>(`${P}/projects/:project_id/endpoint_groups`, async (request) => {
      enforce(request.auth, 'identity:list_endpoint_groups_for_project', rules.admin)
      const rows = await projects.groupsForProject(ctx, request.params.project_id)
      const base = identityBase(request)
      return {
        endpoint_groups: rows.map((g) => endpointGroupView(g, base)),
        links: collectionLinks(request),
      }
    })

    app.get<Project>(`${P}/projects/:project_id/endpoints`, async (request) => {
      enforce(request.auth, 'identity:list_endpoints_for_project', rules.admin)
      const rows = await projects.endpointsForProject(ctx, request.params.project_id)
      const base = identityBase(request)
      return { endpoints: rows.map((e) => endpointView(e, base)), links: collectionLinks(request) }
    })

    // NOTE: direct project-endpoint associations need a table we do not have; say so plainly.
    const notImplemented = async (): Promise<never> => {
      throw new NotImplementedError('The action you have requested has not been implemented.')
    }
    app.route({
      method: ['GET', 'PUT', 'DELETE'],
      url: `${P}/projects/:project_id/endpoints/:endpoint_id`,
      handler: notImplemented,
    })
    app.get(`${P}/endpoints/:endpoint_id/projects`, notImplemented)
  }
}
