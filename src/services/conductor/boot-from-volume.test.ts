import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { newUuid } from '../../common/ids.js'
import { serviceAuth } from './service-auth.js'
import { startBootHarness, TEST_PROJECT, TEST_USER, type BootHarness } from './testing.js'

describe('boot from volume: attachments made at build, released at delete', () => {
  let h: BootHarness
  const auth = serviceAuth(TEST_PROJECT, TEST_USER)
  before(async () => {
    h = await startBootHarness({ NUBIS_FAKE__HOST_PREFIX: 'bv' }, { volumes: true })
  })
  after(async () => h?.close())

  async function bdm(uuid: string, b: Record<string, unknown>): Promise<void> {
    const now = new Date().toISOString()
    await h.ctx.db
      .insertInto('block_device_mappings')
      .values({
        uuid: newUuid(),
        instance_uuid: uuid,
        source_type: 'volume',
        destination_type: 'volume',
        device_name: null,
        boot_index: 0,
        device_type: 'disk',
        disk_bus: null,
        volume_id: null,
        snapshot_id: null,
        image_id: null,
        volume_size: null,
        volume_type: null,
        delete_on_termination: 0,
        connection_info: null,
        attachment_id: null,
        tag: null,
        created_at: now,
        updated_at: now,
        ...b,
      })
      .execute()
  }
  const volumeStatus = async (id: string) =>
    (await h.ctx.db.selectFrom('volumes').select('status').where('id', '=', id).executeTakeFirst())
      ?.status

  it('attaches an existing volume and a new blank one; delete keeps one, deletes the other', async () => {
    const api = h.ctx.volume
    assert.ok(api)
    const existing = await api.create(auth, { size: 1, name: 'root' })
    await api.waitFor(existing, ['available'], 20_000)
    const uuid = await h.insertInstance()
    await bdm(uuid, { volume_id: existing, boot_index: 0 })
    await bdm(uuid, {
      source_type: 'blank',
      boot_index: null,
      volume_size: 1,
      delete_on_termination: 1,
    })
    await h.build([uuid])
    const r = await h.waitFor(uuid, (i) => i.vm_state === 'active', 20_000)
    const rows = await h.ctx.db
      .selectFrom('block_device_mappings')
      .selectAll()
      .where('instance_uuid', '=', uuid)
      .orderBy('id')
      .execute()
    assert.deepEqual(
      rows.map((b) => [b.device_name, b.attachment_id !== null, b.connection_info !== null]),
      [
        ['/dev/vda', true, true],
        ['/dev/vdb', true, true],
      ],
    )
    const blank = rows[1]?.volume_id ?? ''
    assert.equal(await volumeStatus(existing), 'in-use')
    assert.equal(await volumeStatus(blank), 'in-use')
    assert.deepEqual(h.fake.devicesOf(uuid).volumes.sort(), [existing, blank].sort())
    // Cinder grew the volume: the volume-extended event has the driver grow the disk.
    await h.ctx.db.updateTable('volumes').set({ size: 3 }).where('id', '=', existing).execute()
    await h.ctx.bus.call({ topic: 'compute', server: r.host ?? '' }, 'external_instance_event', {
      instanceUuid: uuid,
      requestId: 'req-extend',
      events: [{ name: 'volume-extended', tag: existing, status: 'completed' }],
    })
    assert.equal(h.fake.volumeOf(uuid, existing)?.sizeGb, 3)
    const ev = await h.ctx.db
      .selectFrom('instance_action_events as e')
      .innerJoin('instance_actions as a', 'a.id', 'e.action_id')
      .select(['e.event', 'e.result'])
      .where('a.request_id', '=', 'req-extend')
      .execute()
    assert.deepEqual(ev, [{ event: 'compute_extend_volume', result: 'Success' }])
    await h.ctx.bus.call({ topic: 'compute', server: r.host ?? '' }, 'terminate_instance', {
      instanceUuid: uuid,
      requestId: 'req-bfv-del',
    })
    assert.equal(await volumeStatus(existing), 'available')
    // delete_on_termination: the volume service deletes it (the row goes when its backend is done).
    for (let i = 0; i < 400 && (await volumeStatus(blank)) !== undefined; i++)
      await new Promise((res) => setTimeout(res, 25))
    assert.equal(await volumeStatus(blank), undefined)
    assert.deepEqual(
      await h.ctx.db
        .selectFrom('block_device_mappings')
        .select('id')
        .where('instance_uuid', '=', uuid)
        .execute(),
      [],
    )
  })

  it('a volume that cannot be attached aborts the build without rescheduling', async () => {
    const uuid = await h.insertInstance()
    await bdm(uuid, { volume_id: '00000000-0000-0000-0000-0000000000ff' })
    await h.build([uuid])
    const r = await h.waitFor(uuid, (i) => i.vm_state === 'error', 20_000)
    assert.equal(
      JSON.parse(r.fault ?? '{}').message,
      `Build of instance ${uuid} aborted: Failure prepping block device.`,
    )
    assert.deepEqual(
      await h.ctx.db
        .selectFrom('allocations')
        .select('id')
        .where('consumer_uuid', '=', uuid)
        .execute(),
      [],
    )
  })
})
