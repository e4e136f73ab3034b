import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { computeRequest, memberOf, type Member } from './resource-test-fixtures.js'

describe('compute flavors API', () => {
  let cloud: TestCloud
  let admin: string
  let a: Member
  let b: Member
  let req: ReturnType<typeof computeRequest>
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'flv-a')
    b = await memberOf(cloud, admin, 'flv-b')
    req = computeRequest(cloud)
  })
  after(async () => cloud.close())

  test('default flavors exist with Nova detail shapes', async () => {
    const list = await req('GET', '/flavors', a.token)
    assert.equal(list.status, 200)
    assert.deepEqual(
      list.body.flavors.map((f: { id: string; name: string }) => `${f.id}:${f.name}`),
      ['1:m1.tiny', '2:m1.small', '3:m1.medium', '4:m1.large', '5:m1.xlarge'],
    )
    assert.deepEqual(Object.keys(list.body.flavors[0]).sort(), ['id', 'links', 'name'])
    assert.equal(list.body.flavors[0].links[0].href, 'http://localhost:80/compute/v2.1/flavors/1')
    assert.equal(list.body.flavors[0].links[1].href, 'http://localhost:80/compute/flavors/1')
    const show = await req('GET', '/flavors/1', a.token)
    assert.deepEqual(show.body.flavor, {
      id: '1',
      name: 'm1.tiny',
      ram: 512,
      disk: 1,
      swap: '',
      'OS-FLV-EXT-DATA:ephemeral': 0,
      'OS-FLV-DISABLED:disabled': false,
      vcpus: 1,
      'os-flavor-access:is_public': true,
      rxtx_factor: 1,
      links: show.body.flavor.links,
    })
    const v255 = await req('GET', '/flavors/1', a.token, undefined, '2.55')
    assert.equal(v255.body.flavor.description, null)
    assert.equal((await req('GET', '/flavors/nope', a.token)).status, 404)
  })

  test('list filters, sorting and pagination', async () => {
    const big = await req('GET', '/flavors/detail?minRam=8192', a.token)
    assert.deepEqual(
      big.body.flavors.map((f: { id: string }) => f.id),
      ['4', '5'],
    )
    const disk = await req('GET', '/flavors?minDisk=40&sort_key=memory_mb&sort_dir=desc', a.token)
    assert.deepEqual(
      disk.body.flavors.map((f: { id: string }) => f.id),
      ['5', '4', '3'],
    )
    const page = await req('GET', '/flavors?limit=2', a.token)
    assert.deepEqual(
      page.body.flavors.map((f: { id: string }) => f.id),
      ['1', '2'],
    )
    assert.equal(
      page.body.flavors_links[0].href,
      'http://localhost:80/compute/v2.1/flavors?limit=2&marker=2',
    )
    const next = await req('GET', '/flavors?limit=2&marker=2', a.token)
    assert.deepEqual(
      next.body.flavors.map((f: { id: string }) => f.id),
      ['3', '4'],
    )
    assert.equal((await req('GET', '/flavors?marker=zzz', a.token)).status, 400)
    assert.equal((await req('GET', '/flavors?minRam=abc', a.token)).status, 400)
    assert.equal((await req('GET', '/flavors?limit=-1', a.token)).status, 400)
    assert.equal((await req('GET', '/flavors?sort_key=bogus', a.token)).status, 400)
  })

  test('create is admin-only, validated, and 409 on duplicates; delete 202', async () => {
    const body = { flavor: { name: 'f-new', ram: 256, vcpus: 1, disk: 1 } }
    const denied = await req('POST', '/flavors', a.token, body)
    assert.equal(denied.status, 403)
    assert.match(denied.body.forbidden.message, /os-flavor-manage:create/)
    const c = await req('POST', '/flavors', admin, {
      flavor: { ...body.flavor, swap: 512, 'OS-FLV-EXT-DATA:ephemeral': 2, rxtx_factor: 2.5 },
    })
    assert.equal(c.status, 200)
    assert.match(c.body.flavor.id, /^[0-9a-f-]{36}$/)
    assert.equal(c.body.flavor.swap, 512)
    assert.equal(c.body.flavor['OS-FLV-EXT-DATA:ephemeral'], 2)
    assert.equal(c.body.flavor.rxtx_factor, 2.5)
    const dupName = await req('POST', '/flavors', admin, body)
    assert.equal(dupName.status, 409)
    assert.equal(dupName.body.conflictingRequest.message, 'Flavor with name f-new already exists.')
    const dupId = await req('POST', '/flavors', admin, {
      flavor: { name: 'other', ram: 1, vcpus: 1, disk: 0, id: '1' },
    })
    assert.equal(dupId.status, 409)
    const bad = [
      { name: 'x', ram: 0, vcpus: 1, disk: 0 },
      { name: 'x', ram: 1, vcpus: 1 },
      { name: ' lead', ram: 1, vcpus: 1, disk: 0 },
      { name: 'x', ram: 1, vcpus: 1, disk: -1 },
      { name: 'x', ram: 1, vcpus: 1, disk: 0, rxtx_factor: 0 },
      { name: 'x', ram: 1, vcpus: 1, disk: 0, 'os-flavor-access:is_public': 'maybe' },
      { name: 'x', ram: 1, vcpus: 1, disk: 0, description: 'not before 2.55' },
      { name: 'x', ram: 1, vcpus: 1, disk: 0, id: 'bad/id' },
    ]
    for (const f of bad)
      assert.equal(
        (await req('POST', '/flavors', admin, { flavor: f })).status,
        400,
        JSON.stringify(f),
      )
    const s = await req('POST', '/flavors', admin, {
      flavor: { name: 'f-str', ram: '64', vcpus: '2', disk: '0', id: 77 },
    })
    assert.equal(s.status, 200)
    assert.equal(s.body.flavor.id, '77')
    assert.equal(s.body.flavor.vcpus, 2)
    assert.equal((await req('DELETE', '/flavors/77', a.token)).status, 403)
    assert.equal((await req('DELETE', '/flavors/77', admin)).status, 202)
    assert.equal((await req('DELETE', '/flavors/77', admin)).status, 404)
  })

  test('description and PUT from 2.55 only', async () => {
    const c = await req(
      'POST',
      '/flavors',
      admin,
      { flavor: { name: 'f-desc', ram: 64, vcpus: 1, disk: 0, description: 'hello' } },
      '2.55',
    )
    assert.equal(c.status, 200)
    assert.equal(c.body.flavor.description, 'hello')
    const id = c.body.flavor.id
    const old = await req('PUT', `/flavors/${id}`, admin, { flavor: { description: 'x' } })
    assert.equal(old.status, 404)
    const u = await req('PUT', `/flavors/${id}`, admin, { flavor: { description: 'bye' } }, '2.55')
    assert.equal(u.status, 200)
    assert.equal(u.body.flavor.description, 'bye')
    const list = await req('GET', '/flavors', a.token, undefined, '2.55')
    assert.ok(list.body.flavors.every((f: object) => 'description' in f))
    const denied = await req(
      'PUT',
      `/flavors/${id}`,
      a.token,
      { flavor: { description: 'x' } },
      '2.55',
    )
    assert.equal(denied.status, 403)
    const badBody = await req('PUT', `/flavors/${id}`, admin, { flavor: { name: 'x' } }, '2.55')
    assert.equal(badBody.status, 400)
  })

  test('private flavors are visible to admins and granted projects only', async () => {
    const c = await req('POST', '/flavors', admin, {
      flavor: { name: 'f-priv', ram: 64, vcpus: 1, disk: 0, 'os-flavor-access:is_public': false },
    })
    const id = c.body.flavor.id
    assert.equal(c.body.flavor['os-flavor-access:is_public'], false)
    assert.equal((await req('GET', `/flavors/${id}`, a.token)).status, 404)
    const add = await req('POST', `/flavors/${id}/action`, admin, {
      addTenantAccess: { tenant: a.projectId },
    })
    assert.equal(add.status, 200)
    assert.deepEqual(add.body.flavor_access, [{ flavor_id: id, tenant_id: a.projectId }])
    const dup = await req('POST', `/flavors/${id}/action`, admin, {
      addTenantAccess: { tenant: a.projectId },
    })
    assert.equal(dup.status, 409)
    assert.equal((await req('GET', `/flavors/${id}`, a.token)).status, 200)
    assert.equal((await req('GET', `/flavors/${id}`, b.token)).status, 404)
    const listA = await req('GET', '/flavors', a.token)
    assert.ok(listA.body.flavors.some((f: { id: string }) => f.id === id))
    const listB = await req('GET', '/flavors', b.token)
    assert.ok(!listB.body.flavors.some((f: { id: string }) => f.id === id))
    const onlyPrivate = await req('GET', '/flavors?is_public=false', admin)
    assert.deepEqual(
      onlyPrivate.body.flavors.map((f: { id: string }) => f.id),
      [id],
    )
    const all = await req('GET', '/flavors?is_public=None', admin)
    assert.ok(all.body.flavors.length >= 6)
    assert.equal((await req('GET', '/flavors?is_public=perhaps', admin)).status, 400)
    const access = await req('GET', `/flavors/${id}/os-flavor-access`, admin)
    assert.deepEqual(access.body.flavor_access, [{ flavor_id: id, tenant_id: a.projectId }])
    assert.equal((await req('GET', `/flavors/${id}/os-flavor-access`, a.token)).status, 403)
    assert.equal((await req('GET', '/flavors/1/os-flavor-access', admin)).status, 404)
    const bogus = await req('POST', `/flavors/${id}/action`, admin, {
      addTenantAccess: { tenant: 'no-such-project' },
    })
    assert.equal(bogus.status, 400)
    const pub = await req(
      'POST',
      '/flavors/1/action',
      admin,
      { addTenantAccess: { tenant: b.projectId } },
      '2.7',
    )
    assert.equal(pub.status, 409)
    const nonAdmin = await req('POST', `/flavors/${id}/action`, a.token, {
      removeTenantAccess: { tenant: a.projectId },
    })
    assert.equal(nonAdmin.status, 403)
    const rm = await req('POST', `/flavors/${id}/action`, admin, {
      removeTenantAccess: { tenant: a.projectId },
    })
    assert.deepEqual(rm.body.flavor_access, [])
    const rm2 = await req('POST', `/flavors/${id}/action`, admin, {
      removeTenantAccess: { tenant: a.projectId },
    })
    assert.equal(rm2.status, 404)
    assert.equal((await req('GET', `/flavors/${id}`, a.token)).status, 404)
  })

  test('2.61 shows extra_specs in flavor detail, show and create', async () => {
    await req('POST', '/flavors/3/os-extra_specs', admin, {
      extra_specs: { 'hw:numa_nodes': '1' },
    })
    const old = await req('GET', '/flavors/3', a.token, undefined, '2.60')
    assert.equal(old.body.flavor.extra_specs, undefined)
    const shown = await req('GET', '/flavors/3', a.token, undefined, '2.61')
    assert.deepEqual(shown.body.flavor.extra_specs, { 'hw:numa_nodes': '1' })
    const detail = await req('GET', '/flavors/detail', a.token, undefined, '2.61')
    const byId = new Map(
      detail.body.flavors.map((f: { id: string; extra_specs: unknown }) => [f.id, f.extra_specs]),
    )
    assert.deepEqual(byId.get('3'), { 'hw:numa_nodes': '1' })
    assert.deepEqual(byId.get('1'), {})
    const brief = await req('GET', '/flavors', a.token, undefined, '2.61')
    assert.equal(brief.body.flavors[0].extra_specs, undefined, 'the brief list has none')
    const made = await req(
      'POST',
      '/flavors',
      admin,
      { flavor: { name: 'f261', ram: 64, vcpus: 1, disk: 0 } },
      '2.61',
    )
    assert.deepEqual(made.body.flavor.extra_specs, {})
  })

  test('extra specs: admin writes, members read, key validation', async () => {
    const set = await req('POST', '/flavors/2/os-extra_specs', admin, {
      extra_specs: { 'hw:cpu_policy': 'dedicated', 'quota:cpu_shares': 1024 },
    })
    assert.equal(set.status, 200)
    assert.deepEqual(set.body, {
      extra_specs: { 'hw:cpu_policy': 'dedicated', 'quota:cpu_shares': 1024 },
    })
    const list = await req('GET', '/flavors/2/os-extra_specs', a.token)
    assert.deepEqual(list.body, {
      extra_specs: { 'hw:cpu_policy': 'dedicated', 'quota:cpu_shares': '1024' },
    })
    const one = await req('GET', '/flavors/2/os-extra_specs/hw:cpu_policy', a.token)
    assert.deepEqual(one.body, { 'hw:cpu_policy': 'dedicated' })
    const upd = await req('PUT', '/flavors/2/os-extra_specs/hw:cpu_policy', admin, {
      'hw:cpu_policy': 'shared',
    })
    assert.deepEqual(upd.body, { 'hw:cpu_policy': 'shared' })
    const mismatch = await req('PUT', '/flavors/2/os-extra_specs/other', admin, {
      'hw:cpu_policy': 'x',
    })
    assert.equal(mismatch.status, 400)
    const two = await req('PUT', '/flavors/2/os-extra_specs/a', admin, { a: '1', b: '2' })
    assert.equal(two.status, 400)
    const badKey = await req('POST', '/flavors/2/os-extra_specs', admin, {
      extra_specs: { 'bad/key': 'x' },
    })
    assert.equal(badKey.status, 400)
    const denied = await req('POST', '/flavors/2/os-extra_specs', a.token, {
      extra_specs: { k: 'v' },
    })
    assert.equal(denied.status, 403)
    assert.equal(
      (await req('DELETE', '/flavors/2/os-extra_specs/hw:cpu_policy', a.token)).status,
      403,
    )
    assert.equal(
      (await req('DELETE', '/flavors/2/os-extra_specs/hw:cpu_policy', admin)).status,
      200,
    )
    assert.equal((await req('GET', '/flavors/2/os-extra_specs/hw:cpu_policy', a.token)).status, 404)
    assert.equal(
      (await req('DELETE', '/flavors/2/os-extra_specs/hw:cpu_policy', admin)).status,
      404,
    )
    assert.equal((await req('GET', '/flavors/missing/os-extra_specs', admin)).status, 404)
  })
})
