import { newHexId } from '../../../common/ids.js'
import { nowIso } from '../../../db/repositories/identity/rows.js'
import { AssignmentType } from '../../../db/schema.js'
import type { TestCloud } from '../testing.js'

/**
 * Test fixtures for the resource API tests. They write users and grants
 * straight into the database so these tests do not depend on the users and
 * assignments APIs.
 */
export async function addUser(
  cloud: TestCloud,
  name: string,
  password: string,
  domainId = 'default',
): Promise<string> {
  const id = newHexId()
  await cloud.database.db
    .insertInto('users')
    .values({
      id,
      domain_id: domainId,
      name,
      enabled: 1,
      default_project_id: null,
      description: '',
      email: null,
      extra: '{}',
      options: '{}',
      created_at: nowIso(),
      last_active_at: null,
      password_hash: await cloud.identity.ctx.hasher.hash(password),
      password_created_at: nowIso(),
      password_expires_at: null,
      failed_auth_count: 0,
      failed_auth_at: null,
    })
    .execute()
  return id
}

export async function roleId(cloud: TestCloud, name: string): Promise<string> {
  const r = await cloud.database.db
    .selectFrom('roles')
    .select('id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow()
  return r.id
}

/** Grants a role (by name) to a user or group on a project or domain. */
export async function grant(
  cloud: TestCloud,
  type: AssignmentType,
  actorId: string,
  targetId: string,
  role = 'member',
  inherited = false,
): Promise<void> {
  await cloud.database.db
    .insertInto('assignments')
    .values({
      type,
      actor_id: actorId,
      target_id: targetId,
      role_id: await roleId(cloud, role),
      inherited: inherited ? 1 : 0,
    })
    .execute()
  cloud.identity.ctx.changed()
}

/** Creates a project through the API and returns its id. */
export async function makeProject(
  cloud: TestCloud,
  token: string,
  project: Record<string, unknown>,
): Promise<string> {
  const res = await cloud.request('POST', '/identity/v3/projects', { token, body: { project } })
  if (res.status !== 201)
    throw new Error(`create project: ${res.status} ${JSON.stringify(res.body)}`)
  return (res.body as { project: { id: string } }).project.id
}

/** Creates a domain through the API and returns its id. */
export async function makeDomain(
  cloud: TestCloud,
  token: string,
  domain: Record<string, unknown>,
): Promise<string> {
  const res = await cloud.request('POST', '/identity/v3/domains', { token, body: { domain } })
  if (res.status !== 201)
    throw new Error(`create domain: ${res.status} ${JSON.stringify(res.body)}`)
  return (res.body as { domain: { id: string } }).domain.id
}

/** A password token for a user of any domain, optionally scoped to a project or domain id. */
export async function tokenFor(
  cloud: TestCloud,
  userId: string,
  password: string,
  scope?: { project: string } | { domain: string },
): Promise<string> {
  const s =
    scope === undefined
      ? {}
      : 'project' in scope
        ? { scope: { project: { id: scope.project } } }
        : { scope: { domain: { id: scope.domain } } }
  const res = await cloud.request('POST', '/identity/v3/auth/tokens', {
    body: {
      auth: {
        identity: { methods: ['password'], password: { user: { id: userId, password } } },
        ...s,
      },
    },
  })
  if (res.status !== 201) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`)
  return String(res.headers['x-subject-token'])
}

export { AssignmentType }
