import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createImageTestCloud, type ImageTestCloud } from '../testing.js'

describe('image members: sharing between projects', () => {
  let c: ImageTestCloud
  before(async () => {
    c = await createImageTestCloud()
  })
  after(() => c.close())

  const ids = async (token: string, query = ''): Promise<string[]> => {
    const r = await c.request('GET', `/image/v2/images${query}`, { token })
    return (r.body.images as { id: string }[]).map((i) => i.id)
  }

  it('shows a shared image to the member only after it accepts', async () => {
    const img = await c.newImage(c.alice.token, { visibility: 'private' })
    const url = `/image/v2/images/${img.id}/members`
    assert.equal(
      (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.bob.token })).status,
      404,
    )
    assert.equal(
      (await c.request('POST', url, { token: c.alice.token, body: { member: c.bob.id } })).status,
      403,
      'private images have no members',
    )
    await c.request('PATCH', `/image/v2/images/${img.id}`, {
      token: c.alice.token,
      headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' },
      body: [{ op: 'replace', path: '/visibility', value: 'shared' }],
    })
    const added = await c.request('POST', url, { token: c.alice.token, body: { member: c.bob.id } })
    assert.equal(added.status, 200)
    assert.equal(added.body.status, 'pending')
    assert.equal(added.body.image_id, img.id)
    assert.equal(added.body.member_id, c.bob.id)
    assert.equal(added.body.schema, '/v2/schemas/member')
    assert.equal(
      (await c.request('POST', url, { token: c.alice.token, body: { member: c.bob.id } })).status,
      409,
    )
    assert.ok(!(await ids(c.bob.token)).includes(img.id), 'pending: not listed')
    assert.deepEqual(await ids(c.bob.token, '?visibility=shared&member_status=pending'), [img.id])
    assert.equal(
      (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.bob.token })).status,
      200,
      'but visible by id',
    )
    const owner = await c.request('PUT', `${url}/${c.bob.id}`, {
      token: c.alice.token,
      body: { status: 'accepted' },
    })
    assert.equal(owner.status, 403, 'the owner cannot accept for the member')
    assert.equal(
      (
        await c.request('PUT', `${url}/${c.bob.id}`, {
          token: c.bob.token,
          body: { status: 'maybe' },
        })
      ).status,
      400,
    )
    assert.equal(
      (await c.request('PUT', `${url}/${c.bob.id}`, { token: c.bob.token, body: {} })).status,
      400,
    )
    const accepted = await c.request('PUT', `${url}/${c.bob.id}`, {
      token: c.bob.token,
      body: { status: 'accepted' },
    })
    assert.equal(accepted.status, 200)
    assert.equal(accepted.body.status, 'accepted')
    assert.ok((await ids(c.bob.token)).includes(img.id))
    const list = await c.request('GET', url, { token: c.alice.token })
    assert.equal(list.body.members.length, 1)
    assert.equal(list.body.schema, '/v2/schemas/members')
    assert.equal(
      (await c.request('GET', `${url}/${c.bob.id}`, { token: c.bob.token })).body.status,
      'accepted',
    )
    assert.equal(
      (await c.request('DELETE', `/image/v2/images/${img.id}`, { token: c.bob.token })).status,
      403,
      'a member cannot delete',
    )
    assert.equal(
      (await c.request('DELETE', `${url}/${c.bob.id}`, { token: c.bob.token })).status,
      403,
      'nor unshare',
    )
    const rejected = await c.request('PUT', `${url}/${c.bob.id}`, {
      token: c.bob.token,
      body: { status: 'rejected' },
    })
    assert.equal(rejected.body.status, 'rejected')
    assert.ok(!(await ids(c.bob.token)).includes(img.id))
    assert.equal(
      (await c.request('DELETE', `${url}/${c.bob.id}`, { token: c.alice.token })).status,
      204,
    )
    assert.equal(
      (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.bob.token })).status,
      404,
    )
    assert.equal(
      (await c.request('GET', `${url}/${c.bob.id}`, { token: c.alice.token })).status,
      404,
    )
  })

  it('rejects malformed member requests', async () => {
    const img = await c.newImage(c.alice.token)
    const url = `/image/v2/images/${img.id}/members`
    assert.equal((await c.request('POST', url, { token: c.alice.token, body: {} })).status, 400)
    assert.equal(
      (await c.request('POST', url, { token: c.alice.token, body: { member: '' } })).status,
      400,
    )
    assert.equal(
      (await c.request('POST', url, { token: c.bob.token, body: { member: c.bob.id } })).status,
      404,
      'bob cannot see it',
    )
    const missing = '1d0f8f0e-7a4a-4a57-9d37-5b0b8e5b2f00'
    assert.equal(
      (await c.request('GET', `/image/v2/images/${missing}/members`, { token: c.alice.token }))
        .status,
      404,
    )
  })
})
