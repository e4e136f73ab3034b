import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { captureCompute, insertInstance, instanceRow, settle } from '../actions/test-fixtures.js'
import { memberOf, seedService } from './resource-test-fixtures.js'
import { compute } from './servers-test-fixtures.js'

describe('PUT/DELETE /servers/{id}, metadata and tags', () => {
  let cloud: TestCloud
  let admin: string
  let a: { projectId: string; userId: string; token: string }
  let req: ReturnType<typeof compute>
  let worker: Awaited<ReturnType<typeof captureCompute>>
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'srv-write')
    req = compute(cloud)
    await seedService(cloud, 'wh1')
    worker = await captureCompute(cloud, 'wh1')
  })
  after(async () => {
    await worker.close()
    await cloud.close()
  })

  test('update renames, describes (2.19) and sets access IPs; the view is the reduced one', async () => {
    const vm = await insertInstance(cloud, a.projectId)
    const r = await req('PUT', `/servers/${vm.uuid}`, a.token, {
      server: { name: 'renamed', accessIPv4: '10.0.0.9', accessIPv6: '2001:db8::9' },
    })
    assert.equal(r.status, 200, JSON.stringify(r.body))
    assert.deepEqual(Object.keys(r.body.server).sort(), [
      'OS-DCF:diskConfig',
      'accessIPv4',
      'accessIPv6',
      'addresses',
      'created',
      'flavor',
      'hostId',
      'id',
      'image',
      'links',
      'metadata',
      'name',
      'progress',
      'status',
      'tenant_id',
      'updated',
      'user_id',
    ])
    assert.equal(r.body.server.name, 'renamed')
    assert.equal(r.body.server.accessIPv4, '10.0.0.9')
    assert.equal(
      (await req('PUT', `/servers/${vm.uuid}`, a.token, { server: { description: 'd' } })).status,
      400,
    )
    const d = await req(
      'PUT',
      `/servers/${vm.uuid}`,
      a.token,
      { server: { description: 'about' } },
      '2.26',
    )
    assert.equal(d.status, 200)
    assert.equal(d.body.server.description, 'about')
    assert.deepEqual(d.body.server.tags, [])
    assert.equal(d.body.server.locked, false)
    const cleared = await req(
      'PUT',
      `/servers/${vm.uuid}`,
      a.token,
      { server: { description: null } },
      '2.19',
    )
    assert.equal(cleared.body.server.description, null)
    assert.equal(
      (await req('PUT', `/servers/${vm.uuid}`, a.token, { server: { accessIPv4: 'x' } })).status,
      400,
    )
    assert.equal(
      (await req('PUT', `/servers/${vm.uuid}`, a.token, { server: { name: '' } })).status,
      400,
    )
    assert.equal((await req('PUT', `/servers/${vm.uuid}`, a.token, { srv: {} })).status, 400)
  })

  test('delete: locked by an admin is a 409 for the owner; on a live host it casts terminate_instance', async () => {
    const vm = await insertInstance(cloud, a.projectId, {
      host: 'wh1',
      locked: 1,
      locked_by: 'admin',
    })
    const locked = await req('DELETE', `/servers/${vm.uuid}`, a.token)
    assert.equal(locked.status, 409)
    assert.equal(locked.body.conflictingRequest.message, `Instance ${vm.uuid} is locked`)
    const r = await req('DELETE', `/servers/${vm.uuid}`, admin)
    assert.equal(r.status, 204)
    assert.equal((await instanceRow(cloud, vm.uuid)).task_state, 'deleting')
    await settle()
    const msg = worker.messages.find((m) => m.args.instanceUuid === vm.uuid)
    assert.equal(msg?.method, 'terminate_instance')
    assert.equal(msg?.args.requestId, r.headers['x-openstack-request-id'])
    const actions = await req('GET', `/servers/${vm.uuid}/os-instance-actions`, admin)
    assert.deepEqual(
      actions.body.instanceActions.map((x: { action: string }) => x.action),
      ['delete'],
    )
  })

  test('delete of a never-scheduled server deletes it at once', async () => {
    const vm = await insertInstance(cloud, a.projectId, {
      host: null,
      node: null,
      vm_state: 'building',
      task_state: 'scheduling',
      launched_at: null,
    })
    assert.equal((await req('DELETE', `/servers/${vm.uuid}`, a.token)).status, 204)
    const row = await instanceRow(cloud, vm.uuid)
    assert.equal(row.deleted, 1)
    assert.equal(row.vm_state, 'deleted')
    assert.equal((await req('GET', `/servers/${vm.uuid}`, a.token)).status, 404)
  })

  test('metadata: list, replace, merge, item get/put/delete, limits and bad bodies', async () => {
    const vm = await insertInstance(cloud, a.projectId, { metadata: JSON.stringify({ a: '1' }) })
    const m = (method: string, path: string, body?: unknown) =>
      req(method, `/servers/${vm.uuid}/metadata${path}`, a.token, body)
    assert.deepEqual((await m('GET', '')).body, { metadata: { a: '1' } })
    const merged = await m('POST', '', { metadata: { b: '2' } })
    assert.equal(merged.status, 200)
    assert.deepEqual(merged.body, { metadata: { a: '1', b: '2' } })
    assert.deepEqual((await m('PUT', '', { metadata: { c: '3' } })).body, { metadata: { c: '3' } })
    assert.deepEqual((await m('GET', '/c')).body, { meta: { c: '3' } })
    const nf = await m('GET', '/zz')
    assert.equal(nf.status, 404)
    assert.equal(nf.body.itemNotFound.message, 'Metadata item was not found')
    assert.deepEqual((await m('PUT', '/d', { meta: { d: '4' } })).body, { meta: { d: '4' } })
    const mismatch = await m('PUT', '/d', { meta: { e: '4' } })
    assert.equal(mismatch.status, 400)
    assert.equal(mismatch.body.badRequest.message, 'Request body and URI mismatch')
    assert.equal((await m('PUT', '/d', { meta: { d: '4', e: '5' } })).status, 400)
    assert.equal((await m('DELETE', '/d')).status, 204)
    assert.equal((await m('DELETE', '/d')).status, 404)
    assert.equal((await m('POST', '', { metadata: { ['k'.repeat(256)]: 'v' } })).status, 400)
    assert.equal((await m('POST', '', { metadata: { k: 'v'.repeat(256) } })).status, 400)
    assert.equal((await m('POST', '', { meta: {} })).status, 400)
    const many = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, 'v']))
    const over = await m('PUT', '', { metadata: many })
    assert.equal(over.status, 403)
    assert.equal(over.body.forbidden.message, 'Maximum number of metadata items exceeds 128')
    const building = await insertInstance(cloud, a.projectId, {
      vm_state: 'building',
      launched_at: null,
    })
    const conflict = await req('POST', `/servers/${building.uuid}/metadata`, a.token, {
      metadata: { x: 'y' },
    })
    assert.equal(conflict.status, 409)
    assert.match(
      conflict.body.conflictingRequest.message,
      /^Cannot 'update metadata' instance .* while it is in vm_state building$/,
    )
  })

  test('tags (2.26+): add, check, replace, delete, delete all, limits', async () => {
    const vm = await insertInstance(cloud, a.projectId)
    const t = (method: string, path: string, body?: unknown, v = '2.26') =>
      req(method, `/servers/${vm.uuid}/tags${path}`, a.token, body, v)
    assert.equal((await t('GET', '', undefined, '2.25')).status, 404)
    const add = await t('PUT', '/web')
    assert.equal(add.status, 201)
    assert.equal(
      add.headers.location,
      `http://localhost:80/compute/v2.1/servers/${vm.uuid}/tags/web`,
    )
    assert.equal((await t('PUT', '/web')).status, 204)
    assert.equal((await t('GET', '/web')).status, 204)
    const missing = await t('GET', '/db')
    assert.equal(missing.status, 404)
    assert.equal(missing.body.itemNotFound.message, `Server ${vm.uuid} has no tag 'db'`)
    assert.deepEqual((await t('GET', '')).body, { tags: ['web'] })
    assert.deepEqual((await t('PUT', '', { tags: ['b', 'a'] })).body, { tags: ['a', 'b'] })
    assert.equal((await t('PUT', '', { tags: ['a,b'] })).status, 400)
    assert.equal(
      (await t('PUT', '', { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) })).status,
      400,
    )
    assert.equal((await t('PUT', '/a%2Cb')).status, 400)
    assert.equal((await t('DELETE', '/a')).status, 204)
    assert.equal((await t('DELETE', '/a')).status, 404)
    assert.deepEqual(
      (await req('GET', `/servers/${vm.uuid}`, a.token, undefined, '2.26')).body.server.tags,
      ['b'],
    )
    assert.equal((await t('DELETE', '')).status, 204)
    assert.deepEqual((await t('GET', '')).body, { tags: [] })
    await t('PUT', '', { tags: Array.from({ length: 50 }, (_, i) => `t${i}`) })
    const full = await t('PUT', '/one-more')
    assert.equal(full.status, 400)
    assert.equal(
      full.body.badRequest.message,
      'The number of tags exceeded the per-server limit 50',
    )
  })
})
