import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../testing.js'

describe('catalog URL substitution (Keystone format_url)', () => {
  let cloud: TestCloud
  before(async () => {
    cloud = await createTestCloud()
  })
  after(async () => cloud.close())

  const volumeUrls = (catalog: Array<{ type: string; endpoints: Array<{ url: string }> }>) =>
    catalog.filter((s) => s.type === 'volumev3').flatMap((s) => s.endpoints.map((e) => e.url))

  test('a project token gets its project id in place of $(project_id)s', async () => {
    const res = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: {
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: { name: 'admin', domain: { id: 'default' }, password: cloud.adminPassword },
            },
          },
          scope: { project: { name: 'admin', domain: { id: 'default' } } },
        },
      },
    })
    assert.equal(res.status, 201)
    const urls = volumeUrls(res.body.token.catalog)
    assert.ok(urls.length > 0)
    for (const u of urls) assert.ok(u.endsWith(`/volume/v3/${res.body.token.project.id}`), u)
    const listed = await cloud.request('GET', '/identity/v3/auth/catalog', {
      token: String(res.headers['x-subject-token']),
    })
    assert.deepEqual(volumeUrls(listed.body.catalog), urls)
  })

  test('a system-scoped token leaves out endpoints that need a project', async () => {
    const res = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: {
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: { name: 'admin', domain: { id: 'default' }, password: cloud.adminPassword },
            },
          },
          scope: { system: { all: true } },
        },
      },
    })
    assert.equal(res.status, 201)
    assert.deepEqual(volumeUrls(res.body.token.catalog), [])
    assert.ok(JSON.stringify(res.body.token.catalog).includes('/compute/v2.1'))
  })
})
