import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createImageTestCloud, type ImageTestCloud } from '../testing.js'

describe('image API: list filters, sorting and pagination', () => {
  let c: ImageTestCloud
  const ids: Record<string, string> = {}
  const list = async (query: string, token?: string) => {
    const r = await c.request('GET', `/image/v2/images${query}`, { token: token ?? c.alice.token })
    return r
  }
  const names = (r: { body: { images: { name: string }[] } }) => r.body.images.map((i) => i.name)

  before(async () => {
    c = await createImageTestCloud()
    const specs: [string, Record<string, unknown>, number][] = [
      ['a-raw', { disk_format: 'raw', tags: ['red', 'x86'], os_distro: 'debian' }, 300],
      ['b-qcow', { disk_format: 'qcow2', tags: ['red'], visibility: 'private' }, 100],
      ['c-vmdk', { disk_format: 'vmdk', container_format: 'ova', tags: ['blue'] }, 200],
      ['d-empty', { disk_format: 'iso' }, 0],
    ]
    for (const [name, body, size] of specs) {
      const img = await c.newImage(c.alice.token, { name, ...body })
      ids[name] = img.id
      if (size > 0)
        await c.putData(`/image/v2/images/${img.id}/file`, c.alice.token, Buffer.alloc(size, 1))
      await new Promise((r) => setTimeout(r, 5))
    }
    ids['bob'] = (await c.newImage(c.bob.token, { name: 'bob-image' })).id
  })
  after(() => c.close())

  it('lists the caller’s images newest first by default, without other projects’ images', async () => {
    const r = await list('')
    assert.equal(r.status, 200)
    assert.deepEqual(names(r), ['d-empty', 'c-vmdk', 'b-qcow', 'a-raw'])
    assert.equal(r.body.first, '/v2/images')
    assert.equal(r.body.schema, '/v2/schemas/images')
    assert.equal(r.body.next, undefined)
  })

  it('filters by attribute, property, tag, size range, visibility and time', async () => {
    assert.deepEqual(names(await list('?name=a-raw')), ['a-raw'])
    assert.deepEqual(names(await list('?disk_format=qcow2')), ['b-qcow'])
    assert.deepEqual(names(await list('?container_format=ova')), ['c-vmdk'])
    assert.deepEqual(names(await list('?disk_format=in:raw,vmdk&sort=name:asc')), [
      'a-raw',
      'c-vmdk',
    ])
    assert.deepEqual(names(await list('?status=queued')), ['d-empty'])
    assert.deepEqual(names(await list('?visibility=private')), ['b-qcow'])
    assert.deepEqual(names(await list('?tag=red&sort_key=name&sort_dir=asc')), ['a-raw', 'b-qcow'])
    assert.deepEqual(names(await list('?tag=red&tag=x86')), ['a-raw'])
    assert.deepEqual(names(await list('?os_distro=debian')), ['a-raw'])
    assert.deepEqual(names(await list('?size_min=150&size_max=250')), ['c-vmdk'])
    assert.deepEqual(names(await list('?size=300')), ['a-raw'])
    assert.deepEqual(
      names(await list(`?owner=${c.bob.id}`)),
      [],
      'bob’s shared image is not alice’s',
    )
    const all = await list('')
    const created = all.body.images.find((i: { name: string }) => i.name === 'c-vmdk')
      .created_at as string
    assert.deepEqual(
      names(await list(`?created_at=lt:${encodeURIComponent('2000-01-01T00:00:00Z')}`)),
      [],
    )
    assert.ok(
      names(await list(`?created_at=gte:${encodeURIComponent(created)}`)).includes('c-vmdk'),
    )
    assert.ok(
      names(await list(`?updated_at=gt:${encodeURIComponent('2000-01-01T00:00:00Z')}`)).length >= 4,
    )
    assert.deepEqual(names(await list('?protected=true')), [])
    const bobs = await list('?visibility=shared', c.bob.token)
    assert.deepEqual(names(bobs), ['bob-image'])
  })

  it('sorts by one or several keys', async () => {
    assert.deepEqual(names(await list('?sort_key=size&sort_dir=desc&size_min=1')), [
      'a-raw',
      'c-vmdk',
      'b-qcow',
    ])
    assert.deepEqual(names(await list('?sort=size:asc&size_min=1')), ['b-qcow', 'c-vmdk', 'a-raw'])
    assert.deepEqual(names(await list('?sort=disk_format:asc,name:desc')), [
      'd-empty',
      'b-qcow',
      'a-raw',
      'c-vmdk',
    ])
    assert.deepEqual(names(await list('?sort_key=name&sort_key=size&sort_dir=asc')), [
      'a-raw',
      'b-qcow',
      'c-vmdk',
      'd-empty',
    ])
  })

  it('pages with limit and marker, following next links', async () => {
    const seen: string[] = []
    let url = '/image/v2/images?limit=3&sort_key=name&sort_dir=asc'
    for (let i = 0; i < 5 && url; i++) {
      const r = await c.request('GET', url, { token: c.alice.token })
      assert.equal(r.status, 200)
      seen.push(...names(r))
      url = r.body.next ? `/image${r.body.next}` : ''
    }
    assert.deepEqual(seen, ['a-raw', 'b-qcow', 'c-vmdk', 'd-empty'])
    const first = await list('?limit=2&sort_key=name&sort_dir=asc')
    assert.equal(
      first.body.next,
      `/v2/images?limit=2&sort_key=name&sort_dir=asc&marker=${ids['b-qcow']}`,
    )
    assert.equal(first.body.first, '/v2/images?limit=2&sort_key=name&sort_dir=asc')
    const after = await list(`?limit=2&sort_key=name&sort_dir=asc&marker=${ids['b-qcow']}`)
    assert.deepEqual(names(after), ['c-vmdk', 'd-empty'])
  })

  it('rejects bad list parameters with 400', async () => {
    for (const q of [
      '?limit=abc',
      '?limit=-1',
      '?sort_key=bogus',
      '?sort_dir=up',
      '?sort=name:up',
      '?sort=name&sort_key=size',
      '?sort_key=name&sort_key=size&sort_dir=asc&sort_dir=desc&sort_dir=asc',
      '?visibility=everyone',
      '?member_status=maybe',
      '?size_min=big',
      '?created_at=gt:yesterday',
      '?created_at=around:2020-01-01T00:00:00Z',
      '?os_hidden=maybe',
      '?protected=1',
      '?changes-since=2020-01-01',
      `?marker=${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`,
      `?marker=${ids['bob']}&visibility=private`,
    ]) {
      assert.equal((await list(q)).status, 400, q)
    }
  })

  it('shows admins every image but hides community images by default', async () => {
    const admin = await list('', c.admin)
    assert.ok(names(admin).includes('bob-image'))
    const comm = await c.newImage(c.bob.token, { name: 'community', visibility: 'community' })
    assert.ok(!names(await list('')).includes('community'))
    assert.deepEqual(names(await list('?visibility=community')), ['community'])
    assert.equal(
      (await c.request('GET', `/image/v2/images/${comm.id}`, { token: c.alice.token })).status,
      200,
    )
  })
})
