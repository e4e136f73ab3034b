import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  DuplicateName,
  InvalidLogin,
  InvalidPowerState,
  ManagedObjectNotFound,
  TransientFault,
} from './faults.js'
import { Inventory, type VmView } from './inventory.js'
import { retrieveByType } from './property-collector.js'
import { Vim25Session } from './session.js'
import { el, moRef, text, type MoRef } from './soap.js'
import { TaskWaiter } from './task-waiter.js'
import { startVcsim, vcsimBinary, type Vcsim } from './testing.js'

const bin = vcsimBinary()

/** Resolves when `pred` holds, polling the in-memory view only (no SOAP). */
async function until(pred: () => boolean, ms: number): Promise<number> {
  const t0 = Date.now()
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error(`condition not met within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
  return Date.now() - t0
}

describe('vim25 client against vcsim', { skip: bin ? false : 'vcsim not built' }, () => {
  let vc: Vcsim
  let s: Vim25Session
  before(async () => {
    // 60 VMs per resource pool: 120 VMs, more than one 100-object page.
    vc = await startVcsim(bin!, ['-vm', '60', '-username', 'admin', '-password', 'secret'])
    s = await Vim25Session.create({
      url: vc.url,
      username: 'admin',
      password: 'secret',
      insecure: true,
    })
  })
  after(async () => {
    await s?.close()
    await vc?.stop()
  })

  it('rejects a bad password with InvalidLogin', async () => {
    await assert.rejects(
      Vim25Session.create({ url: vc.url, username: 'admin', password: 'wrong', insecure: true }),
      InvalidLogin,
    )
  })

  it('rejects vcsim\u2019s self-signed certificate unless insecure', async () => {
    await assert.rejects(
      Vim25Session.create({ url: vc.url, username: 'admin', password: 'secret', retries: 0 }),
      (err: Error) => /certificate|self.signed/i.test(`${err.message} ${String(err.cause)}`),
    )
  })

  it('re-logs in transparently after the session is dropped (fault and missingSet forms)', async () => {
    const logins = s.logins
    await s.call('Logout', s.content.sessionManager)
    // CreateContainerView faults NotAuthenticated: call() logs in again and repeats it.
    const view = await s.callRef(
      'CreateContainerView',
      s.content.viewManager,
      `<container type="Folder">group-d1</container>${el('type', 'HostSystem')}${el('recursive', true)}`,
    )
    assert.equal(view.type, 'ContainerView')
    assert.equal(s.logins, logins + 1)
    await s.call('Logout', s.content.sessionManager)
    // RetrievePropertiesEx does not fault: NotAuthenticated comes back in missingSet.
    const name = await s.property({ type: 'Folder', value: 'group-d1' }, 'name')
    assert.equal(text(name), 'Datacenters')
    assert.equal(s.logins, logins + 2)
  })

  it('returns every object beyond one page (120 VMs with maxObjects 10)', async () => {
    const vms = await retrieveByType(s, s.content.rootFolder, 'VirtualMachine', ['name'], 10)
    assert.ok(vms.length >= 120, `got ${vms.length}`)
    assert.equal(new Set(vms.map((v) => v.obj.value)).size, vms.length)
  })

  it('maps faults to typed errors', async () => {
    await assert.rejects(
      s.properties({ type: 'VirtualMachine', value: 'vm-999999' }, ['name']),
      ManagedObjectNotFound,
    )
    const [vm] = await retrieveByType(s, s.content.rootFolder, 'VirtualMachine', [
      'runtime.powerState',
    ])
    const ref = vm!.obj
    if (text(vm!.props.get('runtime.powerState')) !== 'poweredOn')
      await s.runTask('PowerOnVM_Task', ref)
    await assert.rejects(s.runTask('PowerOnVM_Task', ref), (err: unknown) => {
      assert.ok(err instanceof InvalidPowerState)
      assert.equal(err.faultName, 'InvalidPowerState')
      return true
    })
    const [dvs] = await retrieveByType(s, s.content.rootFolder, 'DistributedVirtualSwitch', [
      'name',
    ])
    const spec = `<spec><name>dup-pg</name><numPorts>8</numPorts><type>earlyBinding</type></spec>`
    await s.runTask('AddDVPortgroup_Task', dvs!.obj, spec)
    await assert.rejects(s.runTask('AddDVPortgroup_Task', dvs!.obj, spec), DuplicateName)
  })

  it('waits for tasks through the property collector', async () => {
    const [vm] = await retrieveByType(s, s.content.rootFolder, 'VirtualMachine', [
      'runtime.powerState',
    ])
    const ref = vm!.obj
    const waiter = new TaskWaiter(s)
    const off =
      text(vm!.props.get('runtime.powerState')) === 'poweredOn'
        ? 'PowerOffVM_Task'
        : 'PowerOnVM_Task'
    const { calls } = await s.count(async () =>
      waiter.wait(await s.callRef(off, ref), 10_000, { skipFirstCheck: true }),
    )
    assert.equal(calls.byMethod.get('WaitForUpdatesEx'), 1)
    assert.equal(calls.byMethod.get('CreateFilter'), 1)
    assert.equal(calls.byMethod.get('RetrievePropertiesEx'), undefined)
    // A failing task rejects with its typed fault on the same path.
    await assert.rejects(
      (async () => waiter.wait(await s.callRef(off, ref), 10_000, { skipFirstCheck: true }))(),
      InvalidPowerState,
    )
    // The default path: vcsim's tasks are done at once, so one RetrievePropertiesEx.
    const back = off === 'PowerOffVM_Task' ? 'PowerOnVM_Task' : 'PowerOffVM_Task'
    const quick = await s.count(() => s.runTask(back, ref))
    assert.equal(quick.calls.total, 2)
    await waiter.close()
  })

  it('retries a transient failure api_retry_count times, then fails', async () => {
    const t0 = Date.now()
    await assert.rejects(
      Vim25Session.create({
        url: 'https://127.0.0.1:1',
        username: 'a',
        password: 'b',
        retries: 3,
        retryDelayMs: 10,
      }),
      TransientFault,
    )
    assert.ok(Date.now() - t0 >= 10 + 20 + 40, 'backs off between attempts')
  })

  it('keeps a live inventory: power changes, host maintenance, lost subscription', async () => {
    const inv = new Inventory(s, 2)
    const changes: VmView[] = []
    const hostEvents: string[] = []
    inv.listen({
      vmChanged: (vm) => changes.push({ ...vm }),
      hostChanged: (h, before) => {
        if (before) hostEvents.push(`${h.ref}:${h.connectionState}:${h.inMaintenanceMode}`)
      },
    })
    try {
      await inv.start()
      assert.ok(inv.vms.size >= 120)
      assert.ok(inv.clusters.size >= 1)
      const cluster = [...inv.clusters.values()][0]!
      assert.equal(cluster.hosts.length, 3)
      const vm = [...inv.vms.values()].find((v) => v.powerState === 'poweredOn')!
      const ref: MoRef = { type: 'VirtualMachine', value: vm.ref }
      changes.length = 0
      await s.runTask('PowerOffVM_Task', ref)
      const ms = await until(
        () => changes.some((c) => c.ref === vm.ref && c.powerState === 'poweredOff'),
        5000,
      )
      assert.ok(ms < 5000)
      const host = cluster.hosts[0]!
      await vc.set('HostSystem', host, 'runtime.connectionState', 'notResponding')
      await until(() => hostEvents.includes(`${host}:notResponding:false`), 5000)
      assert.equal(inv.hosts.get(host)?.connectionState, 'notResponding')
      // NOTE: vcsim's EnterMaintenanceMode_Task changes the host without notifying
      // property collectors; its test endpoint does notify, as vCenter would.
      await vc.set('HostSystem', cluster.hosts[1]!, 'runtime.inMaintenanceMode', 'true')
      await until(() => inv.hosts.get(cluster.hosts[1]!)?.inMaintenanceMode === true, 5000)
      await vc.set('HostSystem', host, 'runtime.connectionState', 'connected')

      // Subscription lost: re-created with a full re-sync, and updates flow again.
      await inv.breakSubscription()
      await s.runTask('PowerOnVM_Task', ref)
      await until(() => inv.vms.get(vm.ref)?.powerState === 'poweredOn', 8000)
      assert.ok(inv.resyncs >= 1)
    } finally {
      await inv.close()
    }
  })

  it('reads a moref out of a CreateVM_Task result', async () => {
    const dc = await retrieveByType(s, s.content.rootFolder, 'Datacenter', ['vmFolder'])
    const folder = moRef(dc[0]!.props.get('vmFolder'))!
    const [cl] = await retrieveByType(s, s.content.rootFolder, 'ClusterComputeResource', [
      'resourcePool',
    ])
    const pool = moRef(cl!.props.get('resourcePool'))!
    const r = await s.runTask(
      'CreateVM_Task',
      folder,
      `<config><name>moref-probe</name><guestId>otherGuest64</guestId><files><vmPathName>[LocalDS_0]</vmPathName></files>` +
        `<numCPUs>1</numCPUs><memoryMB>64</memoryMB></config><pool type="ResourcePool">${pool.value}</pool>`,
    )
    const vm = moRef(r.result)
    assert.equal(vm?.type, 'VirtualMachine')
    await s.runTask('Destroy_Task', vm)
  })
})
