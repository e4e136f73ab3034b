import type { FastifyRequest } from 'fastify'
import type { DomainRecord } from '../resource-model.js'
import { collectionLinks, identityBase } from './links.js'

/** Keystone's domain body: the free-form attributes, then the named ones. */
export function domainView(request: FastifyRequest, d: DomainRecord): Record<string, unknown> {
  return {
    ...d.extra,
    id: d.id,
    name: d.name,
    description: d.description,
    enabled: d.enabled,
    tags: [...d.tags],
    options: d.extra['options'] ?? {},
    links: { self: `${identityBase(request)}/domains/${d.id}` },
  }
}

export function domainCollectionView(
  request: FastifyRequest,
  list: readonly DomainRecord[],
): unknown {
  return { domains: list.map((d) => domainView(request, d)), links: collectionLinks(request) }
}
