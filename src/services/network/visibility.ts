import type { Selectable } from 'kysely'
import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { NotFoundError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import type { NetworkTable } from '../../db/network-schema.js'

/** A networks row as stored. */
export type NetworkRow = Selectable<NetworkTable>

/**
 * Which networks a caller sees and uses, as Neutron's RBAC model has it
 * (neutron/db/rbac_db_mixin.py, external_net_db.py):
 *
 * - admin sees everything;
 * - a project sees its own networks, and any network with an RBAC policy
 *   (object_type 'network') of action `access_as_shared` or `access_as_external`
 *   whose target_project is the caller's project or '*'.
 *
 * `shared=True` on a network IS an `access_as_shared` policy targeting '*'
 * (the networks service writes it), and `router:external=True` IS an
 * `access_as_external` policy targeting '*'. The `shared` and
 * `router_external` columns are caches of that: whoever changes RBAC
 * policies of a network calls `syncNetworkRbacFlags` afterwards. A network
 * with router_external=1 but no access_as_external policy at all counts as
 * external to everyone (rows seeded without their policy).
 *
 * A network the caller cannot see answers 404 (never 403).
 */
export function visibleNetworksQuery(db: Db, auth: AuthContext) {
  const q = db.selectFrom('networks').selectAll('networks')
  if (isAdmin(auth)) return q
  const project = auth.project?.id ?? ''
  return q.where((eb) =>
    eb.or([
      eb('networks.project_id', '=', project),
      eb('networks.shared', '=', 1),
      // NOTE: rows written without their '*' policy (fixtures, older data) still count as external to all.
      eb.and([
        eb('networks.router_external', '=', 1),
        eb.not(
          eb.exists(
            eb
              .selectFrom('rbac_policies as ext')
              .select('ext.id')
              .whereRef('ext.object_id', '=', 'networks.id')
              .where('ext.object_type', '=', 'network')
              .where('ext.action', '=', 'access_as_external'),
          ),
        ),
      ]),
      eb.exists(
        eb
          .selectFrom('rbac_policies')
          .select('rbac_policies.id')
          .whereRef('rbac_policies.object_id', '=', 'networks.id')
          .where('rbac_policies.object_type', '=', 'network')
          .where('rbac_policies.action', 'in', ['access_as_shared', 'access_as_external'])
          .where('rbac_policies.target_project', 'in', [project, '*']),
      ),
    ]),
  )
}

/** The network if the caller may see it, else undefined. */
export async function findVisibleNetwork(
  db: Db,
  auth: AuthContext,
  id: string,
): Promise<NetworkRow | undefined> {
  return visibleNetworksQuery(db, auth).where('networks.id', '=', id).executeTakeFirst()
}

/** The network if the caller may see it, else 404 NetworkNotFound (Neutron's message). */
export async function getVisibleNetwork(
  db: Db,
  auth: AuthContext,
  id: string,
): Promise<NetworkRow> {
  const n = await findVisibleNetwork(db, auth, id)
  if (!n) throw networkNotFound(id)
  return n
}

/** Neutron's NetworkNotFound. */
export function networkNotFound(id: string): NotFoundError {
  return new NotFoundError(`Network ${id} could not be found.`, { type: 'NetworkNotFound' })
}

/** RBAC actions granted on the network to the caller's project (directly or via '*'). */
async function grantedActions(db: Db, auth: AuthContext, networkId: string): Promise<Set<string>> {
  const project = auth.project?.id ?? ''
  const rows = await db
    .selectFrom('rbac_policies')
    .select('action')
    .where('object_type', '=', 'network')
    .where('object_id', '=', networkId)
    .where('target_project', 'in', [project, '*'])
    .execute()
  return new Set(rows.map((r) => r.action))
}

/** True when the caller is admin or owns the network (Neutron's admin_or_network_owner: subnets, router interfaces). */
export function isNetworkOwnerOrAdmin(auth: AuthContext, network: NetworkRow): boolean {
  return isAdmin(auth) || auth.project?.id === network.project_id
}

/**
 * True when the caller may put ports on the network: owner, admin, or shared
 * to it (access_as_shared for its project or '*'). An external network that
 * is not shared is NOT usable for ordinary ports (only via routers/floating IPs).
 */
export async function canAttachToNetwork(
  db: Db,
  auth: AuthContext,
  network: NetworkRow,
): Promise<boolean> {
  if (isNetworkOwnerOrAdmin(auth, network) || network.shared === 1) return true
  return (await grantedActions(db, auth, network.id)).has('access_as_shared')
}

/**
 * True when the caller may use the network as a router gateway or for
 * floating IPs: it must be router:external and granted access_as_external
 * to the caller's project or '*' (admins and owners always may).
 */
export async function canUseAsExternal(
  db: Db,
  auth: AuthContext,
  network: NetworkRow,
): Promise<boolean> {
  if (!network.router_external) return false
  if (isNetworkOwnerOrAdmin(auth, network)) return true
  if ((await grantedActions(db, auth, network.id)).has('access_as_external')) return true
  const anyPolicy = await db
    .selectFrom('rbac_policies')
    .select('id')
    .where('object_type', '=', 'network')
    .where('object_id', '=', network.id)
    .where('action', '=', 'access_as_external')
    .executeTakeFirst()
  return anyPolicy === undefined
}

/** The `shared` attribute as the caller sees it: an access_as_shared to '*' or to the caller's project. */
export async function sharedForCaller(
  db: Db,
  auth: AuthContext,
  networkIds: readonly string[] | 'all',
): Promise<Set<string>> {
  if (networkIds.length === 0) return new Set()
  let q = db
    .selectFrom('rbac_policies')
    .select('object_id')
    .where('object_type', '=', 'network')
    .where('action', '=', 'access_as_shared')
    .where('target_project', 'in', [auth.project?.id ?? '', '*'])
  // Large lists: one query over the caller's grants instead of a huge IN list.
  if (networkIds !== 'all') q = q.where('object_id', 'in', networkIds)
  const rows = await q.execute()
  return new Set(rows.map((r) => r.object_id))
}

/**
 * Recomputes a network's cached flags from its RBAC policies: `shared` = an
 * access_as_shared policy to '*' exists; `router_external` = any
 * access_as_external policy exists (Neutron makes a network external when one
 * is created and plain again when the last one goes). Call it in the same
 * transaction after creating or deleting a network RBAC policy.
 */
export async function syncNetworkRbacFlags(db: Db, networkId: string): Promise<void> {
  const rows = await db
    .selectFrom('rbac_policies')
    .select(['action', 'target_project'])
    .where('object_type', '=', 'network')
    .where('object_id', '=', networkId)
    .execute()
  const shared = rows.some((r) => r.action === 'access_as_shared' && r.target_project === '*')
  const external = rows.some((r) => r.action === 'access_as_external')
  await db
    .updateTable('networks')
    .set({ shared: shared ? 1 : 0, router_external: external ? 1 : 0 })
    .where('id', '=', networkId)
    .execute()
}

/**
 * Networks whose SUBNETS the caller sees (Neutron's subnet RBAC filter): its
 * own and those shared to it (access_as_shared to its project or '*'). Unlike
 * `visibleNetworksQuery`, an external network that is not shared does not
 * expose its subnets (Tempest test_external_network_visibility).
 */
export function subnetNetworksQuery(db: Db, auth: AuthContext) {
  const q = db.selectFrom('networks').selectAll('networks')
  if (isAdmin(auth)) return q
  const project = auth.project?.id ?? ''
  return q.where((eb) =>
    eb.or([
      eb('networks.project_id', '=', project),
      eb('networks.shared', '=', 1),
      eb.exists(
        eb
          .selectFrom('rbac_policies')
          .select('rbac_policies.id')
          .whereRef('rbac_policies.object_id', '=', 'networks.id')
          .where('rbac_policies.object_type', '=', 'network')
          .where('rbac_policies.action', '=', 'access_as_shared')
          .where('rbac_policies.target_project', 'in', [project, '*']),
      ),
    ]),
  )
}

/** True when the caller sees the subnets of the network (see subnetNetworksQuery). */
export async function canSeeSubnetsOf(
  db: Db,
  auth: AuthContext,
  networkId: string,
): Promise<boolean> {
  const row = await subnetNetworksQuery(db, auth)
    .select('networks.id as nid')
    .where('networks.id', '=', networkId)
    .executeTakeFirst()
  return row !== undefined
}
