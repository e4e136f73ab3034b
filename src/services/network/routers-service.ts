import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import type { Db } from '../../db/database.js'
import {
  deleteRouter as deleteRouterRow,
  insertRouter,
  listRouters as listRouterRows,
  ROUTER_GATEWAY,
  routerPortIds,
  routerPortIps,
  updateRouter as updateRouterRow,
  ROUTER_INTERFACE,
  type RouterChanges,
  type RouterRow,
} from '../../db/repositories/network/routers.js'
import { routerView, type GatewayIps } from './api/routers-views.js'
import { getOwnRouter } from './l3-lookups.js'
import type { NetworkContext } from './network-context.js'
import { callerProject } from './policy.js'
import { enforceQuota } from './quota.js'
import { checkGatewayPolicy, setRouterGateway, type GatewayInfo } from './router-gateway.js'
import { checkRoutes, type Route } from './router-routes-check.js'
import { deleteResourceTags, resourcesTags } from './tags-service.js'

export interface RouterCreate {
  readonly name?: string
  readonly description?: string
  readonly admin_state_up?: boolean
  readonly external_gateway_info?: GatewayInfo | null
  readonly project_id?: string
  readonly tenant_id?: string
}

export interface RouterUpdate {
  readonly name?: string
  readonly description?: string
  readonly admin_state_up?: boolean
  readonly external_gateway_info?: GatewayInfo | null
  readonly routes?: readonly Route[] | null
}

/** The project a create acts for: the caller's, or (admins only) the one named in the body. */
export function owningProject(
  auth: AuthContext,
  body: { project_id?: string; tenant_id?: string },
): string {
  const named = body.project_id ?? body.tenant_id
  if (
    body.project_id !== undefined &&
    body.tenant_id !== undefined &&
    body.project_id !== body.tenant_id
  ) {
    throw new BadRequestError("'project_id' and 'tenant_id' do not match")
  }
  if (named === undefined) return callerProject(auth)
  if (!isAdmin(auth) && named !== auth.project?.id) {
    throw new BadRequestError(
      "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin or advsvc privileges",
    )
  }
  return named
}

/** Renders routers with their gateway addresses and tags, in one query each. */
export async function renderRouters(
  db: Db,
  rows: readonly RouterRow[],
): Promise<Record<string, unknown>[]> {
  const withGw = rows.filter((r) => r.gw_port_id)
  const ips = (
    await routerPortIps(
      db,
      withGw.map((r) => r.id),
    )
  ).filter((i) => i.port_type === ROUTER_GATEWAY)
  const tags = await resourcesTags(
    db,
    'router',
    rows.map((r) => r.id),
  )
  return rows.map((r) => {
    const mine = ips.filter((i) => i.port_id === r.gw_port_id)
    const gw: GatewayIps | undefined = r.gw_port_id
      ? { networkId: r.external_network_id ?? '', ips: mine }
      : undefined
    return routerView(r, gw, tags.get(r.id) ?? [])
  })
}

export async function renderRouter(db: Db, id: string): Promise<Record<string, unknown>> {
  const row = await db
    .selectFrom('routers')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
  const [view] = await renderRouters(db, [row])
  return view!
}

export async function createRouter(
  ctx: NetworkContext,
  auth: AuthContext,
  body: RouterCreate,
): Promise<Record<string, unknown>> {
  const projectId = owningProject(auth, body)
  const gw = body.external_gateway_info
  checkGatewayPolicy(auth, gw, 'create')
  const id = newUuid()
  const now = new Date().toISOString()
  await ctx.db.transaction().execute(async (trx) => {
    await enforceQuota(ctx, trx, projectId, 'router')
    const row: RouterRow = {
      id,
      project_id: projectId,
      name: body.name ?? '',
      admin_state_up: body.admin_state_up === false ? 0 : 1,
      status: 'ACTIVE',
      gw_port_id: null,
      external_network_id: null,
      enable_snat: 1,
      routes: '[]',
      distributed: 0,
      ha: 0,
      availability_zone_hints: '[]',
      description: body.description ?? '',
      created_at: now,
      updated_at: now,
      revision_number: 0,
    }
    await insertRouter(trx, row)
    if (gw && gw.network_id !== undefined) await setRouterGateway(ctx, trx, auth, row, gw, now)
  })
  return renderRouter(ctx.db, id)
}

/** Routers the caller sees: its project's, or all for admins. */
export async function listRouters(
  ctx: NetworkContext,
  auth: AuthContext,
): Promise<Record<string, unknown>[]> {
  return renderRouters(
    ctx.db,
    await listRouterRows(ctx.db, isAdmin(auth) ? undefined : callerProject(auth)),
  )
}

export async function showRouter(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
): Promise<Record<string, unknown>> {
  await getOwnRouter(ctx.db, auth, id)
  return renderRouter(ctx.db, id)
}

export async function updateRouter(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
  body: RouterUpdate,
): Promise<Record<string, unknown>> {
  if (body.external_gateway_info !== undefined)
    checkGatewayPolicy(auth, body.external_gateway_info, 'update')
  const now = new Date().toISOString()
  await ctx.db.transaction().execute(async (trx) => {
    const router = await getOwnRouter(trx, auth, id)
    if (body.external_gateway_info !== undefined) {
      const info = body.external_gateway_info
      await setRouterGateway(
        ctx,
        trx,
        auth,
        router,
        info && info.network_id !== undefined ? info : null,
        now,
      )
    }
    const changes: RouterChanges = {}
    if (body.name !== undefined) changes.name = body.name
    if (body.description !== undefined) changes.description = body.description
    if (body.admin_state_up !== undefined) changes.admin_state_up = body.admin_state_up ? 1 : 0
    if (body.routes !== undefined)
      changes.routes = JSON.stringify(await checkRoutes(trx, id, body.routes ?? []))
    else if (body.external_gateway_info !== undefined)
      await checkRoutes(trx, id, JSON.parse(router.routes) as Route[])
    await updateRouterRow(trx, id, changes, now)
  })
  return renderRouter(ctx.db, id)
}

export async function deleteRouter(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const router = await getOwnRouter(trx, auth, id)
    const attached = await routerPortIds(trx, id, ROUTER_INTERFACE)
    if (attached.length > 0) {
      throw new ConflictError(`Router ${id} has ports still attached: ${attached.join(', ')}`, {
        type: 'RouterInUse',
      })
    }
    if (router.gw_port_id)
      await setRouterGateway(ctx, trx, auth, router, null, new Date().toISOString())
    await deleteResourceTags(trx, 'router', id)
    await deleteRouterRow(trx, id)
  })
}
