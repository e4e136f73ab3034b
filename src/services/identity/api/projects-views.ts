import type { FastifyRequest } from 'fastify'
import type { ProjectRecord } from '../resource-model.js'
import { collectionLinks, identityBase } from './links.js'

/** Keystone's project body (also for a domain seen through the projects API). */
export function projectView(request: FastifyRequest, p: ProjectRecord): Record<string, unknown> {
  return {
    ...p.extra,
    id: p.id,
    name: p.name,
    domain_id: p.domainId,
    description: p.description,
    enabled: p.enabled,
    parent_id: p.parentId,
    is_domain: p.isDomain,
    tags: [...p.tags],
    options: p.extra['options'] ?? {},
    links: { self: `${identityBase(request)}/projects/${p.id}` },
  }
}

export function projectCollectionView(
  request: FastifyRequest,
  list: readonly ProjectRecord[],
): unknown {
  return { projects: list.map((p) => projectView(request, p)), links: collectionLinks(request) }
}

/** GET/PUT /v3/projects/{id}/tags: the tags and a self link, no id. */
export function tagsView(request: FastifyRequest, tags: readonly string[]): unknown {
  return { tags: [...tags], links: { self: `${request.protocol}://${request.host}${request.url}` } }
}
