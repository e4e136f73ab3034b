import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../testing.js'
import { fixtures, type Fixtures } from './assignments-testing.js'

const V3 = '/identity/v3'
const BASE = `http://localhost:80${V3}`

interface Entry {
  user?: { id: string; name?: string }
  group?: { id: string }
  scope: {
    project?: { id: string }
    domain?: { id: string }
    system?: unknown
    'OS-INHERIT:inherited_to'?: string
  }
  role: { id: string; name?: string }
  links: { assignment: string; membership?: string; prior_role?: string }
}

describe('identity role assignments', () => {
  let cloud: TestCloud
  let fx: Fixtures
  let admin: string
  const call = (method: string, path: string, body?: unknown) =>
    cloud.request(method, `${V3}${path}`, { token: admin, body })
  const list = async (query: string): Promise<Entry[]> => {
    const res = await call('GET', `/role_assignments?${query}`)
    assert.equal(res.status, 200, JSON.stringify(res.body))
    return res.body.role_assignments as Entry[]
  }
  const newRole = async (name: string, domainId?: string): Promise<string> =>
    String(
      (
        await call('POST', '/roles', {
          role: { name, ...(domainId ? { domain_id: domainId } : {}) },
        })
      ).body.role.id,
    )
  const put = async (path: string) => assert.equal((await call('PUT', path)).status, 204, path)

  before(async () => {
    cloud = await createTestCloud()
    fx = fixtures(cloud)
    admin = await cloud.adminToken()
  })
  after(async () => {
    await cloud.close()
  })

  test('direct listing: filters, system grants, links', async () => {
    const d = await fx.domain()
    const p = await fx.project(d)
    const u = await fx.user(d)
    const r = await newRole('ra-direct')
    await put(`/projects/${p}/users/${u}/roles/${r}`)
    await put(`/domains/${d}/users/${u}/roles/${r}`)
    await put(`/system/users/${u}/roles/${r}`)
    const all = await list(`user.id=${u}`)
    assert.equal(all.length, 3)
    const proj = all.find((e) => e.scope.project)
    assert.deepEqual(proj, {
      links: { assignment: `${BASE}/projects/${p}/users/${u}/roles/${r}` },
      scope: { project: { id: p } },
      user: { id: u },
      role: { id: r },
    })
    assert.equal(
      all.find((e) => e.scope.domain)?.links.assignment,
      `${BASE}/domains/${d}/users/${u}/roles/${r}`,
    )
    assert.deepEqual(all.find((e) => e.scope.system)?.scope, { system: { all: true } })
    assert.equal(
      all.find((e) => e.scope.system)?.links.assignment,
      `${BASE}/system/users/${u}/roles/${r}`,
    )
    assert.equal((await list(`user.id=${u}&scope.project.id=${p}`)).length, 1)
    assert.equal((await list(`user.id=${u}&scope.domain.id=${d}`)).length, 1)
    assert.equal((await list(`user.id=${u}&scope.system=all`)).length, 1)
    assert.equal((await list(`role.id=${r}`)).length, 3)
    const res = await call('GET', `/role_assignments?role.id=${r}`)
    assert.deepEqual(res.body.links, {
      self: `${BASE}/role_assignments?role.id=${r}`,
      previous: null,
      next: null,
    })
  })

  test('effective listing expands groups, inheritance and implied roles, and drops domain roles', async () => {
    const d = await fx.domain()
    const parent = await fx.project(d)
    const leaf = await fx.project(d, parent)
    const u = await fx.user(d)
    const g = await fx.group(d)
    await fx.member(g, u)
    const viaGroup = await newRole('ra-group')
    const inherited = await newRole('ra-inherited')
    const prior = await newRole('ra-prior')
    const implied = await newRole('ra-implied')
    const domainRole = await newRole('ra-domain-role', d)
    assert.equal((await call('PUT', `/roles/${prior}/implies/${implied}`)).status, 201)
    await put(`/projects/${parent}/groups/${g}/roles/${viaGroup}`)
    await put(`/OS-INHERIT/domains/${d}/users/${u}/roles/${inherited}/inherited_to_projects`)
    await put(`/projects/${leaf}/users/${u}/roles/${prior}`)
    await put(`/projects/${leaf}/users/${u}/roles/${domainRole}`)

    // Direct mode shows the group grant as such; effective mode shows it per member.
    const direct = await list(`group.id=${g}`)
    assert.deepEqual(
      direct.map((e) => e.group?.id),
      [g],
    )
    const onParent = await list(`effective&user.id=${u}&scope.project.id=${parent}`)
    const grp = onParent.find((e) => e.role.id === viaGroup)
    assert.deepEqual(grp, {
      links: {
        assignment: `${BASE}/projects/${parent}/groups/${g}/roles/${viaGroup}`,
        membership: `${BASE}/groups/${g}/users/${u}`,
      },
      scope: { project: { id: parent } },
      user: { id: u },
      role: { id: viaGroup },
    })
    const inh = onParent.find((e) => e.role.id === inherited)
    assert.deepEqual(inh?.scope, { project: { id: parent }, 'OS-INHERIT:inherited_to': 'projects' })
    assert.equal(
      inh?.links.assignment,
      `${BASE}/OS-INHERIT/domains/${d}/users/${u}/roles/${inherited}/inherited_to_projects`,
    )
    assert.equal(onParent.length, 2)

    const onLeaf = await list(`effective&user.id=${u}&scope.project.id=${leaf}`)
    assert.deepEqual(onLeaf.map((e) => e.role.id).sort(), [inherited, prior, implied].sort())
    const imp = onLeaf.find((e) => e.role.id === implied)
    assert.equal(imp?.links.assignment, `${BASE}/projects/${leaf}/users/${u}/roles/${prior}`)
    assert.equal(imp?.links.prior_role, `${BASE}/prior_role/${implied}/implies/${prior}`)

    // Without a project filter the domain-inherited grant lands on every project of the domain.
    const everywhere = await list(`effective&user.id=${u}&role.id=${inherited}`)
    assert.deepEqual(everywhere.map((e) => e.scope.project?.id).sort(), [parent, leaf].sort())
    // Without a user filter group grants still expand to their members.
    const byRole = await list(`effective&role.id=${viaGroup}`)
    assert.deepEqual(
      byRole.map((e) => e.user?.id),
      [u],
    )
    // effective=0 is direct mode.
    assert.deepEqual(
      (await list(`effective=0&group.id=${g}`)).map((e) => e.group?.id),
      [g],
    )
  })

  test('include_names and include_subtree', async () => {
    const d = await fx.domain('names-domain')
    const parent = await fx.project(d, undefined, 'names-parent')
    const child = await fx.project(d, parent, 'names-child')
    const u = await fx.user(d, undefined, 'names-user')
    const r = await newRole('ra-names')
    await put(`/projects/${child}/users/${u}/roles/${r}`)
    const named = await list(`user.id=${u}&include_names`)
    assert.deepEqual(named[0], {
      links: { assignment: `${BASE}/projects/${child}/users/${u}/roles/${r}` },
      scope: {
        project: { id: child, name: 'names-child', domain: { id: d, name: 'names-domain' } },
      },
      user: { id: u, name: 'names-user', domain: { id: d, name: 'names-domain' } },
      role: { id: r, name: 'ra-names' },
    })
    assert.deepEqual(await list(`scope.project.id=${parent}`), [])
    const tree = await list(`scope.project.id=${parent}&include_subtree`)
    assert.deepEqual(
      tree.map((e) => e.scope.project?.id),
      [child],
    )
    const noProject = await call('GET', '/role_assignments?include_subtree=1')
    assert.equal(noProject.status, 400)
    assert.equal(
      noProject.body.error.message,
      'scope.project.id must be specified if include_subtree is also specified',
    )
    assert.equal(
      (
        await call(
          'GET',
          '/role_assignments?include_subtree&scope.project.id=ffffffffffffffffffffffffffffffff',
        )
      ).status,
      404,
    )
  })

  test('filter combinations that can never match are a 400', async () => {
    const cases: Array<[string, string]> = [
      ['scope.domain.id=a&scope.project.id=b', 'Specify a domain or project, not both'],
      ['scope.domain.id=a&scope.system=all', 'Specify system or domain, not both'],
      ['scope.project.id=a&scope.system=all', 'Specify system or project, not both'],
      ['user.id=a&group.id=b', 'Specify a user or group, not both'],
      [
        'effective&group.id=b',
        'Combining effective and group filter will always result in an empty list.',
      ],
      [
        'effective&scope.domain.id=a&scope.OS-INHERIT:inherited_to=projects',
        'Combining effective, domain and inherited filters will always result in an empty list.',
      ],
    ]
    for (const [q, message] of cases) {
      const res = await call('GET', `/role_assignments?${q}`)
      assert.equal(res.status, 400, q)
      assert.equal(res.body.error.message, message)
    }
  })

  test('deleting a role deletes its assignments', async () => {
    const d = await fx.domain()
    const p = await fx.project(d)
    const u = await fx.user(d)
    const r = await newRole('ra-deleted')
    await put(`/projects/${p}/users/${u}/roles/${r}`)
    assert.equal((await list(`role.id=${r}`)).length, 1)
    assert.equal((await call('DELETE', `/roles/${r}`)).status, 204)
    assert.deepEqual(await list(`user.id=${u}`), [])
  })
})
