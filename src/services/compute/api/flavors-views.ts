import type { FastifyRequest } from 'fastify'
import type { Db } from '../../../db/database.js'
import { extraSpecsOfMany, type FlavorRow } from '../../../db/repositories/compute/flavors.js'
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

/**
 * Nova's flavor detail view (swap "" when 0 before 2.75, 0 from it); `extraSpecs`
 * is shown from 2.61 (see withExtraSpecs).
 */
export function flavorDetail(
  request: FastifyRequest,
  f: FlavorRow,
  extraSpecs?: Record<string, string>,
): Record<string, unknown> {
  return {
    id: f.flavorid,
    name: f.name,
    ram: f.memory_mb,
    disk: f.root_gb,
    swap: f.swap || (atLeast(request, 75) ? 0 : ''),
    'OS-FLV-EXT-DATA:ephemeral': f.ephemeral_gb,
    'OS-FLV-DISABLED:disabled': f.disabled === 1,
    vcpus: f.vcpus,
    'os-flavor-access:is_public': f.is_public === 1,
    rxtx_factor: f.rxtx_factor || '',
    links: resourceLinks(request, 'flavors', f.flavorid),
    ...(atLeast(request, 55) ? { description: f.description } : {}),
    ...(atLeast(request, 61) ? { extra_specs: extraSpecs ?? {} } : {}),
  }
}

/** The flavors' extra specs when the request's microversion shows them (2.61), else none. */
export async function extraSpecsFor(
  db: Db,
  request: FastifyRequest,
  flavors: readonly FlavorRow[],
): Promise<Map<string, Record<string, string>>> {
  if (!atLeast(request, 61)) return new Map()
  return extraSpecsOfMany(
    db,
    flavors.map((f) => f.flavorid),
  )
}

export function flavorList(
  request: FastifyRequest,
  flavors: FlavorRow[],
  detail: boolean,
  specs: Map<string, Record<string, string>> = new Map(),
): Record<string, unknown> {
  const items = flavors.map((f) =>
    detail ? flavorDetail(request, f, specs.get(f.flavorid)) : flavorBrief(request, f),
  )
  const links = nextLinks(
    request,
    detail ? 'flavors/detail' : 'flavors',
    flavors.length,
    flavors[flavors.length - 1]?.flavorid,
  )
  return { flavors: items, ...(links.length > 0 ? { flavors_links: links } : {}) }
}
