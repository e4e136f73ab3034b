import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ConflictError, NotFoundError } from '../../../common/errors.js'
import { openDatabase, type DatabaseHandle } from '../../database.js'
import { migrateToLatest } from '../../migrate.js'
import { createTestDatabase, type TestDatabase } from '../../testing.js'
import {
  finishAction,
  finishEvent,
  getAction,
  listActions,
  startAction,
  startEvent,
} from './instance-actions.js'
import { getInstance, insertInstances, markInstanceDeleted, updateInstance } from './instances.js'

const row = (uuid: string) => {
  const now = new Date().toISOString()
  return {
    uuid,
    project_id: 'p1',
    user_id: 'u1',
    display_name: 'vm',
    display_description: null,
    hostname: 'vm',
    host: null,
    node: null,
    availability_zone: null,
    vm_state: 'building',
    task_state: 'scheduling',
    power_state: 0,
    flavor: '{}',
    old_flavor: null,
    new_flavor: null,
    image_ref: '',
    key_name: null,
    key_data: null,
    user_data: null,
    config_drive: '',
    metadata: '{}',
    system_metadata: '{}',
    access_ip_v4: null,
    access_ip_v6: null,
    locked: 0 as const,
    locked_by: null,
    locked_reason: null,
    launch_index: 0,
    reservation_id: 'r-1',
    request_spec: '{}',
    fault: null,
    progress: 0,
    root_device_name: null,
    launched_at: null,
    terminated_at: null,
    created_at: now,
    updated_at: now,
    deleted_at: null,
    deleted: 0 as const,
  }
}

describe('instances and instance-actions repositories', () => {
  let tdb: TestDatabase
  let h: DatabaseHandle
  before(async () => {
    tdb = await createTestDatabase()
    h = openDatabase({ connection: tdb.connection })
    await migrateToLatest(h)
  })
  after(async () => {
    await h.close()
    await tdb.drop()
  })

  test('updateInstance compare-and-swap on task_state and vm_state', async () => {
    await insertInstances(h.db, [row('i1')])
    await updateInstance(
      h.db,
      'i1',
      { task_state: 'spawning' },
      { expectedTaskState: ['scheduling'] },
    )
    assert.equal((await getInstance(h.db, 'i1'))?.task_state, 'spawning')
    await assert.rejects(
      updateInstance(h.db, 'i1', { task_state: 'deleting' }, { expectedTaskState: 'scheduling' }),
      (err: unknown) => err instanceof ConflictError && /Actual: .*spawning/.test(err.message),
    )
    await updateInstance(
      h.db,
      'i1',
      { vm_state: 'active', task_state: null },
      {
        expectedTaskState: ['spawning'],
        expectedVmState: 'building',
      },
    )
    await updateInstance(h.db, 'i1', { task_state: 'rebooting' }, { expectedTaskState: [null] })
    await assert.rejects(
      updateInstance(h.db, 'i1', { task_state: null }, { expectedVmState: ['stopped'] }),
      ConflictError,
    )
    await assert.rejects(
      updateInstance(h.db, 'i1', { task_state: null }, { expectedTaskState: [] }),
      ConflictError,
    )
    await markInstanceDeleted(h.db, 'i1', new Date().toISOString())
    await assert.rejects(updateInstance(h.db, 'i1', { task_state: null }), NotFoundError)
    await assert.rejects(updateInstance(h.db, 'nope', { task_state: null }), NotFoundError)
  })

  test('only one of two racing swaps from the same state wins', async () => {
    await insertInstances(h.db, [row('i2')])
    const results = await Promise.allSettled([
      updateInstance(h.db, 'i2', { task_state: 'deleting' }, { expectedTaskState: ['scheduling'] }),
      updateInstance(h.db, 'i2', { task_state: 'spawning' }, { expectedTaskState: ['scheduling'] }),
    ])
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected'])
  })

  test('actions and events', async () => {
    await insertInstances(h.db, [row('i3')])
    const who = { instanceUuid: 'i3', userId: 'u1', projectId: 'p1' }
    await startAction(
      h.db,
      { ...who, action: 'create', requestId: 'req-a' },
      '2026-01-01T00:00:00.000Z',
    )
    await startAction(
      h.db,
      { ...who, action: 'reboot', requestId: 'req-b' },
      '2026-01-01T00:00:05.000Z',
    )
    assert.equal(await startEvent(h.db, 'i3', 'req-x', 'ev'), undefined, 'no action, no event')
    await startEvent(h.db, 'i3', 'req-a', 'compute__do_build_and_run_instance', 'h1')
    await finishEvent(h.db, 'i3', 'req-a', 'compute__do_build_and_run_instance', 'Error', {
      traceback: 'tb',
    })
    await finishAction(h.db, 'i3', 'req-a')
    assert.deepEqual(
      (await listActions(h.db, 'i3')).map((a) => a.request_id),
      ['req-b', 'req-a'],
    )
    const got = await getAction(h.db, 'i3', 'req-a')
    assert.equal(got?.action.message, 'Error')
    assert.notEqual(got?.action.finish_time, null)
    assert.deepEqual(
      got?.events.map((e) => [e.event, e.result, e.traceback, e.host]),
      [['compute__do_build_and_run_instance', 'Error', 'tb', 'h1']],
    )
    assert.equal(await getAction(h.db, 'i3', 'req-z'), undefined)
  })
})
