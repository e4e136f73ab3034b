import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { VsphereDriver } from '../../virt/vmware/driver/vsphere-driver.js'
import { vcsimConfig } from '../../virt/vmware/driver/testing.js'
import { startVcsim, vcsimBinary, type Vcsim } from '../../virt/vmware/vim25/testing.js'
import { isNoValidHost } from './errors.js'
import { createFilterScheduler } from './filter-scheduler.js'
import { addTestNode, openSchedulerTestDb, schedulerTestConfig, testSpec } from './testing.js'

const bin = vcsimBinary()

/**
 * Seed 004 end to end: the vSphere driver's report of a vcsim cluster (three
 * ESXi hosts of 4 GB, each with ~1.4 GB in use) goes to the scheduler, which
 * refuses a server that fits the cluster's total free RAM but no single host.
 */
describe(
  'scheduling onto a vSphere cluster (vcsim)',
  { skip: bin ? false : 'vcsim not built' },
  () => {
    let vc: Vcsim
    let driver: VsphereDriver
    let h: Awaited<ReturnType<typeof openSchedulerTestDb>>
    const config = schedulerTestConfig()

    before(async () => {
      vc = await startVcsim(bin!)
      driver = await VsphereDriver.create(vcsimConfig(vc))
      await driver.init({ instanceChanged: () => {}, resourcesChanged: () => {} })
      h = await openSchedulerTestDb()
      const node = driver.nodes()[0]!
      const r = await driver.getAvailableResource(node)
      await addTestNode(h.db, config, {
        host: node,
        nodename: node,
        vcpus: r.vcpus,
        memoryMb: r.memoryMb,
        localGb: r.localGb,
        hypervisorType: r.hypervisorType,
        supportedInstances: r.supportedInstances,
        ...(r.subHosts ? { subHosts: r.subHosts } : {}),
      })
    })
    after(async () => {
      await h?.dispose()
      await driver?.close()
      await vc?.stop()
    })

    it('refuses a flavor larger than any single host\u2019s free RAM, smaller than the cluster\u2019s', async () => {
      const r = await driver.getAvailableResource(driver.nodes()[0]!)
      const free = r.subHosts!.map((s) => s.memoryMb - s.memoryMbUsed)
      const clusterFree = free.reduce((a, b) => a + b, 0)
      const memoryMb = Math.max(...free) + 512
      assert.ok(memoryMb < clusterFree, `${memoryMb} MB fits the cluster total ${clusterFree} MB`)
      const scheduler = createFilterScheduler(h.db, config)
      await assert.rejects(
        scheduler.selectDestinations(testSpec({ flavor: { memoryMb, vcpus: 1, rootGb: 1 } }), [
          randomUUID(),
        ]),
        (err: Error) => {
          assert.ok(isNoValidHost(err))
          assert.match(
            err.message,
            new RegExp(`no single host in cluster .* can hold ${memoryMb} MB`),
          )
          return true
        },
      )
      // A flavor one host can hold is placed on the cluster node.
      const [sel] = await scheduler.selectDestinations(
        testSpec({ flavor: { memoryMb: Math.min(...free) - 256, vcpus: 1, rootGb: 1 } }),
        [randomUUID()],
      )
      assert.equal(sel?.[0]?.nodename, driver.nodes()[0])
    })
  },
)
