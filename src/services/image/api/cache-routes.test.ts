import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createImageTestCloud, type ImageTestCloud } from '../testing.js'

describe('image cache API', () => {
  let c: ImageTestCloud
  before(async () => {
    // The prefetcher waits 1 s after queueing, so the queued state can be seen first.
    c = await createImageTestCloud({ NUBIS_IMAGE__CACHE_PREFETCHER_INTERVAL: '1' })
  })
  after(() => c.close())

  it('queues, fills, serves from and clears the cache (admin only)', async () => {
    assert.equal((await c.request('GET', '/image/v2/cache', { token: c.alice.token })).status, 403)
    assert.deepEqual((await c.request('GET', '/image/v2/cache', { token: c.admin })).body, {
      cached_images: [],
      queued_images: [],
    })
    assert.equal(
      (await c.request('PUT', '/image/v2/cache/non-existing-image-id', { token: c.admin })).status,
      404,
    )
    const queued = await c.newImage(c.alice.token)
    assert.equal(
      (await c.request('PUT', `/image/v2/cache/${queued.id}`, { token: c.admin })).status,
      400,
      'only active images',
    )
    const img = await c.newImage(c.alice.token)
    await c.putData(`/image/v2/images/${img.id}/file`, c.alice.token, Buffer.from('cache me'))
    assert.equal(
      (await c.request('PUT', `/image/v2/cache/${img.id}`, { token: c.alice.token })).status,
      403,
    )
    assert.equal(
      (await c.request('PUT', `/image/v2/cache/${img.id}`, { token: c.admin })).status,
      202,
    )
    let state = (await c.request('GET', '/image/v2/cache', { token: c.admin })).body
    assert.deepEqual(state.queued_images, [img.id])
    assert.deepEqual(state.cached_images, [])
    for (let i = 0; i < 300 && state.cached_images.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10))
      state = (await c.request('GET', '/image/v2/cache', { token: c.admin })).body
    }
    assert.equal(state.cached_images[0].image_id, img.id)
    assert.equal(state.cached_images[0].size, 8)
    assert.deepEqual(state.queued_images, [])
    assert.equal(
      (await c.request('GET', `/image/v2/images/${img.id}/file`, { token: c.alice.token })).body,
      'cache me',
    )
    assert.equal(
      (await c.request('GET', '/image/v2/cache', { token: c.admin })).body.cached_images[0].hits,
      1,
    )
    const bad = await c.request('DELETE', '/image/v2/cache', {
      token: c.admin,
      headers: { 'x-image-cache-clear-target': 'invalid' },
    })
    assert.equal(bad.status, 400)
    assert.equal((await c.request('DELETE', '/image/v2/cache', { token: c.admin })).status, 204)
    assert.deepEqual((await c.request('GET', '/image/v2/cache', { token: c.admin })).body, {
      cached_images: [],
      queued_images: [],
    })
    assert.equal(
      (await c.request('DELETE', `/image/v2/cache/${img.id}`, { token: c.admin })).status,
      204,
    )
  })
})
