import type { Readable } from 'node:stream'
import { createTestCloud, type TestCloud } from '../identity/testing.js'

/** A project with a member user and a token scoped to it. */
export interface TestProject {
  readonly id: string
  readonly userId: string
  readonly token: string
}

export interface ImageTestCloud extends TestCloud {
  readonly admin: string
  /** Two ordinary projects (member role) to test isolation and sharing. */
  readonly alice: TestProject
  readonly bob: TestProject
  /** Sends raw bytes (PUT /file, /stage); `body` may be a stream to test interruptions. */
  putData(
    url: string,
    token: string,
    body: Buffer | Readable,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: string }>
  /** POST /v2/images with the token; returns the created image. */
  newImage(token: string, body?: Record<string, unknown>): Promise<Record<string, any>>
}

async function project(
  c: TestCloud,
  admin: string,
  name: string,
  memberRole: string,
): Promise<TestProject> {
  const p = await c.request('POST', '/identity/v3/projects', {
    token: admin,
    body: { project: { name, domain_id: 'default' } },
  })
  const password = `pw-${name}-secret`
  const u = await c.request('POST', '/identity/v3/users', {
    token: admin,
    body: { user: { name: `user-${name}`, password, domain_id: 'default' } },
  })
  if (p.status !== 201 || u.status !== 201)
    throw new Error(`creating ${name}: ${p.status} ${u.status}`)
  const put = await c.request(
    'PUT',
    `/identity/v3/projects/${p.body.project.id}/users/${u.body.user.id}/roles/${memberRole}`,
    {
      token: admin,
    },
  )
  if (put.status !== 204) throw new Error(`granting member on ${name}: ${put.status}`)
  return {
    id: p.body.project.id,
    userId: u.body.user.id,
    token: await c.token(`user-${name}`, password, name),
  }
}

/**
 * An in-memory Nubis for image API tests: admin plus projects alice and bob,
 * each with a member user. `env` sets image options (NUBIS_IMAGE__…,
 * NUBIS_GLANCE_STORE__…).
 */
export async function createImageTestCloud(
  env: Record<string, string> = {},
): Promise<ImageTestCloud> {
  const c = await createTestCloud({ env })
  const admin = await c.adminToken()
  const roles = await c.request('GET', '/identity/v3/roles?name=member', { token: admin })
  const member = roles.body.roles[0].id as string
  const alice = await project(c, admin, 'alice', member)
  const bob = await project(c, admin, 'bob', member)
  return {
    ...c,
    admin,
    alice,
    bob,
    async putData(url, token, body, headers = {}) {
      const res = await c.app.inject({
        method: 'PUT',
        url,
        headers: { 'x-auth-token': token, 'content-type': 'application/octet-stream', ...headers },
        payload: body,
      })
      return { status: res.statusCode, body: res.body }
    },
    async newImage(token, body = {}) {
      const res = await c.request('POST', '/image/v2/images', {
        token,
        body: { name: 'test', disk_format: 'raw', container_format: 'bare', ...body },
      })
      if (res.status !== 201)
        throw new Error(`create image: ${res.status} ${JSON.stringify(res.body)}`)
      return res.body as Record<string, any>
    },
  }
}
