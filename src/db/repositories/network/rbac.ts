import type { Insertable, Selectable } from 'kysely'
import type { Db } from '../../database.js'
import type { RbacPolicyTable } from '../../network-schema.js'

export type RbacPolicyRow = Selectable<RbacPolicyTable>

export async function findRbacPolicy(db: Db, id: string): Promise<RbacPolicyRow | undefined> {
  return db.selectFrom('rbac_policies').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Policies owned by a project, or all when `projectId` is undefined (admin). */
export async function listRbacPolicies(
  db: Db,
  projectId: string | undefined,
): Promise<RbacPolicyRow[]> {
  return db
    .selectFrom('rbac_policies')
    .selectAll()
    .$if(projectId !== undefined, (q) => q.where('project_id', '=', projectId ?? ''))
    .execute()
}

/** Policies on one object with one action (the other grants a delete must respect). */
export async function objectPolicies(
  db: Db,
  objectType: string,
  objectId: string,
  action: string,
): Promise<RbacPolicyRow[]> {
  return db
    .selectFrom('rbac_policies')
    .selectAll()
    .where('object_type', '=', objectType)
    .where('object_id', '=', objectId)
    .where('action', '=', action)
    .execute()
}

export async function insertRbacPolicy(db: Db, row: Insertable<RbacPolicyTable>): Promise<void> {
  await db.insertInto('rbac_policies').values(row).execute()
}

export async function setRbacTarget(db: Db, id: string, target: string): Promise<void> {
  await db
    .updateTable('rbac_policies')
    .set({ target_project: target })
    .where('id', '=', id)
    .execute()
}

export async function deleteRbacPolicy(db: Db, id: string): Promise<void> {
  await db.deleteFrom('rbac_policies').where('id', '=', id).execute()
}

/** Ports on a network whose project is `only` (when given) and not in `except`. */
export async function countNetworkPorts(
  db: Db,
  networkId: string,
  filter: { only?: string; except?: readonly string[] },
): Promise<number> {
  let q = db
    .selectFrom('ports')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('network_id', '=', networkId)
  if (filter.only !== undefined) q = q.where('project_id', '=', filter.only)
  if (filter.except && filter.except.length) q = q.where('project_id', 'not in', [...filter.except])
  return Number((await q.executeTakeFirstOrThrow()).n)
}

/** Routers with their gateway on a network, restricted like countNetworkPorts. */
export async function countGatewayRouters(
  db: Db,
  networkId: string,
  filter: { only?: string; except?: readonly string[] },
): Promise<number> {
  let q = db
    .selectFrom('routers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('external_network_id', '=', networkId)
  if (filter.only !== undefined) q = q.where('project_id', '=', filter.only)
  if (filter.except && filter.except.length) q = q.where('project_id', 'not in', [...filter.except])
  return Number((await q.executeTakeFirstOrThrow()).n)
}
