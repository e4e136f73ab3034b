import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { PowerState } from '../../../../virt/driver.js'
import { startBootHarness, type BootHarness } from '../../../conductor/testing.js'
import { tailLines } from './actions-devices.js'

/** Worker-side action handlers against the fake driver (conductor + workers, no HTTP). */
describe('compute worker action handlers', () => {
  let h: BootHarness
  const active = async (): Promise<string> => {
    const uuid = await h.insertInstance()
    await h.build([uuid])
    await h.waitFor(uuid, (i) => i.vm_state === 'active')
    return uuid
  }
  /** What the API does before a cast: the action row and the task_state. */
  const start = async (uuid: string, action: string, taskState: string): Promise<string> => {
    const requestId = `req-${action}-${uuid.slice(0, 8)}`
    const now = new Date().toISOString()
    await h.ctx.db
      .insertInto('instance_actions')
      .values({
        action,
        instance_uuid: uuid,
        request_id: requestId,
        user_id: 'u',
        project_id: 'p',
        start_time: now,
        finish_time: null,
        message: null,
        updated_at: now,
      })
      .execute()
    await h.ctx.db
      .updateTable('instances')
      .set({ task_state: taskState })
      .where('uuid', '=', uuid)
      .execute()
    return requestId
  }
  const hostOf = async (uuid: string): Promise<string> =>
    (
      await h.ctx.db
        .selectFrom('instances')
        .select('host')
        .where('uuid', '=', uuid)
        .executeTakeFirstOrThrow()
    ).host as string
  /** The action's events once every one has finished (the worker finishes them after its state writes). */
  const events = async (requestId: string) => {
    for (let i = 0; ; i++) {
      const rows = await h.ctx.db
        .selectFrom('instance_action_events as e')
        .innerJoin('instance_actions as a', 'a.id', 'e.action_id')
        .select(['e.event', 'e.result', 'a.message'])
        .where('a.request_id', '=', requestId)
        .execute()
      if ((rows.length > 0 && rows.every((r) => r.result !== null)) || i >= 100) return rows
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  before(async () => {
    h = await startBootHarness({ NUBIS_FAKE__NODES: '2' })
  })
  after(async () => h?.close())

  it('pause: driver call, vm_state paused, power_state 3, event Success', async () => {
    const uuid = await active()
    const req = await start(uuid, 'pause', 'pausing')
    await h.ctx.bus.cast({ topic: 'compute', server: await hostOf(uuid) }, 'pause_instance', {
      instanceUuid: uuid,
      requestId: req,
    })
    const r = await h.waitFor(uuid, (i) => i.task_state === null)
    assert.equal(r.vm_state, 'paused')
    assert.equal(r.power_state, PowerState.PAUSED)
    assert.equal((await h.fake.getInfo({ uuid } as never)).powerState, PowerState.PAUSED)
    assert.deepEqual(await events(req), [
      { event: 'compute_pause_instance', result: 'Success', message: null },
    ])
  })

  it('a failing driver call reverts task_state, records the fault and an Error event', async () => {
    const uuid = await active()
    // The guest is already shut down behind Nova's back: the fake refuses to suspend it.
    h.fake.simulatePowerState(uuid, PowerState.SHUTDOWN)
    const req = await start(uuid, 'suspend', 'suspending')
    await h.ctx.bus.cast({ topic: 'compute', server: await hostOf(uuid) }, 'suspend_instance', {
      instanceUuid: uuid,
      requestId: req,
    })
    const r = await h.waitFor(uuid, (i) => i.task_state === null && i.fault !== null)
    assert.equal(r.vm_state, 'active')
    assert.match(JSON.parse(r.fault ?? '{}').message, /power state/)
    const ev = await events(req)
    assert.equal(ev[0]?.result, 'Error')
    assert.equal(ev[0]?.message, 'Error')
  })

  it('attach_interface is a call that plugs the bound port into the fake guest', async () => {
    const uuid = await active()
    const host = await hostOf(uuid)
    await h.ctx.db
      .insertInto('instance_ports')
      .values({
        instance_uuid: uuid,
        port_id: 'no-such-port',
        network_id: 'n',
        mac_address: 'fa:16:3e:00:00:01',
        created_by_compute: 0,
        tag: null,
        created_at: new Date().toISOString(),
      })
      .execute()
    const req = await start(uuid, 'attach_interface', 'active')
    await h.ctx.db
      .updateTable('instances')
      .set({ task_state: null })
      .where('uuid', '=', uuid)
      .execute()
    // The port is not in the network service: the worker answers the error to the caller.
    await assert.rejects(
      h.ctx.bus.call({ topic: 'compute', server: host }, 'attach_interface', {
        instanceUuid: uuid,
        requestId: req,
        portId: 'no-such-port',
      }),
      /could not be found/,
    )
    assert.deepEqual(h.fake.devicesOf(uuid).interfaces, [])
  })

  it('get_console_output answers the tail of the fake console', async () => {
    const uuid = await active()
    const out = (await h.ctx.bus.call(
      { topic: 'compute', server: await hostOf(uuid) },
      'get_console_output',
      {
        instanceUuid: uuid,
        requestId: 'r',
        length: 1,
      },
    )) as { output: string }
    assert.match(out.output, /login:$/)
    assert.equal(tailLines('a\nb\nc\n', 2), 'b\nc')
    assert.equal(tailLines('a\nb\n', 0), '')
    assert.equal(tailLines('a\nb\n', undefined), 'a\nb\n')
  })
})
