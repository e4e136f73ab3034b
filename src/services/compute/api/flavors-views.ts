import type { FastifyRequest } from 'fastify'
import type { FlavorRow } from '../../../db/repositories/compute/flavors.js'
import { atLeast } from './microversion.js'
import { nextLinks, resourceLinks } from './resource-links.js'

/** GET /flavors item: id, name, links (+ description from 2.55). */
export function flavorBrief(request: FastifyRequest, f: FlavorRow): Record<string, unknown> {
  return {
    id: f.flavorid,
    name: f.name,
    links: resourceLinks(request, 'flavors', f.flavorid),
    ...(atLeast(request, 55) ? { description: f.description } : {}),
  }
}

/** Nova's flavor detail view (swap "" when 0, as before 2.75). */
export function flavorDetail(request: FastifyRequest, f: FlavorRow): Record<string, unknown> {
  return {
    id: f.flavorid,
    name: f.name,
    ram: f.memory_mb,
    disk: f.root_gb,
    swap: f.swap || '',
    'OS-FLV-EXT-DATA:ephemeral': f.ephemeral_gb,
    'OS-FLV-DISABLED:disabled': f.disabled === 1,
    vcpus: f.vcpus,
    'os-flavor-access:is_public': f.is_public === 1,
    rxtx_factor: f.rxtx_factor || '',
    links: resourceLinks(request, 'flavors', f.flavorid),
    ...(atLeast(request, 55) ? { description: f.description } : {}),
  }
}

export function flavorList(
  request: FastifyRequest,
  flavors: FlavorRow[],
  detail: boolean,
): Record<string, unknown> {
  const items = flavors.map((f) => (detail ? flavorDetail(request, f) : flavorBrief(request, f)))
  const links = nextLinks(
    request,
    detail ? 'flavors/detail' : 'flavors',
    flavors.length,
    flavors[flavors.length - 1]?.flavorid,
  )
  return { flavors: items, ...(links.length > 0 ? { flavors_links: links } : {}) }
}
