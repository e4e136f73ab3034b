/** Queries for OS-EP-FILTER endpoint groups and their project associations. */
import type { Db } from '../../database.js'
import type { EndpointGroupTable } from '../../schema.js'

export type EndpointGroupRow = EndpointGroupTable

export function getEndpointGroup(db: Db, id: string): Promise<EndpointGroupRow | undefined> {
  return db.selectFrom('endpoint_groups').selectAll().where('id', '=', id).executeTakeFirst()
}

export function listEndpointGroups(
  db: Db,
  filter: { name?: string } = {},
): Promise<EndpointGroupRow[]> {
  let q = db.selectFrom('endpoint_groups').selectAll()
  if (filter.name !== undefined) q = q.where('name', '=', filter.name)
  return q.orderBy('name').orderBy('id').execute()
}

export async function insertEndpointGroup(db: Db, row: EndpointGroupRow): Promise<void> {
  await db.insertInto('endpoint_groups').values(row).execute()
}

export async function updateEndpointGroup(
  db: Db,
  id: string,
  patch: Partial<Omit<EndpointGroupRow, 'id'>>,
): Promise<void> {
  await db.updateTable('endpoint_groups').set(patch).where('id', '=', id).execute()
}

/** Deletes the group and its project associations. */
export async function deleteEndpointGroup(db: Db, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('project_endpoint_groups').where('endpoint_group_id', '=', id).execute()
    await trx.deleteFrom('endpoint_groups').where('id', '=', id).execute()
  })
}

export async function hasProjectEndpointGroup(
  db: Db,
  groupId: string,
  projectId: string,
): Promise<boolean> {
  const r = await db
    .selectFrom('project_endpoint_groups')
    .select('project_id')
    .where('endpoint_group_id', '=', groupId)
    .where('project_id', '=', projectId)
    .executeTakeFirst()
  return r !== undefined
}

export async function addProjectEndpointGroup(
  db: Db,
  groupId: string,
  projectId: string,
): Promise<void> {
  await db
    .insertInto('project_endpoint_groups')
    .values({ endpoint_group_id: groupId, project_id: projectId })
    .execute()
}

export async function removeProjectEndpointGroup(
  db: Db,
  groupId: string,
  projectId: string,
): Promise<void> {
  await db
    .deleteFrom('project_endpoint_groups')
    .where('endpoint_group_id', '=', groupId)
    .where('project_id', '=', projectId)
    .execute()
}

/** Project ids associated with a group. */
export async function listProjectIdsForEndpointGroup(db: Db, groupId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('project_endpoint_groups')
    .select('project_id')
    .where('endpoint_group_id', '=', groupId)
    .orderBy('project_id')
    .execute()
  return rows.map((r) => r.project_id)
}

/** Endpoint groups associated with a project. */
export function listEndpointGroupsForProject(
  db: Db,
  projectId: string,
): Promise<EndpointGroupRow[]> {
  return db
    .selectFrom('endpoint_groups')
    .innerJoin(
      'project_endpoint_groups',
      'project_endpoint_groups.endpoint_group_id',
      'endpoint_groups.id',
    )
    .selectAll('endpoint_groups')
    .where('project_endpoint_groups.project_id', '=', projectId)
    .orderBy('endpoint_groups.name')
    .execute()
}

/** For project deletion: drops every endpoint-group association of the project (Keystone does this on delete). */
export async function deleteEndpointGroupAssociationsForProject(
  db: Db,
  projectId: string,
): Promise<void> {
  await db.deleteFrom('project_endpoint_groups').where('project_id', '=', projectId).execute()
}
