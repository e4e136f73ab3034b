import assert from 'node:assert/strict'
import { createHash, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { computeRequest, memberOf, type Member } from './resource-test-fixtures.js'

/** An ed25519 OpenSSH public key line made independently of the code under test. */
function ed25519Line(): { line: string; md5: string } {
  const { publicKey } = generateKeyPairSync('ed25519')
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url')
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b])
  const blob = Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)])
  const md5 = createHash('md5').update(blob).digest('hex').match(/../g)!.join(':')
  return { line: `ssh-ed25519 ${blob.toString('base64')} me@host`, md5 }
}

describe('compute keypairs API', () => {
  let cloud: TestCloud
  let admin: string
  let a: Member
  let b: Member
  let req: ReturnType<typeof computeRequest>
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'kp-a')
    b = await memberOf(cloud, admin, 'kp-b')
    req = computeRequest(cloud)
  })
  after(async () => cloud.close())

  test('generate returns the private key once; show/list/delete at 2.1', async () => {
    const c = await req('POST', '/os-keypairs', a.token, { keypair: { name: 'gen1' } })
    assert.equal(c.status, 200, '2.1 answers 200')
    const kp = c.body.keypair
    assert.deepEqual(Object.keys(kp).sort(), [
      'fingerprint',
      'name',
      'private_key',
      'public_key',
      'user_id',
    ])
    assert.match(kp.private_key, /^-----BEGIN RSA PRIVATE KEY-----/)
    assert.match(kp.public_key, /^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/=]+ Generated-by-Nova$/)
    assert.match(kp.fingerprint, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/)
    assert.equal(kp.user_id, a.userId)
    // The public key really belongs to the private key.
    const derived = createPublicKey(kp.private_key).export({ format: 'jwk' })
    const blob = Buffer.from(kp.public_key.split(' ')[1], 'base64')
    assert.ok(blob.includes(Buffer.from(derived.n!, 'base64url')))
    const show = await req('GET', '/os-keypairs/gen1', a.token)
    assert.equal(show.status, 200)
    assert.equal(show.body.keypair.private_key, undefined)
    assert.deepEqual(Object.keys(show.body.keypair).sort(), [
      'created_at',
      'deleted',
      'deleted_at',
      'fingerprint',
      'id',
      'name',
      'public_key',
      'updated_at',
      'user_id',
    ])
    assert.equal(show.body.keypair.deleted, false)
    assert.equal(typeof show.body.keypair.id, 'number')
    const list = await req('GET', '/os-keypairs', a.token)
    assert.deepEqual(list.body.keypairs, [
      { keypair: { name: 'gen1', public_key: kp.public_key, fingerprint: kp.fingerprint } },
    ])
    const dup = await req('POST', '/os-keypairs', a.token, { keypair: { name: 'gen1' } })
    assert.equal(dup.status, 409)
    assert.equal(dup.body.conflictingRequest.message, "Key pair 'gen1' already exists.")
    assert.equal((await req('DELETE', '/os-keypairs/gen1', a.token)).status, 202)
    const gone = await req('GET', '/os-keypairs/gen1', a.token)
    assert.equal(gone.status, 404)
    assert.equal(gone.body.itemNotFound.message, `Keypair gen1 not found for user ${a.userId}`)
  })

  test('import: fingerprint MD5 as Nova, invalid keys 400, type from 2.2', async () => {
    const { line, md5 } = ed25519Line()
    const c = await req(
      'POST',
      '/os-keypairs',
      a.token,
      { keypair: { name: 'imp', public_key: line } },
      '2.2',
    )
    assert.equal(c.status, 201)
    assert.equal(c.body.keypair.fingerprint, md5)
    assert.equal(c.body.keypair.type, 'ssh')
    assert.equal(c.body.keypair.private_key, undefined)
    const list = await req('GET', '/os-keypairs', a.token, undefined, '2.2')
    assert.equal(list.body.keypairs[0].keypair.type, 'ssh')
    for (const bad of ['ssh-rsa JUNK nova@ubuntu', ' ', '', 'ssh-ed25519 AAAA'])
      assert.equal(
        (await req('POST', '/os-keypairs', a.token, { keypair: { name: 'bad', public_key: bad } }))
          .status,
        400,
        bad,
      )
    const typeOld = await req('POST', '/os-keypairs', a.token, {
      keypair: { name: 't', type: 'ssh' },
    })
    assert.equal(typeOld.status, 400, 'type is refused at 2.1')
    const badType = await req(
      'POST',
      '/os-keypairs',
      a.token,
      { keypair: { name: 't', type: 'pgp' } },
      '2.2',
    )
    assert.equal(badType.status, 400)
    for (const name of ['', 'a/b', ' lead', 'x'.repeat(256), 'dot.name'])
      assert.equal(
        (await req('POST', '/os-keypairs', a.token, { keypair: { name } })).status,
        400,
        name,
      )
    assert.equal((await req('DELETE', '/os-keypairs/imp', a.token, undefined, '2.2')).status, 204)
  })

  test('keypairs are per user; admins name a user from 2.10', async () => {
    await req('POST', '/os-keypairs', a.token, { keypair: { name: 'mine' } })
    assert.equal((await req('GET', '/os-keypairs/mine', b.token)).status, 404)
    assert.deepEqual((await req('GET', '/os-keypairs', b.token)).body.keypairs, [])
    const other = await req('GET', `/os-keypairs?user_id=${a.userId}`, b.token, undefined, '2.10')
    assert.equal(other.status, 403)
    const asAdmin = await req(
      'GET',
      `/os-keypairs/mine?user_id=${a.userId}`,
      admin,
      undefined,
      '2.10',
    )
    assert.equal(asAdmin.status, 200)
    assert.equal(asAdmin.body.keypair.user_id, a.userId)
    const forB = await req(
      'POST',
      '/os-keypairs',
      admin,
      { keypair: { name: 'given', user_id: b.userId } },
      '2.10',
    )
    assert.equal(forB.status, 201)
    assert.equal(forB.body.keypair.user_id, b.userId)
    assert.equal((await req('GET', '/os-keypairs/given', b.token)).status, 200)
    const forbidden = await req(
      'POST',
      '/os-keypairs',
      a.token,
      { keypair: { name: 'x', user_id: b.userId } },
      '2.10',
    )
    assert.equal(forbidden.status, 403)
    const del = await req(
      'DELETE',
      `/os-keypairs/given?user_id=${b.userId}`,
      admin,
      undefined,
      '2.10',
    )
    assert.equal(del.status, 204)
  })

  test('pagination from 2.35 and the key_pairs quota', async () => {
    const c = await memberOf(cloud, admin, 'kp-c')
    for (const name of ['k1', 'k2', 'k3'])
      await req('POST', '/os-keypairs', c.token, {
        keypair: { name, public_key: ed25519Line().line },
      })
    const page = await req('GET', '/os-keypairs?limit=2', c.token, undefined, '2.35')
    assert.deepEqual(
      page.body.keypairs.map((k: { keypair: { name: string } }) => k.keypair.name),
      ['k1', 'k2'],
    )
    assert.equal(page.body.keypairs_links[0].rel, 'next')
    assert.match(page.body.keypairs_links[0].href, /os-keypairs\?limit=2&marker=k2$/)
    const rest = await req('GET', '/os-keypairs?limit=2&marker=k2', c.token, undefined, '2.35')
    assert.deepEqual(
      rest.body.keypairs.map((k: { keypair: { name: string } }) => k.keypair.name),
      ['k3'],
    )
    assert.equal(rest.body.keypairs_links, undefined)
    assert.equal(
      (await req('GET', '/os-keypairs?marker=nope', c.token, undefined, '2.35')).status,
      400,
    )
    const old = await req('GET', '/os-keypairs?limit=1', c.token)
    assert.equal(old.body.keypairs.length, 3, 'no paging before 2.35')

    await cloud.request('PUT', `/compute/v2.1/os-quota-sets/${c.projectId}`, {
      token: admin,
      body: { quota_set: { key_pairs: 3 } },
    })
    const over = await req('POST', '/os-keypairs', c.token, { keypair: { name: 'k4' } })
    assert.equal(over.status, 403)
    assert.equal(over.body.forbidden.message, 'Quota exceeded, too many key pairs.')
  })

  test('x509 (2.2): a generated client certificate and its PKCS#12 key, or an imported certificate', async () => {
    const c = await req(
      'POST',
      '/os-keypairs',
      a.token,
      { keypair: { name: 'cert', type: 'x509' } },
      '2.2',
    )
    assert.equal(c.status, 201, JSON.stringify(c.body))
    const kp = c.body.keypair
    assert.equal(kp.type, 'x509')
    const cert = new X509Certificate(kp.public_key)
    assert.equal(cert.subject, `CN=${a.userId}`)
    assert.equal(kp.fingerprint, cert.fingerprint.toLowerCase())
    assert.ok(Buffer.from(kp.private_key, 'base64').length > 1000, 'a PKCS#12 bundle')
    const shown = await req('GET', '/os-keypairs/cert', a.token, undefined, '2.2')
    assert.equal(shown.body.keypair.type, 'x509')
    const imported = await req(
      'POST',
      '/os-keypairs',
      a.token,
      { keypair: { name: 'cert2', type: 'x509', public_key: kp.public_key } },
      '2.2',
    )
    assert.equal(imported.status, 201)
    assert.equal(imported.body.keypair.fingerprint, kp.fingerprint)
    const junk = await req(
      'POST',
      '/os-keypairs',
      a.token,
      { keypair: { name: 'cert3', type: 'x509', public_key: 'not a cert' } },
      '2.2',
    )
    assert.equal(junk.status, 400)
  })
})
