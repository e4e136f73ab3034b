import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { pino } from 'pino'
import type { Bus } from '../../bus/bus.js'
import { createBus } from '../../bus/registry.js'
import { startComputeWorkers, type ComputeWorkers } from '../compute/worker/compute-workers.js'
import { startBootHarness, type BootHarness } from './testing.js'

const url = process.env['NUBIS_TEST_RABBITMQ_URL'] ?? ''

/**
 * The deployment the design is for: compute workers on their own RabbitMQ
 * connection (as `nubis compute` in another process), knowing only the bus and
 * their configuration; conductor and scheduler with the database elsewhere.
 */
describe(
  'boot over RabbitMQ with workers on a separate connection',
  { skip: url === '' ? 'NUBIS_TEST_RABBITMQ_URL not set' : false },
  () => {
    let h: BootHarness
    let controlBus: Bus
    let workerBus: Bus
    let workers: ComputeWorkers
    before(async () => {
      controlBus = await createBus(url)
      workerBus = await createBus(url)
      h = await startBootHarness(
        { NUBIS_FAKE__NODES: '2', NUBIS_FAKE__HOST_PREFIX: `rmq${process.pid}` },
        { bus: controlBus, workers: false },
      )
      workers = await startComputeWorkers({
        bus: workerBus,
        compute: h.ctx.config.compute,
        driverConfig: {
          get: ((g: { name: string }) =>
            g.name === 'fake' ? h.ctx.config.fake : h.ctx.config.compute) as never,
        },
        logger: pino({ level: 'silent' }),
      })
    })
    after(async () => {
      await workers?.close()
      await h?.close()
      await workerBus?.close()
      await controlBus?.close()
    })

    it('builds to ACTIVE and deletes, every worker write going through the conductor', async () => {
      // NOTE: forced onto this run's node: a reused broker may still deliver reports of old runs.
      const uuid = await h.insertInstance({ availabilityZone: `nova:rmq${process.pid}-2` })
      await h.build([uuid])
      const r = await h.waitFor(uuid, (i) => i.vm_state === 'active', 20_000)
      assert.equal(r.host, `rmq${process.pid}-2`)
      assert.equal((await workers.driver.listInstances(r.node ?? '')).length, 1)
      await controlBus.cast({ topic: 'compute', server: r.host ?? '' }, 'terminate_instance', {
        instanceUuid: uuid,
        requestId: 'req-rmq-del',
      })
      await h.waitFor(uuid, (i) => i.deleted === 1, 20_000)
      assert.equal((await workers.driver.listInstances(r.node ?? '')).length, 0)
    })

    it('`nubis compute` in its own process serves a node and builds on it', async () => {
      const host = `proc${process.pid}`
      const child = spawn(
        process.execPath,
        // From dist/ (npm test) run the compiled CLI; from src/ (tsx) the TypeScript one.
        import.meta.url.endsWith('.ts')
          ? ['--import', 'tsx', resolve(import.meta.dirname, '../../cmd/nubis.ts'), 'compute']
          : [resolve(import.meta.dirname, '../../cmd/nubis.js'), 'compute'],
        {
          env: {
            ...process.env,
            NUBIS_TRANSPORT_URL: url,
            NUBIS_FAKE__HOST_PREFIX: host,
            NUBIS_LOG_LEVEL: 'warn',
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      )
      try {
        let node
        for (let i = 0; i < 300 && !node; i++) {
          node = await h.ctx.db
            .selectFrom('compute_nodes')
            .select('uuid')
            .where('host', '=', host)
            .executeTakeFirst()
          if (!node) await new Promise((r) => setTimeout(r, 100))
        }
        assert.ok(node, 'the worker process reported its node')
        const uuid = await h.insertInstance({ availabilityZone: `nova:${host}` })
        await h.build([uuid])
        const r = await h.waitFor(uuid, (i) => i.vm_state === 'active', 20_000)
        assert.equal(r.host, host)
      } finally {
        child.kill('SIGTERM')
        await once(child, 'exit')
      }
    })
  },
)
