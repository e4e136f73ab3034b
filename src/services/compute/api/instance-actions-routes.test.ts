import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import {
  finishAction,
  finishEvent,
  startAction,
  startEvent,
} from '../../../db/repositories/compute/instance-actions.js'
import { insertInstance } from '../actions/test-fixtures.js'
import { memberOf } from './resource-test-fixtures.js'
import { compute } from './servers-test-fixtures.js'

describe('os-instance-actions', () => {
  let cloud: TestCloud
  let admin: string
  let a: { projectId: string; userId: string; token: string }
  let b: { projectId: string; userId: string; token: string }
  let req: ReturnType<typeof compute>
  let vm: { uuid: string }
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'ia-a')
    b = await memberOf(cloud, admin, 'ia-b')
    req = compute(cloud)
    vm = await insertInstance(cloud, a.projectId)
    const db = cloud.database.db
    const who = { instanceUuid: vm.uuid, userId: a.userId, projectId: a.projectId }
    await startAction(
      db,
      { ...who, action: 'create', requestId: 'req-1' },
      '2026-01-01T00:00:01.000Z',
    )
    await startEvent(
      db,
      vm.uuid,
      'req-1',
      'compute__do_build_and_run_instance',
      'h1',
      '2026-01-01T00:00:02.000Z',
    )
    await finishEvent(
      db,
      vm.uuid,
      'req-1',
      'compute__do_build_and_run_instance',
      'Error',
      { traceback: 'Traceback...' },
      '2026-01-01T00:00:03.000Z',
    )
    await finishAction(db, vm.uuid, 'req-1', null, '2026-01-01T00:00:03.000Z')
    await startAction(
      db,
      { ...who, action: 'reboot', requestId: 'req-2' },
      '2026-01-01T00:01:00.000Z',
    )
    await startAction(
      db,
      { ...who, action: 'stop', requestId: 'req-3' },
      '2026-01-01T00:02:00.000Z',
    )
  })
  after(async () => cloud.close())

  test("list: newest first with Nova's keys; 2.58 adds updated_at, limit/marker and changes-since", async () => {
    const l = await req('GET', `/servers/${vm.uuid}/os-instance-actions`, a.token)
    assert.equal(l.status, 200)
    assert.deepEqual(
      l.body.instanceActions.map((x: { request_id: string }) => x.request_id),
      ['req-3', 'req-2', 'req-1'],
    )
    assert.deepEqual(Object.keys(l.body.instanceActions[2]).sort(), [
      'action',
      'instance_uuid',
      'message',
      'project_id',
      'request_id',
      'start_time',
      'user_id',
    ])
    assert.equal(l.body.instanceActions[2].message, 'Error')
    assert.equal(l.body.instanceActions[2].start_time, '2026-01-01T00:00:01.000000')
    const p = await req(
      'GET',
      `/servers/${vm.uuid}/os-instance-actions?limit=2`,
      a.token,
      undefined,
      '2.58',
    )
    assert.deepEqual(
      p.body.instanceActions.map((x: { request_id: string }) => x.request_id),
      ['req-3', 'req-2'],
    )
    assert.equal(typeof p.body.instanceActions[0].updated_at, 'string')
    assert.equal(
      p.body.links[0].href,
      `http://localhost:80/compute/v2.1/servers/${vm.uuid}/os-instance-actions?limit=2&marker=req-2`,
    )
    const rest = await req(
      'GET',
      `/servers/${vm.uuid}/os-instance-actions?limit=2&marker=req-2`,
      a.token,
      undefined,
      '2.58',
    )
    assert.deepEqual(
      rest.body.instanceActions.map((x: { request_id: string }) => x.request_id),
      ['req-1'],
    )
    assert.equal('links' in rest.body, false)
    assert.equal(
      (
        await req(
          'GET',
          `/servers/${vm.uuid}/os-instance-actions?marker=nope`,
          a.token,
          undefined,
          '2.58',
        )
      ).status,
      400,
    )
    const since = await req(
      'GET',
      `/servers/${vm.uuid}/os-instance-actions?changes-since=2026-01-01T00:00:30Z`,
      a.token,
      undefined,
      '2.58',
    )
    assert.deepEqual(
      since.body.instanceActions.map((x: { request_id: string }) => x.request_id),
      ['req-3', 'req-2'],
    )
    const window = (v: string, q: string) =>
      req('GET', `/servers/${vm.uuid}/os-instance-actions?${q}`, a.token, undefined, v)
    const before = await window('2.66', 'changes-before=2026-01-01T00:00:30Z')
    assert.equal(before.status, 200, JSON.stringify(before.body))
    assert.deepEqual(
      before.body.instanceActions.map((x: { request_id: string }) => x.request_id),
      ['req-1'],
    )
    const ignored = await window('2.65', 'changes-before=2026-01-01T00:00:30Z')
    assert.equal(ignored.body.instanceActions.length, 3, 'before 2.66 the filter is unknown')
    const crossed = await window(
      '2.66',
      'changes-since=2026-01-01T00:00:30Z&changes-before=2026-01-01T00:00:10Z',
    )
    assert.equal(crossed.status, 400)
    assert.equal((await req('GET', `/servers/${vm.uuid}/os-instance-actions`, b.token)).status, 404)
  })

  test('show: events for admins (with traceback) always, for owners from 2.51 without', async () => {
    const path = `/servers/${vm.uuid}/os-instance-actions/req-1`
    const owner21 = (await req('GET', path, a.token)).body.instanceAction
    assert.equal('events' in owner21, false)
    const owner251 = (await req('GET', path, a.token, undefined, '2.51')).body.instanceAction
    assert.deepEqual(owner251.events, [
      {
        event: 'compute__do_build_and_run_instance',
        start_time: '2026-01-01T00:00:02.000000',
        finish_time: '2026-01-01T00:00:03.000000',
        result: 'Error',
      },
    ])
    const adm = (await req('GET', path, admin)).body.instanceAction
    assert.equal(adm.events[0].traceback, 'Traceback...')
    const nf = await req('GET', `/servers/${vm.uuid}/os-instance-actions/req-9`, a.token)
    assert.equal(nf.status, 404)
    assert.equal(nf.body.itemNotFound.message, 'Action req-9 not found')
  })

  test('from 2.21 the actions of a deleted server stay readable', async () => {
    const gone = await insertInstance(cloud, a.projectId, { deleted: 1, vm_state: 'deleted' })
    assert.equal(
      (await req('GET', `/servers/${gone.uuid}/os-instance-actions`, a.token)).status,
      404,
    )
    assert.equal(
      (await req('GET', `/servers/${gone.uuid}/os-instance-actions`, a.token, undefined, '2.21'))
        .status,
      200,
    )
  })
})
