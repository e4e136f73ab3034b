import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { pino } from 'pino'
import { startComputeWorkers, type ComputeWorkers } from '../compute/worker/compute-workers.js'
import { parseNetworkBody } from '../network/api/networks-input.js'
import { createNetworks } from '../network/networks-service.js'
import { createSubnet } from '../network/subnets-service.js'
import { serviceAuth } from './service-auth.js'
import { startBootHarness, TEST_PROJECT, TEST_USER, type BootHarness } from './testing.js'

/**
 * Builds wait for network-vif-plugged of ports an agent still has to plug
 * (bound, enabled, DOWN). Nubis's ML2 marks bound ports ACTIVE at once, so the
 * test parks the build message while no worker listens, turns the port DOWN,
 * then lets a worker take it.
 */
describe('waiting for network-vif-plugged', () => {
  let h: BootHarness
  let workers: ComputeWorkers | undefined
  const auth = serviceAuth(TEST_PROJECT, TEST_USER)
  before(async () => {
    h = await startBootHarness({
      NUBIS_FAKE__HOST_PREFIX: 'vp',
      NUBIS_COMPUTE__VIF_PLUGGING_TIMEOUT: '1',
    })
    const net = h.ctx.network
    assert.ok(net)
    const [n] = await createNetworks(net, auth, [
      parseNetworkBody({ name: 'private', project_id: TEST_PROJECT }, true),
    ])
    await createSubnet(net, auth, { network_id: n?.row.id, cidr: '10.8.0.0/24', ip_version: 4 })
    // The node is known to the scheduler; now its worker stops taking messages.
    await h.runtime.workers?.close()
  })
  after(async () => {
    await workers?.close()
    await h?.close()
  })

  async function portOf(uuid: string): Promise<{ port_id: string }> {
    const until = Date.now() + 5000
    for (;;) {
      const row = await h.ctx.db
        .selectFrom('instance_ports')
        .select('port_id')
        .where('instance_uuid', '=', uuid)
        .executeTakeFirst()
      if (row) return row
      if (Date.now() > until) throw new Error(`instance ${uuid} never got a port`)
      await new Promise((r) => setTimeout(r, 10))
    }
  }

  /** Builds until the cast waits for the worker, with the instance's port DOWN. */
  async function parkedBuild(): Promise<{ uuid: string; port: string; requestId: string }> {
    const uuid = await h.insertInstance({ requestedNetworks: 'auto' })
    const requestId = await h.build([uuid])
    await h.waitFor(uuid, (i) => i.host !== null)
    // The host is recorded before the ports are made: wait for the conductor's port.
    const port = await portOf(uuid)
    await h.ctx.db
      .updateTable('ports')
      .set({ status: 'DOWN' })
      .where('id', '=', port.port_id)
      .execute()
    return { uuid, port: port.port_id, requestId }
  }
  const startWorkers = async () =>
    startComputeWorkers({
      bus: h.ctx.bus,
      compute: h.ctx.config.compute,
      driverConfig: {
        get: ((g: { name: string }) =>
          g.name === 'fake' ? h.ctx.config.fake : h.ctx.config.compute) as never,
      },
      logger: pino({ level: 'silent' }),
    })

  it('spawns, then finishes the build when the event arrives', async () => {
    const { uuid, port, requestId } = await parkedBuild()
    workers = await startWorkers()
    await h.waitFor(uuid, (i) => i.task_state === 'spawning')
    await new Promise((r) => setTimeout(r, 200))
    assert.equal((await h.waitFor(uuid, () => true)).task_state, 'spawning', 'still waiting')
    await h.ctx.bus.cast({ topic: 'compute', server: 'vp' }, 'external_instance_event', {
      instanceUuid: uuid,
      requestId,
      events: [{ name: 'network-vif-plugged', tag: port, status: 'completed' }],
    })
    await h.waitFor(uuid, (i) => i.vm_state === 'active', 900)
    await workers.close()
    workers = undefined
  })

  it('fails the build when the event never comes ([compute] vif_plugging_is_fatal)', async () => {
    const { uuid } = await parkedBuild()
    workers = await startWorkers()
    const r = await h.waitFor(uuid, (i) => i.vm_state === 'error', 5000)
    assert.match(
      JSON.parse(r.fault ?? '{}').details,
      /Virtual Interface creation failed \(waiting for network-vif-plugged-/,
    )
  })
})
