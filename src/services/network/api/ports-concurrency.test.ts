import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'

const N = '/networking/v2.0'

// The acceptance test. Runs on SQLite, and on PostgreSQL with NUBIS_TEST_DB=postgres.
describe('IPAM under concurrency', () => {
  let cloud: TestCloud
  let admin: string
  before(async () => {
    cloud = await createTestCloud({ env: { NUBIS_QUOTAS__QUOTA_PORT: '-1' } })
    admin = await cloud.adminToken()
  })
  after(async () => cloud.close())

  test('500 concurrent port creates on a /24: 253 distinct IPs, 247 × 409, no 500', async () => {
    const req = (method: string, url: string, body?: unknown) =>
      cloud.request(method, `${N}${url}`, { token: admin, ...(body !== undefined ? { body } : {}) })
    const n = (await req('POST', '/networks', { network: { name: 'race' } })).body.network.id
    const s = await req('POST', '/subnets', {
      subnet: { network_id: n, ip_version: 4, cidr: '10.77.0.0/24' },
    })
    assert.equal(s.status, 201)
    const results = await Promise.all(
      Array.from({ length: 500 }, () => req('POST', '/ports', { port: { network_id: n } })),
    )
    const byStatus = new Map<number, number>()
    for (const r of results) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1)
    assert.deepEqual(
      [...byStatus.entries()].sort(),
      [
        [201, 253],
        [409, 247],
      ],
      JSON.stringify([...byStatus]),
    )
    for (const r of results)
      if (r.status === 409) assert.equal(r.body.NeutronError.type, 'IpAddressGenerationFailure')
    const ips = results
      .filter((r) => r.status === 201)
      .map((r) => r.body.port.fixed_ips[0].ip_address as string)
    assert.equal(new Set(ips).size, 253)
    assert.ok(
      !ips.includes('10.77.0.1') && !ips.includes('10.77.0.0') && !ips.includes('10.77.0.255'),
    )
    const list = await req('GET', `/ports?network_id=${n}`)
    assert.equal(list.body.ports.length, 253)
  })
})
