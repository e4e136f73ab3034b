import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf } from '../../network/api/l3-test-fixtures.js'
import { createMigration } from '../actions/migration-records.js'
import { insertInstance } from '../actions/test-fixtures.js'

/** DELETE /servers/{id}/migrations/{id}: which statuses each microversion may abort. */
describe('abort live migration', () => {
  let cloud: TestCloud
  let admin: string
  let member: { projectId: string; token: string }
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    member = await memberOf(cloud, admin, 'abort')
  })
  after(async () => cloud.close())

  const migrating = async (status: string) => {
    const vm = await insertInstance(cloud, member.projectId, { task_state: 'migrating' })
    const m = await createMigration(cloud.database.db, {
      instanceUuid: vm.uuid,
      projectId: member.projectId,
      userId: 'u1',
      type: 'live-migration',
      status,
      sourceCompute: 'h1',
      sourceNode: 'h1',
      oldFlavorId: '1',
      newFlavorId: '1',
    })
    return { vm, m }
  }
  const abort = (vm: string, m: number, v: string, token = admin) =>
    cloud.request('DELETE', `/compute/v2.1/servers/${vm}/migrations/${m}`, {
      token,
      headers: { 'OpenStack-API-Version': `compute ${v}` },
    })
  const statusOf = async (uuid: string) =>
    (
      await cloud.database.db
        .selectFrom('migrations')
        .select('status')
        .where('uuid', '=', uuid)
        .executeTakeFirstOrThrow()
    ).status

  test('a preparing migration is cancelled from 2.65 only', async () => {
    const { vm, m } = await migrating('preparing')
    const old = await abort(vm.uuid, m.id, '2.64')
    assert.equal(old.status, 400)
    assert.match(old.body.badRequest.message, /is preparing\. Cannot abort live migration/)
    assert.equal((await abort(vm.uuid, m.id, '2.65', member.token)).status, 403)
    const ok = await abort(vm.uuid, m.id, '2.65')
    assert.equal(ok.status, 202, JSON.stringify(ok.body))
    assert.equal(await statusOf(m.uuid), 'cancelled')
  })

  test('a running migration cannot be stopped midway by any driver here: 501', async () => {
    const { vm, m } = await migrating('running')
    const r = await abort(vm.uuid, m.id, '2.65')
    assert.equal(r.status, 501)
    assert.equal(await statusOf(m.uuid), 'running')
  })

  test('completed migrations are not abortable', async () => {
    const { vm, m } = await migrating('completed')
    const r = await abort(vm.uuid, m.id, '2.65')
    assert.equal(r.status, 400)
    assert.match(r.body.badRequest.message, /is completed/)
  })
})
