/** Helpers for the block storage API tests. */
import type { TestCloud } from '../identity/testing.js'

export interface Member {
  readonly projectId: string
  readonly userId: string
  readonly token: string
}

/** A new project with a member user; its id and a project-scoped token. */
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

export interface VolumeClient {
  (
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{
    status: number
    body: any
    headers: Record<string, string | string[] | number | undefined>
  }>
}

/** Requests under /volume/v3/{project} with the member's token. */
export function volumeClient(
  cloud: TestCloud,
  m: { projectId: string; token: string },
): VolumeClient {
  return (method, path, body, headers) =>
    cloud.request(method, `/volume/v3/${m.projectId}${path}`, {
      token: m.token,
      ...(body !== undefined ? { body } : {}),
      ...(headers ? { headers } : {}),
    })
}

/** Polls GET {path} until `field` is one of `want` (or a failure status); answers the resource. */
export async function waitStatus(
  c: VolumeClient,
  path: string,
  key: string,
  want: string | readonly string[],
  timeoutMs = 20_000,
): Promise<any> {
  const wanted = typeof want === 'string' ? [want] : want
  const end = Date.now() + timeoutMs
  let last: any
  for (;;) {
    const r = await c('GET', path)
    if (r.status === 404 && wanted.includes('deleted')) return undefined
    last = r.body?.[key]
    if (last && wanted.includes(last.status)) return last
    if (Date.now() > end)
      throw new Error(
        `${path}: still ${JSON.stringify(last?.status ?? r.status)} (want ${wanted.join('|')})`,
      )
    await new Promise((res) => setTimeout(res, 25))
  }
}
