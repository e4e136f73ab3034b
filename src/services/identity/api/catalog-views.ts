/** Wire shapes of regions, services, endpoints and endpoint groups, as Keystone renders them. */
import type {
  EndpointRow,
  RegionRow,
  ServiceRow,
} from '../../../db/repositories/identity/catalog.js'
import type { EndpointGroupRow } from '../../../db/repositories/identity/endpoint-groups.js'
import type { ProjectRow } from '../../../db/repositories/identity/projects.js'
import { fromBool, parseJson } from '../../../db/repositories/identity/rows.js'
import { withExtra, type Ref } from '../extras.js'

const self = (base: string, path: string): { self: string } => ({ self: `${base}/${path}` })

export function regionView(r: RegionRow, base: string): Ref {
  return {
    ...withExtra(r.extra, {
      id: r.id,
      description: r.description,
      parent_region_id: r.parent_region_id,
    }),
    links: self(base, `regions/${r.id}`),
  }
}

export function serviceView(s: ServiceRow, base: string): Ref {
  return {
    ...withExtra(s.extra, { id: s.id, type: s.type, enabled: fromBool(s.enabled) }),
    links: self(base, `services/${s.id}`),
  }
}

/** Keystone's _filter_endpoint: `region` repeats region_id for v2-era clients. */
export function endpointView(e: EndpointRow, base: string): Ref {
  const columns = {
    id: e.id,
    interface: e.interface,
    region_id: e.region_id,
    service_id: e.service_id,
    url: e.url,
    enabled: fromBool(e.enabled),
  }
  return {
    ...withExtra(e.extra, columns),
    region: e.region_id,
    links: self(base, `endpoints/${e.id}`),
  }
}

export function endpointGroupView(g: EndpointGroupRow, base: string): Ref {
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    filters: parseJson<Ref>(g.filters, {}),
    links: self(base, `OS-EP-FILTER/endpoint_groups/${g.id}`),
  }
}

export function projectEndpointGroupView(groupId: string, projectId: string, base: string): Ref {
  return {
    endpoint_group_id: groupId,
    project_id: projectId,
    links: self(base, `OS-EP-FILTER/endpoint_groups/${groupId}/projects/${projectId}`),
  }
}

/** A project as the OS-EP-FILTER listings show it. */
export function epFilterProjectView(p: ProjectRow, base: string): Ref {
  return {
    id: p.id,
    name: p.name,
    domain_id: p.domain_id,
    description: p.description,
    enabled: fromBool(p.enabled),
    parent_id: p.parent_id ?? p.domain_id,
    is_domain: fromBool(p.is_domain),
    links: self(base, `projects/${p.id}`),
  }
}
