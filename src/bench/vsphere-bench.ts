/**
 * vSphere driver on vcsim with injected latency (every call 50 ms;
 * CreateVM_Task and CopyVirtualDisk_Task 2 s): SOAP round trips and wall
 * time per spawn (uncached image, cached full copy, cached linked clone) and
 * per destroy, and boots per minute with 10 spawns in flight.
 * Run: node --import tsx src/bench/vsphere-bench.ts
 */
import { randomUUID } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { VsphereDriver } from '../virt/vmware/driver/vsphere-driver.js'
import { image, instance, memoryImages, vcsimConfig } from '../virt/vmware/driver/testing.js'
import { startVcsim, vcsimBinary } from '../virt/vmware/vim25/testing.js'

export interface OpCost {
  readonly soapCalls: number
  readonly ms: number
}

export interface VsphereBench {
  readonly delays: string
  readonly spawnUncached: OpCost
  readonly spawnCachedCopy: OpCost
  readonly spawnCachedLinked: OpCost
  readonly destroy: OpCost
  readonly bootsPerMinute10InFlight: number
}

const DELAY_ARGS = ['-delay', '50', '-method-delay', 'CreateVM_Task:2000,CopyVirtualDisk_Task:2000']

/** Undefined when vcsim is not built (shared/tools/vcsim/install.sh). */
export async function benchVsphere(boots = 20): Promise<VsphereBench | undefined> {
  const bin = vcsimBinary()
  if (!bin) return undefined
  const vc = await startVcsim(bin, DELAY_ARGS)
  const data = Buffer.alloc(1 << 20, 7)
  const images = memoryImages({ bench: data })
  const copy = await VsphereDriver.create(
    vcsimConfig(vc, { use_linked_clone: false, inventory_resync_interval: 300 }),
    {
      imageSource: images,
    },
  )
  const linked = await VsphereDriver.create(
    vcsimConfig(vc, { use_linked_clone: true, inventory_resync_interval: 300 }),
    {
      imageSource: images,
    },
  )
  const noop = { instanceChanged: () => {}, resourcesChanged: () => {} }
  try {
    await copy.init(noop)
    await linked.init(noop)
    const node = copy.nodes()[0]!
    const img = image('bench', data.length)
    const measure = async (d: VsphereDriver, fn: () => Promise<unknown>): Promise<OpCost> => {
      const t0 = performance.now()
      const { calls } = await d.session.count(fn)
      return { soapCalls: calls.total, ms: Math.round(performance.now() - t0) }
    }
    const u1 = randomUUID()
    const u2 = randomUUID()
    const u3 = randomUUID()
    const spawnUncached = await measure(copy, () => copy.spawn(instance(u1, node), img, [], []))
    const spawnCachedCopy = await measure(copy, () => copy.spawn(instance(u2, node), img, [], []))
    const spawnCachedLinked = await measure(linked, () =>
      linked.spawn(instance(u3, node), img, [], []),
    )
    const destroy = await measure(copy, () => copy.destroy(instance(u1, node), [], [], true))
    const uuids = Array.from({ length: boots }, () => randomUUID())
    const t0 = performance.now()
    let next = 0
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < uuids.length) {
          const u = uuids[next++]!
          await linked.spawn(instance(u, node), img, [], [])
        }
      }),
    )
    const bootsPerMinute10InFlight = Math.round((boots / ((performance.now() - t0) / 1000)) * 60)
    return {
      delays: DELAY_ARGS.join(' '),
      spawnUncached,
      spawnCachedCopy,
      spawnCachedLinked,
      destroy,
      bootsPerMinute10InFlight,
    }
  } finally {
    await copy.close()
    await linked.close()
    await vc.stop()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await benchVsphere()
  console.log(r ? JSON.stringify(r, null, 2) : 'vcsim not built')
}
