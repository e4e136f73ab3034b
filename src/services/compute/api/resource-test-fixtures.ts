/** Fixtures for the compute resource API tests: users and projects through the identity API. */
import type { TestCloud } from '../../identity/testing.js'

export const C = '/compute/v2.1'

export interface Member {
  readonly projectId: string
  readonly userId: string
  readonly token: string
}

/** A new project with a member user; returns ids and a project-scoped token. */
export async function memberOf(cloud: TestCloud, admin: string, name: string): Promise<Member> {
  const p = await cloud.request('POST', '/identity/v3/projects', {
    token: admin,
    body: { project: { name, domain_id: 'default' } },
  })
  const u = await cloud.request('POST', '/identity/v3/users', {
    token: admin,
    body: { user: { name: `${name}-user`, password: 'pw', domain_id: 'default' } },
  })
  const roles = await cloud.request('GET', '/identity/v3/roles?name=member', { token: admin })
  const roleId = (roles.body as { roles: Array<{ id: string }> }).roles[0]!.id
  const projectId = (p.body as { project: { id: string } }).project.id
  const userId = (u.body as { user: { id: string } }).user.id
  await cloud.request('PUT', `/identity/v3/projects/${projectId}/users/${userId}/roles/${roleId}`, {
    token: admin,
  })
  return { projectId, userId, token: await cloud.token(`${name}-user`, 'pw', name) }
}

/** A request to the compute API at a microversion (default 2.1). */
export function computeRequest(cloud: TestCloud) {
  return (method: string, url: string, token: string, body?: unknown, version?: string) =>
    cloud.request(method, `${C}${url}`, {
      token,
      ...(body !== undefined ? { body } : {}),
      ...(version ? { headers: { 'openstack-api-version': `compute ${version}` } } : {}),
    })
}

/** A service record as a compute worker would register it (heartbeat now unless given). */
export async function seedService(
  cloud: TestCloud,
  host: string,
  opts: {
    binary?: string
    disabled?: boolean
    lastSeen?: string | null
    forcedDown?: boolean
  } = {},
): Promise<{ id: number; uuid: string }> {
  const now = new Date().toISOString()
  const uuid = crypto.randomUUID()
  await cloud.database.db
    .insertInto('compute_services')
    .values({
      uuid,
      host,
      binary: opts.binary ?? 'nova-compute',
      topic: (opts.binary ?? 'nova-compute').replace(/^nova-/, ''),
      disabled: opts.disabled ? 1 : 0,
      disabled_reason: null,
      forced_down: opts.forcedDown ? 1 : 0,
      last_seen_up: opts.lastSeen === undefined ? now : opts.lastSeen,
      report_count: 1,
      version: 1,
      created_at: now,
      updated_at: now,
    })
    .execute()
  const row = await cloud.database.db
    .selectFrom('compute_services')
    .select('id')
    .where('uuid', '=', uuid)
    .executeTakeFirstOrThrow()
  return { id: row.id, uuid }
}

/** A compute node of a host, as its worker reports it. */
export async function seedNode(
  cloud: TestCloud,
  host: string,
  extra: Partial<{
    vcpus: number
    vcpus_used: number
    memory_mb: number
    memory_mb_used: number
    local_gb: number
    local_gb_used: number
    running_vms: number
  }> = {},
): Promise<{ id: number; uuid: string }> {
  const now = new Date().toISOString()
  const uuid = crypto.randomUUID()
  await cloud.database.db
    .insertInto('compute_nodes')
    .values({
      uuid,
      host,
      nodename: host,
      hypervisor_hostname: host,
      hypervisor_type: 'fake',
      hypervisor_version: 1000,
      host_ip: '192.0.2.10',
      vcpus: 8,
      vcpus_used: 2,
      memory_mb: 16384,
      memory_mb_used: 1024,
      local_gb: 100,
      local_gb_used: 10,
      running_vms: 1,
      cpu_info: '{"arch":"x86_64"}',
      supported_instances: '[]',
      traits: '[]',
      sub_hosts: '[]',
      created_at: now,
      updated_at: now,
      ...extra,
    })
    .execute()
  const row = await cloud.database.db
    .selectFrom('compute_nodes')
    .select('id')
    .where('uuid', '=', uuid)
    .executeTakeFirstOrThrow()
  return { id: row.id, uuid }
}
