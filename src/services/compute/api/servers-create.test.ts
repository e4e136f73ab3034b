import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf } from './resource-test-fixtures.js'
import { activeImage, compute, networkWithSubnet, queuedImage } from './servers-test-fixtures.js'

describe('POST /servers', () => {
  let cloud: TestCloud
  let admin: string
  let a: { projectId: string; userId: string; token: string }
  let image: string
  let net: string
  let req: ReturnType<typeof compute>
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'srv-create')
    image = await activeImage(cloud, admin)
    net = await networkWithSubnet(cloud, a.token, 'private', '10.20.0.0/24')
    req = compute(cloud)
  })
  after(async () => cloud.close())

  const body = (extra: Record<string, unknown> = {}) => ({
    server: { name: 'vm', imageRef: image, flavorRef: '1', networks: [{ uuid: net }], ...extra },
  })

  test("single create answers 202 with exactly Nova's fields and stores the request spec", async () => {
    const r = await req('POST', '/servers', a.token, body({ metadata: { k: 'v' } }))
    assert.equal(r.status, 202, JSON.stringify(r.body))
    const s = r.body.server
    assert.deepEqual(Object.keys(s).sort(), [
      'OS-DCF:diskConfig',
      'adminPass',
      'id',
      'links',
      'security_groups',
    ])
    assert.equal(s['OS-DCF:diskConfig'], 'MANUAL')
    assert.deepEqual(s.security_groups, [{ name: 'default' }])
    assert.equal(typeof s.adminPass, 'string')
    assert.equal(s.adminPass.length, 12)
    assert.equal(s.links[0].rel, 'self')
    assert.match(s.links[0].href, new RegExp(`/compute/v2.1/servers/${s.id}$`))
    assert.equal(r.headers.location, s.links[0].href)
    const row = await cloud.database.db
      .selectFrom('instances')
      .selectAll()
      .where('uuid', '=', s.id)
      .executeTakeFirstOrThrow()
    const spec = JSON.parse(row.request_spec)
    assert.equal(spec.projectId, a.projectId)
    assert.equal(spec.userId, a.userId)
    assert.equal(spec.flavor.id, '1')
    assert.equal(spec.flavor.memoryMb, 512)
    assert.equal(spec.image.id, image)
    assert.deepEqual(spec.requestedNetworks, [{ uuid: net }])
    assert.deepEqual(spec.securityGroups, ['default'])
    assert.equal(spec.numInstances, 1)
    assert.equal(row.hostname, 'vm')
    assert.match(row.reservation_id, /^r-[a-z0-9]{8}$/)
    const actions = await cloud.database.db
      .selectFrom('instance_actions')
      .selectAll()
      .where('instance_uuid', '=', s.id)
      .execute()
    assert.deepEqual(
      actions.map((x) => [x.action, x.request_id]),
      [['create', r.headers['x-openstack-request-id']]],
    )
    const bdms = await cloud.database.db
      .selectFrom('block_device_mappings')
      .selectAll()
      .where('instance_uuid', '=', s.id)
      .execute()
    assert.deepEqual(
      bdms.map((b) => [b.source_type, b.destination_type, b.boot_index, b.image_id]),
      [['image', 'local', 0, image]],
    )
  })

  test('given adminPass is returned; return_reservation_id answers only the reservation', async () => {
    const r = await req('POST', '/servers', a.token, body({ adminPass: 'Secret-1' }))
    assert.equal(r.body.server.adminPass, 'Secret-1')
    const m = await req(
      'POST',
      '/servers',
      a.token,
      body({ min_count: 2, max_count: 2, return_reservation_id: true, name: 'multi' }),
    )
    assert.equal(m.status, 202, JSON.stringify(m.body))
    assert.deepEqual(Object.keys(m.body), ['reservation_id'])
    const rows = await cloud.database.db
      .selectFrom('instances')
      .select(['display_name', 'hostname', 'launch_index'])
      .where('reservation_id', '=', m.body.reservation_id)
      .orderBy('launch_index')
      .execute()
    assert.deepEqual(rows, [
      { display_name: 'multi-1', hostname: 'multi-1', launch_index: 0 },
      { display_name: 'multi-2', hostname: 'multi-2', launch_index: 1 },
    ])
  })

  test('hostname is the sanitised name, as Nova derives it', async () => {
    const r = await req('POST', '/servers', a.token, body({ name: 'My_Server.example Ünï☃' }))
    assert.equal(r.status, 202, JSON.stringify(r.body))
    const row = await cloud.database.db
      .selectFrom('instances')
      .select(['hostname', 'display_name'])
      .where('uuid', '=', r.body.server.id)
      .executeTakeFirstOrThrow()
    assert.deepEqual(row, {
      hostname: 'my-server-example-ünï',
      display_name: 'My_Server.example Ünï☃',
    })
  })

  test("validation failures answer Nova's status and message", async () => {
    const cases: Array<[Record<string, unknown>, number, string | RegExp, string?]> = [
      [{ flavorRef: '999' }, 400, 'Flavor 999 could not be found.'],
      [{ imageRef: '6b7fa8b0-4a57-4ed5-9d0b-4ac4a8ce6c1b' }, 400, 'Can not find requested image'],
      [{ imageRef: 'not-a-uuid' }, 400, /imageRef/],
      [{ name: ' lead' }, 400, /name/],
      [{ name: 'x'.repeat(256) }, 400, /name/],
      [{ key_name: 'nokey' }, 400, 'Invalid key_name provided.'],
      [{ availability_zone: 'nowhere' }, 400, 'The requested availability zone is not available'],
      [{ accessIPv6: '1.2.3.4' }, 400, /accessIPv6/],
      [{ user_data: 'not base64!' }, 400, /user_data/],
      [
        { networks: [{ uuid: '6b7fa8b0-4a57-4ed5-9d0b-4ac4a8ce6c1b' }] },
        400,
        'Network 6b7fa8b0-4a57-4ed5-9d0b-4ac4a8ce6c1b could not be found.',
      ],
      [
        { networks: [{ port: '6b7fa8b0-4a57-4ed5-9d0b-4ac4a8ce6c1b' }] },
        400,
        'Port id 6b7fa8b0-4a57-4ed5-9d0b-4ac4a8ce6c1b could not be found.',
      ],
      [
        { networks: [{ uuid: 'abc' }] },
        400,
        'Bad networks format: network uuid is not in proper format (abc)',
      ],
      [{ networks: 'auto' }, 400, /networks/],
      [{ min_count: 3, max_count: 2 }, 400, 'min_count must be <= max_count'],
      [{ security_groups: [{ name: 'nope' }] }, 400, 'Security group nope not found.'],
      [{ description: 'd' }, 400, /description/],
      [{ tags: ['a'] }, 400, /tags/],
      [{ trusted_image_certificates: ['x'] }, 400, /trusted_image_certificates/],
      [{ availability_zone: 'nova:host1' }, 403, /forced_host/],
      [
        { metadata: Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, 'v'])) },
        403,
        'Maximum number of metadata items exceeds 128',
      ],
      [{ imageRef: undefined }, 400, 'Missing imageRef attribute'],
      [{ personality: [{ path: '/etc/motd', contents: 'not base64!' }] }, 400, /contents/],
      [
        {
          personality: Array.from({ length: 6 }, (_, i) => ({ path: `/f${i}`, contents: 'YQ==' })),
        },
        403,
        'Personality file limit exceeded',
      ],
      [{ bogus: 1 }, 400, /bogus|additional/],
    ]
    for (const [extra, status, message] of cases) {
      const r = await req('POST', '/servers', a.token, body(extra))
      assert.equal(
        r.status,
        status,
        `${JSON.stringify(extra).slice(0, 80)}: ${JSON.stringify(r.body)}`,
      )
      const fault = Object.values(r.body as Record<string, { message: string }>)[0]
      if (typeof message === 'string') assert.equal(fault?.message, message)
      else assert.match(fault?.message ?? '', message)
    }
  })

  test('a private flavor is a 400 FlavorNotFound until the project is granted access', async () => {
    // Tempest test_create_server_with_non_public_flavor sends is_public as the string "False".
    const f = await req('POST', '/flavors', admin, {
      flavor: {
        name: 'priv-create',
        ram: 64,
        vcpus: 1,
        disk: 1,
        'os-flavor-access:is_public': 'False',
      },
    })
    assert.equal(f.status, 200, JSON.stringify(f.body))
    const flavorId = f.body.flavor.id as string
    assert.equal(f.body.flavor['os-flavor-access:is_public'], false)
    const refused = await req(
      'POST',
      '/servers',
      a.token,
      body({ name: 'vm-priv', flavorRef: flavorId }),
    )
    assert.equal(refused.status, 400, JSON.stringify(refused.body))
    assert.equal(refused.body.badRequest.message, `Flavor ${flavorId} could not be found.`)
    const none = await cloud.database.db
      .selectFrom('instances')
      .select('uuid')
      .where('display_name', '=', 'vm-priv')
      .execute()
    assert.deepEqual(none, [], 'nothing was created')
    const grant = await req('POST', `/flavors/${flavorId}/action`, admin, {
      addTenantAccess: { tenant: a.projectId },
    })
    assert.equal(grant.status, 200, JSON.stringify(grant.body))
    const ok = await req('POST', '/servers', a.token, body({ flavorRef: flavorId }))
    assert.equal(ok.status, 202, JSON.stringify(ok.body))
    // Admins may use any flavor (Nova reads flavors with an admin context for them).
    const byAdmin = await req(
      'POST',
      '/servers',
      admin,
      {
        server: { name: 'adm', imageRef: image, flavorRef: flavorId, networks: 'none' },
      },
      '2.37',
    )
    assert.equal(byAdmin.status, 202, JSON.stringify(byAdmin.body))
  })

  test('image not active, image needing more RAM or disk than the flavor', async () => {
    const queued = await queuedImage(cloud, a.token)
    const r = await req('POST', '/servers', a.token, body({ imageRef: queued }))
    assert.equal(r.status, 400)
    assert.equal(r.body.badRequest.message, `Image ${queued} is not active.`)
    const big = await activeImage(cloud, admin, { min_ram: 1024 })
    const ram = await req('POST', '/servers', a.token, body({ imageRef: big }))
    assert.equal(ram.status, 400)
    assert.equal(ram.body.badRequest.message, "Flavor's memory is too small for requested image.")
    const disk = await activeImage(cloud, admin, { min_disk: 5 })
    const d = await req('POST', '/servers', a.token, body({ imageRef: disk }))
    assert.equal(d.status, 400)
    assert.match(d.body.badRequest.message, /^Flavor's disk is smaller than the minimum size/)
  })

  test('microversion rules: networks required from 2.37, auto/none strings, description 2.19, tags 2.52', async () => {
    const noNet = { server: { name: 'v', imageRef: image, flavorRef: '1' } }
    assert.equal((await req('POST', '/servers', a.token, noNet, '2.37')).status, 400)
    const none = await req(
      'POST',
      '/servers',
      a.token,
      { server: { ...noNet.server, networks: 'none' } },
      '2.37',
    )
    assert.equal(none.status, 202, JSON.stringify(none.body))
    const spec = await cloud.database.db
      .selectFrom('instances')
      .select('request_spec')
      .where('uuid', '=', none.body.server.id)
      .executeTakeFirstOrThrow()
    assert.equal(JSON.parse(spec.request_spec).requestedNetworks, 'none')
    const auto = await req(
      'POST',
      '/servers',
      a.token,
      { server: { ...noNet.server, networks: 'auto' } },
      '2.37',
    )
    assert.equal(auto.status, 202, JSON.stringify(auto.body))
    const bad = await req(
      'POST',
      '/servers',
      a.token,
      { server: { ...noNet.server, networks: 'some' } },
      '2.37',
    )
    assert.equal(bad.status, 400)
    const desc = await req(
      'POST',
      '/servers',
      a.token,
      body({ description: 'hello', tags: ['t1', 't2'] }),
      '2.52',
    )
    assert.equal(desc.status, 202, JSON.stringify(desc.body))
    const shown = await req('GET', `/servers/${desc.body.server.id}`, a.token, undefined, '2.52')
    assert.equal(shown.body.server.description, 'hello')
    assert.deepEqual(shown.body.server.tags, ['t1', 't2'])
  })

  test('2.63 trusted_image_certificates: stored, shown, validated', async () => {
    // Own project: the file's other tests use up a's instance quota.
    const p = await memberOf(cloud, admin, 'srv-263')
    const body = (extra: Record<string, unknown> = {}) => ({
      server: { name: 'vm', imageRef: image, flavorRef: '1', networks: 'none', ...extra },
    })
    const certs = ['0b5d2c72-12cc-4ba6-a8d7-3ff5cc1d8cb8', '674736e3-f25c-405c-8362-bbf991e0ce0a']
    const old = await req(
      'POST',
      '/servers',
      p.token,
      body({ trusted_image_certificates: certs }),
      '2.62',
    )
    assert.equal(old.status, 400, 'unknown before 2.63')
    const made = await req(
      'POST',
      '/servers',
      p.token,
      body({ trusted_image_certificates: certs }),
      '2.63',
    )
    assert.equal(made.status, 202, JSON.stringify(made.body))
    const id = made.body.server.id
    const shown = await req('GET', `/servers/${id}`, p.token, undefined, '2.63')
    assert.deepEqual(shown.body.server.trusted_image_certificates, certs)
    assert.equal(
      (await req('GET', `/servers/${id}`, p.token, undefined, '2.62')).body.server
        .trusted_image_certificates,
      undefined,
    )
    const plain = await req('POST', '/servers', p.token, body(), '2.63')
    assert.equal(plain.status, 202, JSON.stringify(plain.body))
    const plainShown = await req(
      'GET',
      `/servers/${plain.body.server.id}`,
      p.token,
      undefined,
      '2.63',
    )
    assert.equal(plainShown.body.server.trusted_image_certificates, null)
    for (const bad of [[], [''], ['a', 'a'], 'x', [1]])
      assert.equal(
        (await req('POST', '/servers', p.token, body({ trusted_image_certificates: bad }), '2.63'))
          .status,
        400,
        JSON.stringify(bad),
      )
    const fromVolume = await req(
      'POST',
      '/servers',
      p.token,
      {
        server: {
          name: 'bfv',
          flavorRef: '1',
          networks: 'none',
          trusted_image_certificates: certs,
          block_device_mapping_v2: [
            {
              boot_index: 0,
              uuid: image,
              source_type: 'image',
              destination_type: 'volume',
              volume_size: 1,
            },
          ],
        },
      },
      '2.63',
    )
    assert.equal(fromVolume.status, 400)
    assert.match(fromVolume.body.badRequest.message, /not supported when booting from volume/)
  })

  test('a second network makes auto ambiguous (409); a port in use is a 409', async () => {
    const b = await memberOf(cloud, admin, 'srv-create-b')
    await networkWithSubnet(cloud, b.token, 'n1', '10.30.0.0/24')
    const n2 = await networkWithSubnet(cloud, b.token, 'n2', '10.31.0.0/24')
    const amb = await req('POST', '/servers', b.token, {
      server: { name: 'v', imageRef: image, flavorRef: '1' },
    })
    assert.equal(amb.status, 409)
    assert.equal(
      amb.body.conflictingRequest.message,
      'Multiple possible networks found, use a Network ID to be more specific.',
    )
    const port = await cloud.request('POST', '/networking/v2.0/ports', {
      token: b.token,
      body: { port: { network_id: n2, device_id: 'someone-else', device_owner: 'compute:nova' } },
    })
    assert.equal(port.status, 201)
    const inUse = await req('POST', '/servers', b.token, {
      server: {
        name: 'v',
        imageRef: image,
        flavorRef: '1',
        networks: [{ port: port.body.port.id }],
      },
    })
    assert.equal(inUse.status, 409)
    assert.equal(
      inUse.body.conflictingRequest.message,
      `Port ${port.body.port.id} is still in use.`,
    )
  })
})
