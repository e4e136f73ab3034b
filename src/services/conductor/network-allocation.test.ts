import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Vif } from '../../virt/driver.js'
import { parseNetworkBody } from '../network/api/networks-input.js'
import { createNetworks } from '../network/networks-service.js'
import { createPortFromApi } from '../network/ports-api.js'
import { loadPort } from '../network/ports-service.js'
import { createSubnet } from '../network/subnets-service.js'
import { serviceAuth } from './service-auth.js'
import { startBootHarness, TEST_PROJECT, TEST_USER, type BootHarness } from './testing.js'

describe('networking of a server build (instance_ports, bound ports, vifs)', () => {
  let h: BootHarness
  let netId: string
  const auth = serviceAuth(TEST_PROJECT, TEST_USER)
  const net = () => {
    const n = h.ctx.network
    if (!n) throw new Error('no network service')
    return n
  }
  const portsOf = (uuid: string) =>
    h.ctx.db.selectFrom('instance_ports').selectAll().where('instance_uuid', '=', uuid).execute()
  const terminate = async (uuid: string, host: string) => {
    await h.ctx.bus.call({ topic: 'compute', server: host }, 'terminate_instance', {
      instanceUuid: uuid,
      requestId: `req-del-${uuid}`,
    })
  }

  before(async () => {
    h = await startBootHarness({ NUBIS_FAKE__HOST_PREFIX: 'nw' })
    const [n] = await createNetworks(net(), auth, [
      parseNetworkBody({ name: 'private', project_id: TEST_PROJECT }, true),
    ])
    netId = n?.row.id ?? ''
    await createSubnet(net(), auth, { network_id: netId, cidr: '10.9.0.0/24', ip_version: 4 })
  })
  after(async () => h?.close())

  it("'auto' takes the project's network: a bound port owned by compute, removed on delete", async () => {
    const uuid = await h.insertInstance({ requestedNetworks: 'auto' })
    await h.build([uuid])
    const r = await h.waitFor(uuid, (i) => i.vm_state === 'active')
    const rows = await portsOf(uuid)
    assert.equal(rows.length, 1)
    assert.equal(rows[0]?.created_by_compute, 1)
    assert.equal(rows[0]?.network_id, netId)
    const port = await loadPort(net().db, rows[0]?.port_id ?? '')
    assert.equal(port?.row.device_id, uuid)
    assert.equal(port?.row.device_owner, 'compute:nova')
    assert.equal(port?.row.binding_host_id, 'nw')
    assert.equal(port?.securityGroups.length, 1, 'the default security group')
    const vifs = (await h.ctx.bus.call({ topic: 'conductor' }, 'vifs', {
      uuid,
    })) as unknown as Vif[]
    assert.equal(vifs.length, 1)
    assert.equal(vifs[0]?.macAddress, port?.row.mac_address)
    assert.match(vifs[0]?.fixedIps[0]?.ipAddress ?? '', /^10\.9\.0\./)
    assert.deepEqual(h.fake.devicesOf(uuid).interfaces, [port?.row.id])
    await terminate(uuid, r.host ?? '')
    assert.equal(await loadPort(net().db, rows[0]?.port_id ?? ''), undefined)
    assert.deepEqual(await portsOf(uuid), [])
  })

  it('adopts a passed-in port and a fixed IP; on delete the passed port stays, unbound', async () => {
    const given = await createPortFromApi(net(), auth, {
      network_id: netId,
      project_id: TEST_PROJECT,
    })
    const uuid = await h.insertInstance({
      requestedNetworks: [{ port: given.row.id }, { uuid: netId, fixedIp: '10.9.0.77' }],
    })
    await h.build([uuid])
    const r = await h.waitFor(uuid, (i) => i.vm_state === 'active')
    const rows = await portsOf(uuid)
    assert.deepEqual(rows.map((p) => p.created_by_compute).sort(), [0, 1])
    const adopted = await loadPort(net().db, given.row.id)
    assert.equal(adopted?.row.device_id, uuid)
    assert.equal(adopted?.row.binding_host_id, 'nw')
    const made = rows.find((p) => p.created_by_compute === 1)
    assert.deepEqual(
      (await loadPort(net().db, made?.port_id ?? ''))?.fixedIps.map((f) => f.ip_address),
      ['10.9.0.77'],
    )
    await terminate(uuid, r.host ?? '')
    const after = await loadPort(net().db, given.row.id)
    assert.equal(after?.row.device_id, '')
    assert.equal(after?.row.binding_host_id, '')
    assert.equal(await loadPort(net().db, made?.port_id ?? ''), undefined)
  })

  it('a failed allocation undoes its ports and puts the server in ERROR without a host claim', async () => {
    const before = await net().db.selectFrom('ports').select('id').execute()
    const uuid = await h.insertInstance({
      requestedNetworks: [{ uuid: netId }, { uuid: '00000000-0000-0000-0000-00000000dead' }],
    })
    await h.build([uuid])
    const r = await h.waitFor(uuid, (i) => i.vm_state === 'error')
    const fault = JSON.parse(r.fault ?? '{}') as { message: string; details: string }
    assert.equal(
      fault.message,
      `Build of instance ${uuid} aborted: Failed to allocate the network(s), not rescheduling.`,
    )
    assert.match(fault.details, /could not be found/)
    assert.deepEqual(await portsOf(uuid), [])
    assert.deepEqual(await net().db.selectFrom('ports').select('id').execute(), before)
    assert.deepEqual(
      await h.ctx.db
        .selectFrom('allocations')
        .select('id')
        .where('consumer_uuid', '=', uuid)
        .execute(),
      [],
    )
  })

  it("'auto' without any usable network fails the build", async () => {
    const uuid = await h.insertInstance({ requestedNetworks: 'auto', projectId: 'p-lonely' })
    await h.build([uuid])
    const r = await h.waitFor(uuid, (i) => i.vm_state === 'error')
    assert.match(JSON.parse(r.fault ?? '{}').details, /Unable to automatically allocate a network/)
  })

  it('a server whose builds all failed keeps its ports until local_delete frees them', async () => {
    h.fake.setFailSpawnOn(['nw'])
    try {
      const uuid = await h.insertInstance({ requestedNetworks: 'auto' })
      await h.build([uuid])
      const r = await h.waitFor(uuid, (i) => i.vm_state === 'error')
      assert.equal(r.host, null)
      const rows = await portsOf(uuid)
      assert.equal(rows.length, 1)
      await h.ctx.bus.call({ topic: 'conductor' }, 'local_delete', {
        instanceUuid: uuid,
        requestId: 'req-local-del',
      })
      assert.equal((await h.waitFor(uuid, () => true)).deleted, 1)
      assert.equal(await loadPort(net().db, rows[0]?.port_id ?? ''), undefined)
      assert.deepEqual(await portsOf(uuid), [])
    } finally {
      h.fake.setFailSpawnOn([])
    }
  })
})
