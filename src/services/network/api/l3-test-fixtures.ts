/** Fixtures for the router and floating IP API tests: projects through the identity API, network rows straight into the database. */
import { newUuid } from '../../../common/ids.js'
import type { Db } from '../../../db/database.js'
import type { TestCloud } from '../../identity/testing.js'
import { generateMac } from '../mac.js'

/** A new project with a member user; returns its id and a project-scoped token. */
export async function memberOf(
  cloud: TestCloud,
  admin: string,
  name: string,
): Promise<{ projectId: string; token: string }> {
  const p = await cloud.request('POST', '/identity/v3/projects', {
    token: admin,
    body: { project: { name, domain_id: 'default' } },
  })
  const u = await cloud.request('POST', '/identity/v3/users', {
    token: admin,
    body: { user: { name: `${name}-user`, password: 'pw', domain_id: 'default' } },
  })
  const roles = await cloud.request('GET', '/identity/v3/roles?name=member', { token: admin })
  const roleId = (roles.body as { roles: Array<{ id: string }> }).roles[0]!.id
  const projectId = (p.body as { project: { id: string } }).project.id
  const userId = (u.body as { user: { id: string } }).user.id
  await cloud.request('PUT', `/identity/v3/projects/${projectId}/users/${userId}/roles/${roleId}`, {
    token: admin,
  })
  return {
    projectId,
    token: await cloud.token(`${name}-user`, 'pw', name),
  }
}

const stamp = () => ({
  description: '',
  created_at: new Date().toISOString(),
  updated_at: new Date().toISOString(),
  revision_number: 0,
})

export async function seedNetwork(db: Db, projectId: string, external = false): Promise<string> {
  const id = newUuid()
  await db
    .insertInto('networks')
    .values({
      id,
      project_id: projectId,
      name: 'n',
      admin_state_up: 1,
      status: 'ACTIVE',
      shared: 0,
      router_external: external ? 1 : 0,
      mtu: 1500,
      port_security_enabled: 1,
      availability_zone_hints: '[]',
      dns_domain: '',
      ...stamp(),
    })
    .execute()
  if (external) {
    await db
      .insertInto('rbac_policies')
      .values({
        id: newUuid(),
        project_id: projectId,
        object_type: 'network',
        object_id: id,
        target_project: '*',
        action: 'access_as_external',
      })
      .execute()
  }
  return id
}

/** A /24 IPv4 subnet `10.x.y.0/24`-style: pass the first three octets; gateway .1, pool .2-.254. */
export async function seedSubnet(
  db: Db,
  networkId: string,
  projectId: string,
  prefix: string,
  gateway = true,
): Promise<string> {
  const id = newUuid()
  await db
    .insertInto('subnets')
    .values({
      id,
      project_id: projectId,
      network_id: networkId,
      name: '',
      ip_version: 4,
      cidr: `${prefix}.0/24`,
      gateway_ip: gateway ? `${prefix}.1` : null,
      enable_dhcp: 0,
      ipv6_ra_mode: null,
      ipv6_address_mode: null,
      subnetpool_id: null,
      dns_nameservers: '[]',
      host_routes: '[]',
      allocation_pools: JSON.stringify([{ start: `${prefix}.2`, end: `${prefix}.254` }]),
      service_types: '[]',
      segment_id: null,
      ...stamp(),
    })
    .execute()
  return id
}

/** An unbound port with the given fixed IPs. */
export async function seedPort(
  db: Db,
  networkId: string,
  projectId: string,
  ips: Array<{ subnet_id: string; ip_address: string }>,
): Promise<string> {
  const id = newUuid()
  await db
    .insertInto('ports')
    .values({
      id,
      project_id: projectId,
      network_id: networkId,
      name: '',
      mac_address: generateMac('fa:16:3e:00:00:00'),
      admin_state_up: 1,
      status: 'DOWN',
      device_id: '',
      device_owner: '',
      binding_host_id: '',
      binding_vif_type: 'unbound',
      binding_vif_details: '{}',
      binding_vnic_type: 'normal',
      binding_profile: '{}',
      port_security_enabled: 1,
      allowed_address_pairs: '[]',
      extra_dhcp_opts: '[]',
      dns_name: '',
      ...stamp(),
    })
    .execute()
  for (const ip of ips)
    await db
      .insertInto('ip_allocations')
      .values({ port_id: id, network_id: networkId, ...ip })
      .execute()
  return id
}
