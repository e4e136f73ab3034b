import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  PowerState,
  type ComputeDriver,
  type FlavorSpec,
  type InstanceInfo,
  type InstanceSpec,
} from './driver.js'

export interface DriverContractOptions {
  /** Builds a driver (not yet initialised); the suite inits and closes it. */
  readonly create: () => Promise<ComputeDriver>
  /** A flavor the driver's first node can hold (default: 1 vCPU, 64 MB, 1 GB). */
  readonly flavor?: FlavorSpec
  /** Skips the whole suite; node:test prints the reason. */
  readonly skip?: string | false
}

/**
 * What every ComputeDriver must do, whatever its hypervisor (nova:
 * nova/tests/unit/virt/test_virt_drivers.py): resources of its nodes, the
 * basic life cycle with power states, idempotent destroy, and InstanceNotFound
 * for instances it does not have.
 */
export function computeDriverContract(name: string, options: DriverContractOptions): void {
  // NOTE: void: node:test tracks the promises itself; this file is not a *.test.ts.
  void describe(`${name} (compute driver contract)`, { skip: options.skip ?? false }, () => {
    let d: ComputeDriver
    let node: string
    const changes: Array<[string, InstanceInfo]> = []
    const flavor: FlavorSpec = options.flavor ?? {
      id: 'contract',
      name: 'contract',
      vcpus: 1,
      memoryMb: 64,
      rootGb: 1,
      ephemeralGb: 0,
      swapMb: 0,
      extraSpecs: {},
    }
    const spec = (): InstanceSpec => {
      const uuid = randomUUID()
      return {
        uuid,
        name: `contract-${uuid.slice(0, 8)}`,
        hostname: `contract-${uuid.slice(0, 8)}`,
        projectId: 'contract',
        userId: 'contract',
        node,
        flavor,
        metadata: {},
        configDrive: false,
      }
    }
    before(async () => {
      d = await options.create()
      await d.init({
        instanceChanged: (uuid, info) => changes.push([uuid, info]),
        resourcesChanged: () => {},
      })
      const first = d.nodes()[0]
      assert.ok(first, 'the driver serves at least one node')
      node = first
    })
    after(async () => d?.close())

    void it('reports the resources of each node it serves', async () => {
      for (const n of d.nodes()) {
        const r = await d.getAvailableResource(n)
        assert.equal(r.nodename, n)
        assert.ok(r.hypervisorType !== '' && r.hypervisorHostname !== '')
        assert.ok(r.vcpus > 0 && r.memoryMb > 0 && r.localGb >= 0)
        assert.ok(r.vcpusUsed >= 0 && r.memoryMbUsed >= 0 && r.localGbUsed >= 0)
        assert.ok(r.supportedInstances.length > 0)
        for (const t of r.supportedInstances) assert.equal(t.length, 3)
      }
    })

    void it('spawns, lists, powers off and on, reboots and destroys', async () => {
      const s = spec()
      const info = await d.spawn(s, undefined, [], [])
      assert.equal(info.powerState, PowerState.RUNNING)
      assert.ok((await d.listInstances(node)).some((i) => i.uuid === s.uuid && i.node === node))
      const diag = await d.getDiagnostics(s)
      assert.equal(diag.state, 'running')
      assert.equal(diag.num_cpus, s.flavor.vcpus)
      assert.equal(diag.memory_details.maximum, s.flavor.memoryMb)
      assert.equal(diag.cpu_details.length, s.flavor.vcpus)
      await d.powerOff(s)
      assert.equal((await d.getInfo(s)).powerState, PowerState.SHUTDOWN)
      assert.equal((await d.getDiagnostics(s)).state, 'shutdown')
      await d.powerOn(s)
      assert.equal((await d.getInfo(s)).powerState, PowerState.RUNNING)
      await d.reboot(s, 'SOFT')
      assert.equal((await d.getInfo(s)).powerState, PowerState.RUNNING)
      await d.destroy(s, [], [], true)
      assert.equal(
        (await d.listInstances(node)).some((i) => i.uuid === s.uuid),
        false,
      )
    })

    void it('destroys idempotently and answers InstanceNotFound for unknown instances', async () => {
      const s = spec()
      await d.destroy(s, [], [], true)
      await assert.rejects(d.getInfo(s), (err: unknown) => {
        const e = err as { status?: number; type?: string }
        return e.status === 404 || e.type === 'InstanceNotFound'
      })
    })
  })
}
