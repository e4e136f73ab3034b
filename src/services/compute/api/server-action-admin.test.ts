import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf } from '../../network/api/l3-test-fixtures.js'
import { captureCompute, insertInstance, instanceRow } from '../actions/test-fixtures.js'

describe('server admin actions: lock, reset state, password, restore', () => {
  let cloud: TestCloud
  let admin: string
  let member: { projectId: string; token: string }
  let worker: Awaited<ReturnType<typeof captureCompute>>
  const action = (id: string, body: unknown, token = member.token) =>
    cloud.request('POST', `/compute/v2.1/servers/${id}/action`, { token, body })

  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    member = await memberOf(cloud, admin, 'adm')
    worker = await captureCompute(cloud, 'h1')
  })
  after(async () => {
    await worker.close()
    await cloud.close()
  })

  test('an admin lock makes member actions 409 and only an admin can lift it', async () => {
    const vm = await insertInstance(cloud, member.projectId)
    assert.equal((await action(vm.uuid, { lock: null }, admin)).status, 202)
    const row = await instanceRow(cloud, vm.uuid)
    assert.equal(row.locked, 1)
    assert.equal(row.locked_by, 'admin')
    const refused = await action(vm.uuid, { pause: null })
    assert.equal(refused.status, 409)
    assert.equal(refused.body.conflictingRequest.message, `Instance ${vm.uuid} is locked`)
    // The owner cannot override an admin's lock.
    assert.equal((await action(vm.uuid, { unlock: null })).status, 403)
    // Admins act on locked servers.
    assert.equal((await action(vm.uuid, { pause: null }, admin)).status, 202)
    assert.equal((await action(vm.uuid, { unlock: null }, admin)).status, 202)
    assert.equal((await instanceRow(cloud, vm.uuid)).locked, 0)
  })

  test('an owner lock is lifted by the owner; lock and unlock are instance actions', async () => {
    const vm = await insertInstance(cloud, member.projectId)
    assert.equal((await action(vm.uuid, { lock: null })).status, 202)
    assert.equal((await instanceRow(cloud, vm.uuid)).locked_by, 'owner')
    assert.equal((await action(vm.uuid, { 'os-stop': null })).status, 409)
    assert.equal((await action(vm.uuid, { unlock: null })).status, 202)
    assert.equal((await action(vm.uuid, { 'os-stop': null })).status, 202)
    const acts = await cloud.database.db
      .selectFrom('instance_actions')
      .select('action')
      .where('instance_uuid', '=', vm.uuid)
      .orderBy('id')
      .execute()
    assert.deepEqual(
      acts.map((a) => a.action),
      ['lock', 'unlock', 'stop'],
    )
  })

  test('os-resetState is admin-only and clears task_state', async () => {
    const vm = await insertInstance(cloud, member.projectId, { task_state: 'rebooting' })
    assert.equal((await action(vm.uuid, { 'os-resetState': { state: 'error' } })).status, 403)
    assert.equal(
      (await action(vm.uuid, { 'os-resetState': { state: 'bogus' } }, admin)).status,
      400,
    )
    assert.equal(
      (await action(vm.uuid, { 'os-resetState': { state: 'error' } }, admin)).status,
      202,
    )
    const row = await instanceRow(cloud, vm.uuid)
    assert.equal(row.vm_state, 'error')
    assert.equal(row.task_state, null)
  })

  test('resetNetwork is gone; changePassword checks state and body; restore is 409', async () => {
    const vm = await insertInstance(cloud, member.projectId)
    assert.equal((await action(vm.uuid, { resetNetwork: null }, admin)).status, 410)
    const stopped = await insertInstance(cloud, member.projectId, { vm_state: 'stopped' })
    assert.equal((await action(stopped.uuid, { changePassword: { adminPass: 'x' } })).status, 409)
    assert.equal((await action(vm.uuid, { changePassword: {} })).status, 400)
    assert.equal((await action(vm.uuid, { changePassword: { adminPass: 1 } })).status, 400)
    const r = await action(vm.uuid, { restore: null })
    assert.equal(r.status, 409)
    assert.equal(
      r.body.conflictingRequest.message,
      `Cannot 'restore' instance ${vm.uuid} while it is in vm_state active`,
    )
  })

  test('addSecurityGroup of an unknown group is 404', async () => {
    const vm = await insertInstance(cloud, member.projectId)
    const res = await action(vm.uuid, { addSecurityGroup: { name: 'nope' } })
    assert.equal(res.status, 404)
    assert.match(res.body.itemNotFound.message, /Security group nope is not found/)
  })
})
