/** OS-EP-FILTER endpoint groups: named endpoint filters that can be tied to projects. */
import { BadRequestError, NotFoundError } from '../../common/errors.js'
import { newHexId } from '../../common/ids.js'
import { listEndpoints } from '../../db/repositories/identity/catalog.js'
import type { EndpointRow } from '../../db/repositories/identity/catalog.js'
import * as repo from '../../db/repositories/identity/endpoint-groups.js'
import type { EndpointGroupRow } from '../../db/repositories/identity/endpoint-groups.js'
import { parseJson } from '../../db/repositories/identity/rows.js'
import { expectingToFind, requireMatchingId } from './extras.js'
import type { IdentityContext } from './identity-context.js'

const FILTER_KEYS = ['service_id', 'region_id', 'interface'] as const

export interface EndpointGroupInput {
  readonly id?: unknown
  readonly name?: string
  readonly description?: string | null
  readonly filters?: Record<string, unknown>
}

function checkFilters(filters: Record<string, unknown>): void {
  for (const k of Object.keys(filters)) {
    if (!(FILTER_KEYS as readonly string[]).includes(k))
      throw expectingToFind(FILTER_KEYS.join(' or '), 'endpoint_group')
  }
}

export async function getEndpointGroup(
  ctx: IdentityContext,
  id: string,
): Promise<EndpointGroupRow> {
  const g = await repo.getEndpointGroup(ctx.db, id)
  if (!g) throw new NotFoundError(`Could not find Endpoint Group: ${id}.`)
  return g
}

export function listEndpointGroups(
  ctx: IdentityContext,
  filter: { name?: string },
): Promise<EndpointGroupRow[]> {
  return repo.listEndpointGroups(ctx.db, filter)
}

export async function createEndpointGroup(
  ctx: IdentityContext,
  input: EndpointGroupInput,
): Promise<EndpointGroupRow> {
  if (!input.filters || Object.keys(input.filters).length === 0) {
    throw new BadRequestError('filters field is required and cannot be empty')
  }
  checkFilters(input.filters)
  const row: EndpointGroupRow = {
    id: newHexId(),
    name: input.name ?? '',
    description: input.description ?? '',
    filters: JSON.stringify(input.filters),
  }
  await repo.insertEndpointGroup(ctx.db, row)
  ctx.changed()
  return row
}

export async function updateEndpointGroup(
  ctx: IdentityContext,
  id: string,
  input: EndpointGroupInput,
): Promise<EndpointGroupRow> {
  if (input.filters) checkFilters(input.filters)
  requireMatchingId(input as Record<string, unknown>, id)
  const current = await getEndpointGroup(ctx, id)
  const next: EndpointGroupRow = {
    id,
    name: input.name ?? current.name,
    description: input.description !== undefined ? (input.description ?? '') : current.description,
    filters: input.filters ? JSON.stringify(input.filters) : current.filters,
  }
  await repo.updateEndpointGroup(ctx.db, id, {
    name: next.name,
    description: next.description,
    filters: next.filters,
  })
  ctx.changed()
  return next
}

export async function deleteEndpointGroup(ctx: IdentityContext, id: string): Promise<void> {
  await getEndpointGroup(ctx, id)
  await repo.deleteEndpointGroup(ctx.db, id)
  ctx.changed()
}

/** The endpoints whose service_id/region_id/interface equal every filter of the group. */
export async function endpointsInGroup(
  ctx: IdentityContext,
  group: EndpointGroupRow,
): Promise<EndpointRow[]> {
  const filters = parseJson<Record<string, unknown>>(group.filters, {})
  const all = await listEndpoints(ctx.db)
  return all.filter((e) =>
    Object.entries(filters).every(([k, v]) => (e as unknown as Record<string, unknown>)[k] === v),
  )
}
