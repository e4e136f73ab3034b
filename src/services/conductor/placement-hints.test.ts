import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { newUuid } from '../../common/ids.js'
import { serviceAuth } from './service-auth.js'
import { startBootHarness, TEST_PROJECT, TEST_USER, type BootHarness } from './testing.js'

describe('what the conductor adds to the request spec: groups, hints, image', () => {
  let h: BootHarness
  before(async () => {
    h = await startBootHarness({ NUBIS_FAKE__NODES: '3', NUBIS_FAKE__HOST_PREFIX: 'hg' })
  })
  after(async () => h?.close())

  async function group(policy: string): Promise<string> {
    const uuid = newUuid()
    await h.ctx.db
      .insertInto('server_groups')
      .values({
        uuid,
        name: policy,
        project_id: TEST_PROJECT,
        user_id: TEST_USER,
        policy,
        rules: '{}',
        created_at: new Date().toISOString(),
      })
      .execute()
    return uuid
  }
  async function bootInGroup(g: string): Promise<string> {
    const uuid = await h.insertInstance({ schedulerHints: { group: g } })
    await h.ctx.db
      .insertInto('server_group_members')
      .values({ group_uuid: g, instance_uuid: uuid })
      .execute()
    await h.build([uuid])
    return (await h.waitFor(uuid, (i) => i.vm_state === 'active')).host ?? ''
  }

  it('anti-affinity members land on different hosts, affinity members on the same', async () => {
    const anti = await group('anti-affinity')
    const hosts = [await bootInGroup(anti), await bootInGroup(anti), await bootInGroup(anti)]
    assert.equal(new Set(hosts).size, 3)
    const aff = await group('affinity')
    const first = await bootInGroup(aff)
    assert.equal(await bootInGroup(aff), first)
  })

  it('same_host / different_host hints resolve the hosts of the named servers', async () => {
    const a = await h.insertInstance()
    await h.build([a])
    const hostA = (await h.waitFor(a, (i) => i.vm_state === 'active')).host
    const same = await h.insertInstance({ schedulerHints: { sameHost: [a] } })
    const diff = await h.insertInstance({ schedulerHints: { differentHost: [a] } })
    await h.build([same])
    await h.build([diff])
    assert.equal((await h.waitFor(same, (i) => i.vm_state === 'active')).host, hostA)
    assert.notEqual((await h.waitFor(diff, (i) => i.vm_state === 'active')).host, hostA)
  })

  it('boots from an image of the image service (the driver sees its name)', async () => {
    const img = await h.ctx.image.create(serviceAuth(TEST_PROJECT, TEST_USER), {
      name: 'cirros-test',
      disk_format: 'qcow2',
      container_format: 'bare',
    })
    const uuid = await h.insertInstance(
      { image: { id: img.id, properties: {} } },
      { image_ref: img.id },
    )
    await h.build([uuid])
    await h.waitFor(uuid, (i) => i.vm_state === 'active')
    assert.match(
      await h.fake.getConsoleOutput({ uuid } as never),
      /booting vm-\w+ from cirros-test/,
    )
  })
})
