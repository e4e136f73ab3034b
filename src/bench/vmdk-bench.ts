/**
 * The vmdk volume driver on vcsim with the same injected latency as the
 * vSphere bench (every call 50 ms; CopyVirtualDisk_Task 2 s): SOAP round
 * trips and wall time per create, snapshot, clone, extend and delete, and
 * creates per minute with 10 in flight.
 * Run: node --import tsx src/bench/vmdk-bench.ts
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { DriverVolume } from '../services/volume/drivers/driver.js'
import { VmdkDriver } from '../services/volume/drivers/vmdk-driver.js'
import { vmdkOptions } from '../virt/vmware/driver/testing.js'
import { startVcsim, vcsimBinary } from '../virt/vmware/vim25/testing.js'

const DELAY_ARGS = ['-delay', '50', '-method-delay', 'CopyVirtualDisk_Task:2000']

export interface VmdkOpCost {
  readonly soapCalls: number
  readonly ms: number
}

/** Undefined when vcsim is not built. */
export async function benchVmdk(n = 20): Promise<Record<string, unknown> | undefined> {
  const bin = vcsimBinary()
  if (!bin) return undefined
  const vc = await startVcsim(bin, DELAY_ARGS)
  const dir = mkdtempSync(join(tmpdir(), 'nubis-vmdk-bench-'))
  const d = new VmdkDriver({ backendName: 'vmdk', dataDir: dir, options: vmdkOptions(vc) })
  try {
    await d.start()
    const measure = async <T>(fn: () => Promise<T>): Promise<[T, VmdkOpCost]> => {
      const t0 = performance.now()
      const { result, calls } = await d.session.count(fn)
      return [result, { soapCalls: calls.total, ms: Math.round(performance.now() - t0) }]
    }
    const vol = (): DriverVolume => ({
      id: randomUUID(),
      sizeGb: 1,
      providerLocation: null,
      typeSpecs: {},
    })
    const v = vol()
    const [made, create] = await measure(() => d.createVolume(v))
    const src = { ...v, providerLocation: made.providerLocation }
    const snap = { id: randomUUID(), volumeId: v.id, sizeGb: 1, providerLocation: null }
    const [, snapshot] = await measure(() => d.createSnapshot(snap, src))
    const c = vol()
    const [cloned, clone] = await measure(() => d.createCloneVolume(c, src))
    const [, extend] = await measure(() => d.extendVolume(src, 2))
    const [, del] = await measure(() => d.deleteVolume(src))
    await d.deleteVolume({ ...c, providerLocation: cloned.providerLocation })
    const t0 = performance.now()
    let next = 0
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next++ < n) await d.createVolume(vol())
      }),
    )
    const createsPerMinute10InFlight = Math.round((n / ((performance.now() - t0) / 1000)) * 60)
    return {
      delays: DELAY_ARGS.join(' '),
      create,
      snapshot,
      clone,
      extend,
      delete: del,
      createsPerMinute10InFlight,
    }
  } finally {
    await d.close()
    await vc.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await benchVmdk()
  console.log(r ? JSON.stringify(r, null, 2) : 'vcsim not built')
}
