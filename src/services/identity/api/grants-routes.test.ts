import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../testing.js'
import { fixtures, type Fixtures } from './assignments-testing.js'

const V3 = '/identity/v3'
const MISSING = 'ffffffffffffffffffffffffffffffff'

describe('identity grants', () => {
  let cloud: TestCloud
  let fx: Fixtures
  let admin: string
  const call = (method: string, path: string, body?: unknown, token?: string) =>
    cloud.request(method, `${V3}${path}`, { token: token ?? admin, body })
  const newRole = async (name: string, domainId?: string): Promise<string> => {
    const res = await call('POST', '/roles', {
      role: { name, ...(domainId ? { domain_id: domainId } : {}) },
    })
    assert.equal(res.status, 201)
    return String(res.body.role.id)
  }
  const projectName = async (id: string) =>
    (
      await cloud.identity.ctx.db
        .selectFrom('projects')
        .select('name')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).name

  before(async () => {
    cloud = await createTestCloud()
    fx = fixtures(cloud)
    admin = await cloud.adminToken()
  })
  after(async () => {
    await cloud.close()
  })

  for (const [target, actor] of [
    ['projects', 'users'],
    ['projects', 'groups'],
    ['domains', 'users'],
    ['domains', 'groups'],
    ['system', 'users'],
    ['system', 'groups'],
  ] as const) {
    test(`grant, list, check, revoke: ${actor} on ${target}`, async () => {
      const d = await fx.domain()
      const targetPath =
        target === 'system'
          ? '/system'
          : target === 'domains'
            ? `/domains/${d}`
            : `/projects/${await fx.project(d)}`
      const actorId = actor === 'users' ? await fx.user(d) : await fx.group(d)
      const role = await newRole(`grant-${target}-${actor}`)
      const one = `${targetPath}/${actor}/${actorId}/roles/${role}`
      assert.equal((await call('PUT', one)).status, 204)
      assert.equal((await call('PUT', one)).status, 204, 'PUT is idempotent')
      const list = await call('GET', `${targetPath}/${actor}/${actorId}/roles`)
      assert.equal(list.status, 200)
      assert.deepEqual(
        list.body.roles.map((r: { id: string }) => r.id),
        [role],
      )
      assert.equal(list.body.roles[0].links.self, `http://localhost:80${V3}/roles/${role}`)
      assert.equal((await call('HEAD', one)).status, 204)
      assert.equal((await call('GET', one)).status, 204)
      assert.equal((await call('DELETE', one)).status, 204)
      const check = await call('GET', one)
      assert.equal(check.status, 404)
      const targetId = target === 'system' ? 'system' : targetPath.split('/')[2]
      assert.equal(
        check.body.error.message,
        `Could not find role assignment with role: ${role}, user or group: ${actorId}, project, domain, or system: ${targetId}.`,
      )
      assert.equal((await call('DELETE', one)).status, 404)
      assert.deepEqual(
        (await call('GET', `${targetPath}/${actor}/${actorId}/roles`)).body.roles,
        [],
      )
    })
  }

  test('unknown role, actor or target is a 404', async () => {
    const d = await fx.domain()
    const p = await fx.project(d)
    const u = await fx.user(d)
    const g = await fx.group(d)
    const r = await newRole('grant-404')
    const cases: Array<[string, string]> = [
      [`/projects/${p}/users/${u}/roles/${MISSING}`, `Could not find role: ${MISSING}.`],
      [`/projects/${p}/users/${MISSING}/roles/${r}`, `Could not find user: ${MISSING}.`],
      [`/projects/${p}/groups/${MISSING}/roles/${r}`, `Could not find group: ${MISSING}.`],
      [`/projects/${MISSING}/users/${u}/roles/${r}`, `Could not find project: ${MISSING}.`],
      [`/domains/${MISSING}/groups/${g}/roles/${r}`, `Could not find domain: ${MISSING}.`],
      [`/system/users/${MISSING}/roles/${r}`, `Could not find user: ${MISSING}.`],
      [
        `/OS-INHERIT/domains/${MISSING}/users/${u}/roles/${r}/inherited_to_projects`,
        `Could not find domain: ${MISSING}.`,
      ],
    ]
    for (const [path, message] of cases) {
      for (const m of ['PUT', 'GET']) {
        const res = await call(m, path)
        assert.equal(res.status, 404, `${m} ${path}`)
        assert.equal(res.body.error.message, message)
      }
    }
    assert.equal((await call('GET', `/projects/${p}/users/${MISSING}/roles`)).status, 404)
    // Revoking from a vanished user is allowed to look up; the grant itself is then missing.
    const gone = await call('DELETE', `/projects/${p}/users/${MISSING}/roles/${r}`)
    assert.equal(gone.status, 404)
    assert.match(gone.body.error.message, /^Could not find role assignment/)
  })

  test('domain-specific roles: same domain only on projects, never on the system', async () => {
    const d = await fx.domain()
    const other = await fx.domain()
    const u = await fx.user(d)
    const dr = await newRole('dom-grant', d)
    const inDomain = await fx.project(d)
    const elsewhere = await fx.project(other)
    assert.equal((await call('PUT', `/projects/${inDomain}/users/${u}/roles/${dr}`)).status, 204)
    const mismatch = await call('PUT', `/projects/${elsewhere}/users/${u}/roles/${dr}`)
    assert.equal(mismatch.status, 403)
    assert.equal(
      mismatch.body.error.message,
      `Project ${elsewhere} must be in the same domain as the role ${dr} being assigned.`,
    )
    const sys = await call('PUT', `/system/users/${u}/roles/${dr}`)
    assert.equal(sys.status, 400)
    assert.match(sys.body.error.message, /is a domain-specific role/)
  })

  test('OS-INHERIT grants on domains and projects', async () => {
    const d = await fx.domain()
    const p = await fx.project(d)
    const u = await fx.user(d)
    const g = await fx.group(d)
    const r = await newRole('inh-role')
    for (const actor of [`users/${u}`, `groups/${g}`]) {
      const one = `/OS-INHERIT/domains/${d}/${actor}/roles/${r}/inherited_to_projects`
      assert.equal((await call('PUT', one)).status, 204)
      const list = await call(
        'GET',
        `/OS-INHERIT/domains/${d}/${actor}/roles/inherited_to_projects`,
      )
      assert.deepEqual(
        list.body.roles.map((x: { id: string }) => x.id),
        [r],
      )
      // The inherited grant is not a grant on the domain itself.
      assert.deepEqual((await call('GET', `/domains/${d}/${actor}/roles`)).body.roles, [])
      assert.equal((await call('HEAD', one)).status, 204)
      assert.equal((await call('DELETE', one)).status, 204)
      assert.equal((await call('HEAD', one)).status, 404)

      const pone = `/OS-INHERIT/projects/${p}/${actor}/roles/${r}/inherited_to_projects`
      assert.equal((await call('PUT', pone)).status, 204)
      assert.equal((await call('GET', pone)).status, 204)
      assert.equal((await call('GET', `/projects/${p}/${actor}/roles/${r}`)).status, 404)
      assert.equal((await call('DELETE', pone)).status, 204)
    }
    // Keystone has no listing of inherited grants on a project.
    assert.equal(
      (await call('GET', `/OS-INHERIT/projects/${p}/users/${u}/roles/inherited_to_projects`))
        .status,
      404,
    )
  })

  test('tokens follow grants: group, inherited, and removal', async () => {
    const d = 'default'
    const parent = await fx.project(d)
    const child = await fx.project(d, parent)
    const u = await fx.user(d, 'pw-grants', 'grant-token-user')
    const g = await fx.group(d)
    await fx.member(g, u)
    const r = await newRole('via-group')
    assert.equal((await call('PUT', `/projects/${parent}/groups/${g}/roles/${r}`)).status, 204)
    const token = await cloud.token('grant-token-user', 'pw-grants', await projectName(parent))
    const check = await cloud.request('GET', `${V3}/auth/tokens`, {
      token: admin,
      headers: { 'x-subject-token': token },
    })
    assert.deepEqual(
      check.body.token.roles.map((x: { id: string }) => x.id),
      [r],
    )

    // Inherited from the parent project onto the child only.
    const inh = await newRole('inherited-down')
    assert.equal(
      (
        await call(
          'PUT',
          `/OS-INHERIT/projects/${parent}/users/${u}/roles/${inh}/inherited_to_projects`,
        )
      ).status,
      204,
    )
    const childToken = await cloud.token('grant-token-user', 'pw-grants', await projectName(child))
    const cv = await cloud.request('GET', `${V3}/auth/tokens`, {
      token: admin,
      headers: { 'x-subject-token': childToken },
    })
    assert.deepEqual(
      cv.body.token.roles.map((x: { id: string }) => x.id),
      [inh],
    )

    // Removing the only role on the scope makes the token stop validating.
    assert.equal((await call('DELETE', `/projects/${parent}/groups/${g}/roles/${r}`)).status, 204)
    const gone = await cloud.request('GET', `${V3}/auth/tokens`, {
      token: admin,
      headers: { 'x-subject-token': token },
    })
    assert.equal(gone.status, 404)
  })

  test('only admin may grant', async () => {
    const p = await fx.project('default')
    const u = await fx.user('default', 'pw-nonadmin', 'grant-nonadmin')
    const member = (await call('GET', '/roles?name=member')).body.roles[0].id
    assert.equal((await call('PUT', `/projects/${p}/users/${u}/roles/${member}`)).status, 204)
    const token = await cloud.token('grant-nonadmin', 'pw-nonadmin', await projectName(p))
    for (const [m, path] of [
      ['PUT', `/projects/${p}/users/${u}/roles/${member}`],
      ['GET', `/projects/${p}/users/${u}/roles`],
      ['DELETE', `/projects/${p}/users/${u}/roles/${member}`],
      ['PUT', `/system/users/${u}/roles/${member}`],
      ['GET', '/role_assignments'],
    ] as const) {
      assert.equal((await call(m, path, undefined, token)).status, 403, `${m} ${path}`)
    }
  })
})
