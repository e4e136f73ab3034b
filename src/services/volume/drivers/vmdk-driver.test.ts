import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import {
  flavor,
  instance,
  memoryImages,
  vcsimConfig,
  vmdkOptions,
} from '../../../virt/vmware/driver/testing.js'
import { VsphereDriver } from '../../../virt/vmware/driver/vsphere-driver.js'
import {
  DatastoreFileNotFound,
  DatastoreFiles,
} from '../../../virt/vmware/vim25/datastore-files.js'
import { startVcsim, vcsimBinary, type Vcsim } from '../../../virt/vmware/vim25/testing.js'
import { child, list, text } from '../../../virt/vmware/vim25/soap.js'
import type { BlockDevice } from '../../../virt/driver.js'
import type { DriverVolume } from './driver.js'
import { loadVolumeDriver } from './registry.js'
import type { VmdkDriver } from './vmdk-driver.js'

const run = promisify(execFile)
const bin = vcsimBinary()

describe('vmdk volume driver against vcsim', { skip: bin ? false : 'vcsim not built' }, () => {
  let vc: Vcsim
  let dir: string
  let d: VmdkDriver
  let files: DatastoreFiles
  const vol = (over: Partial<DriverVolume> = {}): DriverVolume => ({
    id: randomUUID(),
    sizeGb: 1,
    providerLocation: null,
    typeSpecs: {},
    ...over,
  })
  /** `[ds] a/b.vmdk` → does the descriptor exist on the datastore (HTTP HEAD)? */
  const exists = async (loc: string): Promise<boolean> => {
    const m = /^\[([^\]]+)\] (.+)$/.exec(loc)!
    try {
      await files.size({ dcPath: 'DC0', dsName: m[1]!, path: m[2]! })
      return true
    } catch (err) {
      if (err instanceof DatastoreFileNotFound) return false
      throw err
    }
  }
  const soap = async <T>(fn: () => Promise<T>) => {
    const r = await d.session.count(fn)
    return {
      result: r.result,
      calls: r.calls.total,
      byMethod: Object.fromEntries(r.calls.byMethod),
    }
  }
  const counts: Record<string, number> = {}
  const driver = async (over: Parameters<typeof vmdkOptions>[1] = {}) => {
    return (await loadVolumeDriver('cinder.volume.drivers.vmware.vmdk.VMwareVcVmdkDriver', {
      backendName: 'vmdk',
      dataDir: dir,
      options: vmdkOptions(vc, { vmware_api_retry_count: 2, ...over }),
    })) as VmdkDriver
  }

  before(async () => {
    vc = await startVcsim(bin!)
    dir = mkdtempSync(join(tmpdir(), 'nubis-vmdk-'))
    d = await driver()
    await d.start()
    files = new DatastoreFiles(d.session)
  })
  after(async () => {
    console.log('vmdk driver SOAP round trips per operation:', counts)
    await d?.close()
    await vc?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('reports one pool with the datastores capacity', async () => {
    const [pool] = await d.getPoolStats()
    assert.equal(pool?.poolName, 'vmdk')
    assert.ok(pool.totalCapacityGb > 0 && pool.freeCapacityGb <= pool.totalCapacityGb)
    assert.equal(pool.capabilities['storage_protocol'], 'vmdk')
    assert.equal(pool.capabilities['datastores'], 'LocalDS_0')
  })

  it('keeps to the datastores of vmware_cluster_name and vmware_datastore_regex', async () => {
    const inCluster = await driver({ vmware_cluster_name: ['DC0_C0'] })
    const noMatch = await driver({ vmware_datastore_regex: '^nfs-' })
    const unknown = await driver({ vmware_cluster_name: ['nope'] })
    try {
      for (const x of [inCluster, noMatch, unknown]) await x.start()
      const [pool] = await inCluster.getPoolStats()
      assert.equal(pool?.capabilities['datastores'], 'LocalDS_0')
      const [none] = await noMatch.getPoolStats()
      assert.equal(none?.totalCapacityGb, 0)
      await assert.rejects(noMatch.createVolume(vol()), /No accessible datastore/)
      await assert.rejects(unknown.getPoolStats(), /no cluster named nope/)
    } finally {
      for (const x of [inCluster, noMatch, unknown]) await x.close()
    }
  })

  it('creates a disk under Volumes/volume-<id>/ and deletes it (twice is fine)', async () => {
    const v = vol()
    const made = await soap(() => d.createVolume(v))
    counts['create'] = made.calls
    const loc = made.result.providerLocation
    assert.equal(loc, `[LocalDS_0] Volumes/volume-${v.id}/volume-${v.id}.vmdk`)
    assert.ok(await exists(loc))
    const info = await d.initializeConnection({ ...v, providerLocation: loc })
    assert.equal(info.driver_volume_type, 'vmdk')
    assert.equal(info.data['vmdk_path'], loc)
    const del = await soap(() => d.deleteVolume({ ...v, providerLocation: loc }))
    counts['delete'] = del.calls
    assert.equal(await exists(loc), false)
    await d.deleteVolume({ ...v, providerLocation: loc })
  })

  it('refuses an unknown vmware:vmdk_type and leaves nothing behind', async () => {
    const v = vol({ typeSpecs: { 'vmware:vmdk_type': 'sparse' } })
    await assert.rejects(d.createVolume(v), /vmdk_type/)
    assert.equal(await exists(`[LocalDS_0] Volumes/volume-${v.id}/volume-${v.id}.vmdk`), false)
  })

  it('keeps data across restore, snapshot, volume from snapshot, clone and extend', async () => {
    const pattern = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256))
    const v = vol({ typeSpecs: { 'vmware:vmdk_type': 'thick' } })
    const loc = (await d.createVolume(v)).providerLocation
    const src = { ...v, providerLocation: loc }
    await d.restoreBackup(src, Readable.from([pattern]))
    const read = async (x: DriverVolume) => {
      const data = await d.backupSource(x)
      try {
        return await buffer(data.open())
      } finally {
        await data.release()
      }
    }
    assert.ok((await read(src)).equals(pattern), 'restore then backup reads the bytes back')

    const snap = { id: randomUUID(), volumeId: v.id, sizeGb: 1, providerLocation: null }
    const s = await soap(() => d.createSnapshot(snap, src))
    counts['snapshot'] = s.calls
    const snapLoc = s.result.providerLocation
    assert.match(snapLoc, /Volumes\/snapshot-.*\.vmdk$/)
    const fromSnap = vol({ sizeGb: 2 })
    const fs = await soap(() =>
      d.createVolumeFromSnapshot(fromSnap, { ...snap, providerLocation: snapLoc }),
    )
    counts['volume from snapshot (grown)'] = fs.calls
    assert.equal(fs.byMethod['ExtendVirtualDisk_Task'], 1, 'the larger volume is extended')
    assert.ok(
      (await read({ ...fromSnap, providerLocation: fs.result.providerLocation })).equals(pattern),
    )

    const clone = vol()
    const c = await soap(() => d.createCloneVolume(clone, src))
    counts['clone'] = c.calls
    assert.ok(
      (await read({ ...clone, providerLocation: c.result.providerLocation })).equals(pattern),
    )

    const ext = await soap(() => d.extendVolume(src, 3))
    counts['extend'] = ext.calls
    assert.equal(ext.byMethod['ExtendVirtualDisk_Task'], 1)

    await d.deleteSnapshot({ ...snap, providerLocation: snapLoc })
    assert.equal(await exists(snapLoc), false)
    for (const x of [src, { ...fromSnap, providerLocation: fs.result.providerLocation }]) {
      await d.deleteVolume(x)
      assert.equal(await exists(x.providerLocation), false)
    }
    await d.deleteVolume({ ...clone, providerLocation: c.result.providerLocation })
  })

  it('copies a qcow2 image into a volume and the volume back out as an image', async () => {
    const raw = join(dir, 'img.raw')
    const qcow = join(dir, 'img.qcow2')
    const pattern = Buffer.alloc(65536, 0x5a)
    await run('bash', ['-c', `head -c 1048576 /dev/zero > ${raw}`])
    const fd = await import('node:fs/promises')
    const h = await fd.open(raw, 'r+')
    await h.write(pattern, 0, pattern.length, 0)
    await h.close()
    await run('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, qcow])
    const v = vol()
    const image = {
      id: 'img-1',
      diskFormat: 'qcow2',
      sizeBytes: readFileSync(qcow).length,
      open: async () => Readable.from([readFileSync(qcow)]),
    }
    const loc = (await d.copyImageToVolume(v, image)).providerLocation
    const out = await d.copyVolumeToImage({ ...v, providerLocation: loc }, 'qcow2')
    try {
      const back = join(dir, 'back.qcow2')
      const { writeFile } = await import('node:fs/promises')
      await writeFile(back, await buffer(out.open()))
      await run('qemu-img', [
        'convert',
        '-q',
        '-f',
        'qcow2',
        '-O',
        'raw',
        back,
        join(dir, 'back.raw'),
      ])
      assert.ok(readFileSync(join(dir, 'back.raw')).subarray(0, pattern.length).equals(pattern))
    } finally {
      await out.release()
    }
    const tooBig = vol()
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'big.qcow2'), '3G'])
    await assert.rejects(
      d.copyImageToVolume(tooBig, {
        ...image,
        open: async () => Readable.from([readFileSync(join(dir, 'big.qcow2'))]),
      }),
      /doesn't fit/,
    )
    assert.equal(
      await exists(`[LocalDS_0] Volumes/volume-${tooBig.id}/volume-${tooBig.id}.vmdk`),
      false,
    )
    await d.deleteVolume({ ...v, providerLocation: loc })
  })

  it('retypes thin → thick keeping the data and the path', async () => {
    const v = vol({ typeSpecs: { 'vmware:vmdk_type': 'thin' } })
    const loc = (await d.createVolume(v)).providerLocation
    const x = { ...v, providerLocation: loc }
    const pattern = Buffer.alloc(100_000, 0x33)
    await d.restoreBackup(x, Readable.from([pattern]))
    assert.equal(
      await d.retype(x, { 'vmware:vmdk_type': 'thin', 'vmware:adapter_type': 'ide' }),
      true,
    )
    const r = await soap(() => d.retype(x, { 'vmware:vmdk_type': 'thick' }))
    counts['retype thin→thick'] = r.calls
    assert.equal(r.result, true)
    assert.equal(r.byMethod['CreateVirtualDisk_Task'], 1)
    assert.equal(r.byMethod['MoveVirtualDisk_Task'], 1)
    assert.ok(await exists(loc), 'same path')
    const data = await d.backupSource(x)
    try {
      assert.ok((await buffer(data.open())).equals(pattern), 'same bytes')
    } finally {
      await data.release()
    }
    await assert.rejects(d.retype(x, { 'vmware:vmdk_type': 'sparse' }), /vmdk_type/)
    await d.deleteVolume(x)
  })

  it('the vSphere compute driver attaches and detaches the volume by its vmdk_path', async () => {
    const compute = await VsphereDriver.create(vcsimConfig(vc, { use_linked_clone: false }), {
      imageSource: memoryImages({ img: Buffer.alloc(4096, 1) }),
    })
    try {
      await compute.init({ instanceChanged: () => undefined, resourcesChanged: () => undefined })
      const node = compute.nodes()[0]!
      const uuid = randomUUID()
      const inst = instance(uuid, node, { flavor: flavor({ rootGb: 0 }) })
      await compute.spawn(inst, undefined, [], [])
      const v = vol()
      const loc = (await d.createVolume(v)).providerLocation
      const connectionInfo = await d.initializeConnection({ ...v, providerLocation: loc })
      const bd: BlockDevice = {
        volumeId: v.id,
        deviceName: '/dev/sdb',
        bootIndex: null,
        sourceType: 'volume',
        destinationType: 'volume',
        deleteOnTermination: false,
        connectionInfo: connectionInfo as unknown as Record<string, unknown>,
      }
      const disks = async () => {
        const vm = compute.inventory.vmByUuid(uuid)!
        const devs = await compute.session.property(
          { type: 'VirtualMachine', value: vm.ref },
          'config.hardware.device',
        )
        return list(child(devs, 'VirtualDevice')).map((x) =>
          text(child(child(x, 'backing'), 'fileName')),
        )
      }
      await compute.attachVolume(inst, bd)
      assert.ok((await disks()).includes(loc), 'the VM gained the volume disk')
      await compute.detachVolume(inst, bd)
      assert.ok(!(await disks()).includes(loc))
      assert.ok(await exists(loc), 'detach keeps the volume')
      await compute.destroy(inst, [], [], true)
      await d.deleteVolume({ ...v, providerLocation: loc })
    } finally {
      await compute.close()
    }
  })
})
