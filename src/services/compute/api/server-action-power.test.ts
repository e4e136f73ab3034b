import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf } from '../../network/api/l3-test-fixtures.js'
import { captureCompute, insertInstance, instanceRow, settle } from '../actions/test-fixtures.js'

describe('server power actions (API side)', () => {
  let cloud: TestCloud
  let admin: string
  let member: { projectId: string; token: string }
  let worker: Awaited<ReturnType<typeof captureCompute>>
  const action = (id: string, body: unknown, token = member.token, headers = {}) =>
    cloud.request('POST', `/compute/v2.1/servers/${id}/action`, { token, body, headers })

  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    member = await memberOf(cloud, admin, 'power')
    worker = await captureCompute(cloud, 'h1')
  })
  after(async () => {
    await worker.close()
    await cloud.close()
  })

  test('reboot SOFT sets task_state rebooting, records the action and casts reboot_instance', async () => {
    const vm = await insertInstance(cloud, member.projectId)
    const res = await action(vm.uuid, { reboot: { type: 'soft' } })
    assert.equal(res.status, 202)
    assert.equal((await instanceRow(cloud, vm.uuid)).task_state, 'rebooting')
    await settle()
    const msg = worker.messages.find((m) => m.args.instanceUuid === vm.uuid)
    assert.equal(msg?.method, 'reboot_instance')
    assert.equal(msg?.args.type, 'SOFT')
    assert.equal(msg?.args.requestId, res.headers['x-openstack-request-id'])
    const acts = await cloud.database.db
      .selectFrom('instance_actions')
      .selectAll()
      .where('instance_uuid', '=', vm.uuid)
      .execute()
    assert.deepEqual(
      acts.map((a) => a.action),
      ['reboot'],
    )
  })

  test('a second reboot while rebooting is a 409 with Nova wording', async () => {
    const vm = await insertInstance(cloud, member.projectId, { task_state: 'rebooting' })
    const res = await action(vm.uuid, { reboot: { type: 'SOFT' } })
    assert.equal(res.status, 409)
    assert.equal(
      res.body.conflictingRequest.message,
      `Cannot 'reboot' instance ${vm.uuid} while it is in task_state rebooting`,
    )
    // HARD is allowed over a soft reboot in progress (ALLOW_REBOOT).
    const hard = await action(vm.uuid, { reboot: { type: 'HARD' } })
    assert.equal(hard.status, 202)
    assert.equal((await instanceRow(cloud, vm.uuid)).task_state, 'rebooting_hard')
  })

  test('reboot validates its body', async () => {
    const vm = await insertInstance(cloud, member.projectId)
    assert.equal((await action(vm.uuid, { reboot: { type: 'COLD' } })).status, 400)
    assert.equal((await action(vm.uuid, { reboot: {} })).status, 400)
    const unknown = await action(vm.uuid, { dance: null })
    assert.equal(unknown.status, 400)
    assert.equal(unknown.body.badRequest.message, 'There is no such action: dance')
  })

  test('os-stop on a stopped server and os-start on an active one are 409', async () => {
    const stopped = await insertInstance(cloud, member.projectId, {
      vm_state: 'stopped',
      power_state: 4,
    })
    const r1 = await action(stopped.uuid, { 'os-stop': null })
    assert.equal(r1.status, 409)
    assert.match(
      r1.body.conflictingRequest.message,
      /Cannot 'stop' instance .* while it is in vm_state stopped/,
    )
    const r2 = await action(stopped.uuid, { 'os-start': null })
    assert.equal(r2.status, 202)
    assert.equal((await instanceRow(cloud, stopped.uuid)).task_state, 'powering-on')
    const active = await insertInstance(cloud, member.projectId)
    assert.equal((await action(active.uuid, { 'os-start': null })).status, 409)
    assert.equal((await action(active.uuid, { 'os-stop': null })).status, 202)
    assert.equal((await instanceRow(cloud, active.uuid)).task_state, 'powering-off')
  })

  test('pause/unpause and suspend/resume follow vm_state', async () => {
    const vm = await insertInstance(cloud, member.projectId)
    assert.equal((await action(vm.uuid, { unpause: null })).status, 409)
    assert.equal((await action(vm.uuid, { resume: null })).status, 409)
    assert.equal((await action(vm.uuid, { pause: null })).status, 202)
    assert.equal((await instanceRow(cloud, vm.uuid)).task_state, 'pausing')
    const paused = await insertInstance(cloud, member.projectId, {
      vm_state: 'paused',
      power_state: 3,
    })
    assert.equal((await action(paused.uuid, { suspend: null })).status, 409)
    assert.equal((await action(paused.uuid, { unpause: null })).status, 202)
    const suspended = await insertInstance(cloud, member.projectId, { vm_state: 'suspended' })
    assert.equal((await action(suspended.uuid, { resume: null })).status, 202)
    assert.equal((await instanceRow(cloud, suspended.uuid)).task_state, 'resuming')
  })

  test('rescue answers 200 with an adminPass; unrescue needs RESCUE', async () => {
    const vm = await insertInstance(cloud, member.projectId)
    assert.equal((await action(vm.uuid, { unrescue: null })).status, 409)
    const res = await action(vm.uuid, { rescue: { adminPass: 'pw-1' } })
    assert.equal(res.status, 200)
    assert.deepEqual(res.body, { adminPass: 'pw-1' })
    const generated = await action((await insertInstance(cloud, member.projectId)).uuid, {
      rescue: null,
    })
    assert.equal(generated.status, 200)
    assert.equal(typeof generated.body.adminPass, 'string')
    assert.equal(generated.body.adminPass.length, 12)
  })

  test("another project's server is 404; a server without host is 409 not ready", async () => {
    const other = await memberOf(cloud, admin, 'power-other')
    const vm = await insertInstance(cloud, other.projectId)
    const res = await action(vm.uuid, { pause: null })
    assert.equal(res.status, 404)
    assert.equal(res.body.itemNotFound.message, `Instance ${vm.uuid} could not be found.`)
    const unscheduled = await insertInstance(cloud, member.projectId, { host: null })
    assert.equal((await action(unscheduled.uuid, { pause: null })).status, 409)
  })

  test('trigger_crash_dump exists from 2.17', async () => {
    const vm = await insertInstance(cloud, member.projectId)
    assert.equal((await action(vm.uuid, { trigger_crash_dump: null })).status, 404)
    const ok = await action(vm.uuid, { trigger_crash_dump: null }, member.token, {
      'openstack-api-version': 'compute 2.17',
    })
    assert.equal(ok.status, 202)
  })
})
