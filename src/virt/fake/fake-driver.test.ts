import assert from 'node:assert/strict'
import { beforeEach, describe, it } from 'node:test'
import { computeDriverContract } from '../compute-driver.contract.js'
import { PowerState, type FlavorSpec, type InstanceSpec } from '../driver.js'
import { FakeDriver, type FakeDriverConfig } from './fake-driver.js'

const config: FakeDriverConfig = {
  nodes: 2,
  host_prefix: 'fd',
  vcpus: 8,
  memory_mb: 8192,
  local_gb: 100,
  sub_hosts: 2,
  fail_spawn_on: [],
  spawn_delay_ms: 0,
}
computeDriverContract('fake', { create: () => FakeDriver.create(config) })

const flavor = (memoryMb: number, name = `f${memoryMb}`): FlavorSpec => ({
  id: name,
  name,
  vcpus: 2,
  memoryMb,
  rootGb: 10,
  ephemeralGb: 0,
  swapMb: 512,
  extraSpecs: {},
})
const spec = (uuid: string, node: string, f = flavor(1024)): InstanceSpec => ({
  uuid,
  name: uuid,
  hostname: uuid,
  projectId: 'p',
  userId: 'u',
  node,
  flavor: f,
  metadata: {},
  configDrive: false,
})

describe('fake driver', () => {
  let d: FakeDriver
  const changes: Array<[string, number]> = []
  beforeEach(async () => {
    d = await FakeDriver.create(config)
    changes.length = 0
    await d.init({
      instanceChanged: (uuid, info) => changes.push([uuid, info.powerState]),
      resourcesChanged: () => {},
    })
  })

  it('serves [fake] nodes nodes named from host_prefix, with capacity split into sub-hosts', async () => {
    assert.deepEqual(d.nodes(), ['fd-1', 'fd-2'])
    const r = await d.getAvailableResource('fd-1')
    assert.equal(r.hypervisorType, 'fake')
    assert.equal(r.hypervisorHostname, 'fd-1')
    assert.deepEqual(r.supportedInstances, [['x86_64', 'fake', 'hvm']])
    assert.ok(r.traits.includes('COMPUTE_VOLUME_ATTACH'))
    assert.deepEqual(
      r.subHosts?.map((h) => [h.name, h.vcpus, h.memoryMb]),
      [
        ['fd-1-h1', 4, 4096],
        ['fd-1-h2', 4, 4096],
      ],
    )
    const single = await FakeDriver.create({ ...config, nodes: 1 })
    assert.deepEqual(single.nodes(), ['fd'])
  })

  it('spawns on the sub-host with most free RAM and counts usage from its instances', async () => {
    await d.spawn(spec('a', 'fd-1', flavor(3000)), undefined, [], [])
    const b = await d.spawn(spec('b', 'fd-1', flavor(2000)), undefined, [], [])
    assert.equal(b.subHost, 'fd-1-h2')
    const c = await d.spawn(spec('c', 'fd-1', flavor(1000)), undefined, [], [])
    assert.equal(c.subHost, 'fd-1-h2', 'h2 has 2096 MB free, h1 1096')
    const r = await d.getAvailableResource('fd-1')
    assert.equal(r.vcpusUsed, 6)
    assert.equal(r.memoryMbUsed, 6000)
    assert.equal(r.localGbUsed, 33, 'root 10 + swap rounded up to 1 GiB, three times')
    await assert.rejects(
      d.spawn(spec('d', 'fd-1', flavor(4000)), undefined, [], []),
      /no host of node fd-1/,
    )
    assert.equal((await d.listInstances('fd-2')).length, 0)
  })

  it('injects spawn failures on fail_spawn_on nodes', async () => {
    d.setFailSpawnOn(['fd-2'])
    await assert.rejects(
      d.spawn(spec('x', 'fd-2'), undefined, [], []),
      /failure injected on node fd-2/,
    )
    await d.spawn(spec('y', 'fd-1'), undefined, [], [])
  })

  it('keeps power states per instance and reports guest-side changes through callbacks', async () => {
    const s = spec('p', 'fd-1')
    await d.spawn(s, undefined, [], [])
    await d.pause(s)
    assert.equal((await d.getInfo(s)).powerState, PowerState.PAUSED)
    await assert.rejects(d.suspend(s), /not 1/)
    await d.unpause(s)
    await d.suspend(s)
    await d.resume(s)
    await d.powerOff(s)
    assert.equal((await d.getInfo(s)).powerState, PowerState.SHUTDOWN)
    await d.powerOn(s)
    await d.reboot(s, 'HARD')
    await d.rescue(s, undefined)
    await d.unrescue(s)
    assert.equal((await d.getInfo(s)).powerState, PowerState.RUNNING)
    d.simulatePowerState('p', PowerState.CRASHED)
    assert.deepEqual(changes, [['p', PowerState.CRASHED]])
    await d.destroy(s, [], [], true)
    await d.destroy(s, [], [], true)
    await assert.rejects(d.getInfo(s), /could not be found/)
  })

  it('resizes across nodes: source usage held until confirm, revert moves back', async () => {
    const s = spec('r', 'fd-1', flavor(1024))
    await d.spawn(s, undefined, [], [])
    const big = flavor(2048, 'big')
    await d.migrateDiskAndPowerOff(s, 'fd-2', big)
    const info = await d.finishMigration({ ...s, node: 'fd-2', flavor: big }, [], true)
    assert.equal(info.powerState, PowerState.RUNNING)
    assert.equal((await d.getAvailableResource('fd-2')).memoryMbUsed, 2048)
    assert.equal((await d.getAvailableResource('fd-1')).memoryMbUsed, 1024, 'source disks kept')
    await d.finishRevertMigration(s, [], false)
    assert.equal((await d.getAvailableResource('fd-1')).memoryMbUsed, 1024)
    assert.equal((await d.getAvailableResource('fd-2')).memoryMbUsed, 0)
    assert.equal((await d.getInfo(s)).powerState, PowerState.SHUTDOWN)
    await d.migrateDiskAndPowerOff(s, 'fd-2', big)
    await d.finishMigration({ ...s, node: 'fd-2', flavor: big }, [], true)
    await d.confirmMigration(s, 'fd-1')
    assert.equal((await d.getAvailableResource('fd-1')).memoryMbUsed, 0)
  })

  it('live-migrates running instances to another node and sub-host', async () => {
    const s = spec('l', 'fd-1')
    await d.spawn(s, undefined, [], [])
    await d.liveMigration(s, 'fd-2', 'fd-2-h2')
    assert.deepEqual(await d.listInstances('fd-2'), [
      { uuid: 'l', node: 'fd-2', powerState: PowerState.RUNNING, subHost: 'fd-2-h2' },
    ])
    await d.powerOff(s)
    await assert.rejects(d.liveMigration(s, 'fd-1'), /not running/)
  })

  it('records volumes and interfaces, uploads snapshots, answers consoles', async () => {
    const s = spec('v', 'fd-1')
    await d.spawn(s, undefined, [], [])
    const vol = {
      volumeId: 'vol-1',
      deviceName: '/dev/vdb',
      bootIndex: null,
      sourceType: 'volume' as const,
      destinationType: 'volume' as const,
      deleteOnTermination: false,
    }
    await d.attachVolume(s, vol)
    await assert.rejects(d.attachVolume(s, vol), /already attached/)
    await d.extendVolume(s, vol, 20)
    const vif = {
      portId: 'port-1',
      networkId: 'n',
      macAddress: 'fa:16:3e:00:00:01',
      fixedIps: [],
      vifType: 'ovs',
      vifDetails: {},
    }
    await d.attachInterface(s, vif)
    assert.deepEqual(d.devicesOf('v'), { volumes: ['vol-1'], interfaces: ['port-1'] })
    await d.detachVolume(s, vol)
    await d.detachInterface(s, vif)
    assert.deepEqual(d.devicesOf('v'), { volumes: [], interfaces: [] })
    const uploads: Array<{ bytes: number; diskFormat: string }> = []
    await d.snapshot(s, async (data, format) => {
      assert.ok(Buffer.isBuffer(data))
      uploads.push({ bytes: data.length, diskFormat: format.diskFormat })
    })
    assert.deepEqual(uploads, [{ bytes: 4096, diskFormat: 'raw' }])
    assert.match(await d.getConsoleOutput(s), /login:/)
    assert.deepEqual(await d.getRemoteConsole(s, 'vnc'), {
      protocol: 'vnc',
      type: 'novnc',
      host: '127.0.0.1',
      port: 6969,
    })
  })
})
