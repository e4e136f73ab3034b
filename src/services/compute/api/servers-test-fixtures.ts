/** Fixtures for the servers API tests: an active image, a network with a subnet, a request helper. */
import assert from 'node:assert/strict'
import type { TestCloud } from '../../identity/testing.js'

export const C = '/compute/v2.1'

/** A request to the compute API at a microversion (default 2.1). */
export function compute(cloud: TestCloud) {
  return (method: string, url: string, token: string, body?: unknown, version?: string) =>
    cloud.request(method, `${C}${url}`, {
      token,
      ...(body !== undefined ? { body } : {}),
      ...(version ? { headers: { 'openstack-api-version': `compute ${version}` } } : {}),
    })
}

/** An active public image with some bytes (min_disk/min_ram as given). */
export async function activeImage(
  cloud: TestCloud,
  adminToken: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const c = await cloud.request('POST', '/image/v2/images', {
    token: adminToken,
    body: {
      name: 'cirros',
      disk_format: 'raw',
      container_format: 'bare',
      visibility: 'public',
      ...extra,
    },
  })
  assert.equal(c.status, 201, JSON.stringify(c.body))
  const id = (c.body as { id: string }).id
  const up = await cloud.app.inject({
    method: 'PUT',
    url: `/image/v2/images/${id}/file`,
    headers: { 'x-auth-token': adminToken, 'content-type': 'application/octet-stream' },
    payload: Buffer.alloc(1024, 7),
  })
  assert.equal(up.statusCode, 204, up.body)
  return id
}

/** A queued image (no data): never active. */
export async function queuedImage(cloud: TestCloud, token: string): Promise<string> {
  const c = await cloud.request('POST', '/image/v2/images', {
    token,
    body: { name: 'empty', disk_format: 'raw', container_format: 'bare' },
  })
  assert.equal(c.status, 201, JSON.stringify(c.body))
  return (c.body as { id: string }).id
}

/** A network with an IPv4 subnet owned by the token's project. */
export async function networkWithSubnet(
  cloud: TestCloud,
  token: string,
  name: string,
  cidr: string,
): Promise<string> {
  const n = await cloud.request('POST', '/networking/v2.0/networks', {
    token,
    body: { network: { name } },
  })
  assert.equal(n.status, 201, JSON.stringify(n.body))
  const networkId = (n.body as { network: { id: string } }).network.id
  const s = await cloud.request('POST', '/networking/v2.0/subnets', {
    token,
    body: { subnet: { network_id: networkId, ip_version: 4, cidr } },
  })
  assert.equal(s.status, 201, JSON.stringify(s.body))
  return networkId
}

/** Polls a server until its status is one of `statuses` (or the time runs out). */
export async function waitForStatus(
  cloud: TestCloud,
  token: string,
  id: string,
  statuses: readonly string[],
  timeoutMs = 10_000,
): Promise<Record<string, unknown> | undefined> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const r = await cloud.request('GET', `${C}/servers/${id}`, { token })
    if (r.status === 404) return undefined
    const server = (r.body as { server: Record<string, unknown> }).server
    if (statuses.includes(server.status as string)) return server
    if (Date.now() > end) return server
    await new Promise((res) => setTimeout(res, 50))
  }
}
