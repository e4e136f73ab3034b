import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../testing.js'
import {
  addUser,
  AssignmentType,
  grant,
  makeDomain,
  makeProject,
  tokenFor,
} from './resource-fixtures.js'

const V3 = '/identity/v3'
const custom = {
  identity: { driver: 'ldap' },
  ldap: { url: 'ldap://myldap.com:389/', user_tree_dn: 'ou=Users,dc=my_new_root,dc=org' },
}

describe('identity domain configuration', () => {
  let cloud: TestCloud
  let admin: string
  before(async () => {
    cloud = await createTestCloud({ env: { NUBIS_SECURITY_COMPLIANCE__PASSWORD_REGEX: '^.{8,}$' } })
    admin = await cloud.adminToken()
  })
  after(async () => {
    await cloud.close()
  })

  test('defaults: whole, per group, per option', async () => {
    const all = await cloud.request('GET', `${V3}/domains/config/default`, { token: admin })
    assert.equal(all.status, 200)
    assert.deepEqual(Object.keys(all.body.config).sort(), ['identity', 'ldap'])
    const identity = await cloud.request('GET', `${V3}/domains/config/identity/default`, {
      token: admin,
    })
    assert.deepEqual(identity.body.config, { identity: { driver: 'sql', list_limit: null } })
    const ldap = (await cloud.request('GET', `${V3}/domains/config/ldap/default`, { token: admin }))
      .body.config.ldap
    for (const option of Object.keys(ldap)) {
      const one = await cloud.request('GET', `${V3}/domains/config/ldap/${option}/default`, {
        token: admin,
      })
      assert.equal(one.status, 200, option)
      assert.deepEqual(one.body.config, { [option]: ldap[option] })
    }
    assert.equal(
      (await cloud.request('GET', `${V3}/domains/config/nope/default`, { token: admin })).status,
      403,
    )
    assert.equal(
      (await cloud.request('GET', `${V3}/domains/config/ldap/password/default`, { token: admin }))
        .status,
      403,
    )
    assert.equal(
      (await cloud.request('GET', `${V3}/domains/config/ldap/nope/default`, { token: admin }))
        .status,
      403,
    )
  })

  test('create, show group and option, replace, update, delete', async () => {
    const did = await makeDomain(cloud, admin, { name: 'cfg-dom' })
    const base = `${V3}/domains/${did}/config`
    assert.equal((await cloud.request('GET', base, { token: admin })).status, 404)
    const created = await cloud.request('PUT', base, {
      token: admin,
      body: { config: { ...custom, ldap: { ...custom.ldap, password: 's3cret' } } },
    })
    assert.equal(created.status, 201)
    assert.deepEqual(created.body.config, custom)
    assert.deepEqual((await cloud.request('GET', `${base}/ldap`, { token: admin })).body.config, {
      ldap: custom.ldap,
    })
    assert.deepEqual(
      (await cloud.request('GET', `${base}/ldap/url`, { token: admin })).body.config,
      { url: custom.ldap.url },
    )
    assert.equal(
      (await cloud.request('GET', `${base}/ldap/password`, { token: admin })).status,
      404,
    )

    const again = await cloud.request('PUT', base, { token: admin, body: { config: custom } })
    assert.equal(again.status, 200)

    const grp = await cloud.request('PATCH', `${base}/identity`, {
      token: admin,
      body: { config: { identity: { driver: 'd2', list_limit: 7 } } },
    })
    assert.equal(grp.status, 200)
    assert.deepEqual(grp.body.config.identity, { driver: 'd2', list_limit: 7 })
    const opt = await cloud.request('PATCH', `${base}/identity/driver`, {
      token: admin,
      body: { config: { driver: 'd3' } },
    })
    assert.equal(opt.body.config.identity.driver, 'd3')
    const whole = await cloud.request('PATCH', base, {
      token: admin,
      body: { config: { ldap: { url: 'ldap://new' } } },
    })
    assert.equal(whole.body.config.ldap.url, 'ldap://new')
    assert.equal(whole.body.config.ldap.user_tree_dn, custom.ldap.user_tree_dn)

    assert.equal(
      (await cloud.request('DELETE', `${base}/identity/driver`, { token: admin })).status,
      204,
    )
    assert.equal(
      (await cloud.request('GET', `${base}/identity/driver`, { token: admin })).status,
      404,
    )
    assert.equal((await cloud.request('DELETE', `${base}/identity`, { token: admin })).status, 204)
    const noGroup = await cloud.request('GET', `${base}/identity`, { token: admin })
    assert.equal(noGroup.status, 404)
    assert.equal(
      noGroup.body.error.message,
      `Could not find group identity in domain configuration for domain ${did}.`,
    )
    assert.equal((await cloud.request('DELETE', base, { token: admin })).status, 204)
    assert.equal((await cloud.request('GET', base, { token: admin })).status, 404)
  })

  test('bad input: 403 invalid config, 404 missing domain/group, 400 malformed', async () => {
    const did = await makeDomain(cloud, admin, { name: 'cfg-bad' })
    const base = `${V3}/domains/${did}/config`
    const put = (config: unknown) => cloud.request('PUT', base, { token: admin, body: { config } })
    const empty = await put({})
    assert.equal(empty.status, 403)
    assert.equal(
      empty.body.error.message,
      'Invalid domain specific configuration: No options specified.',
    )
    assert.equal((await put({ nope: { a: 1 } })).status, 403)
    assert.equal((await put({ ldap: { nope: 1 } })).status, 403)
    assert.equal((await put({ ldap: 'x' })).status, 403)
    assert.equal((await put('x')).status, 400)
    assert.equal(
      (
        await cloud.request('PUT', `${V3}/domains/${'c'.repeat(32)}/config`, {
          token: admin,
          body: { config: custom },
        })
      ).status,
      404,
    )
    assert.equal((await put(custom)).status, 201)
    const patch = (path: string, config: unknown) =>
      cloud.request('PATCH', `${base}${path}`, { token: admin, body: { config } })
    assert.equal((await patch('/identity', { ldap: { url: 'x' } })).status, 403)
    assert.equal(
      (await patch('/identity', { identity: { driver: 'x' }, ldap: { url: 'x' } })).status,
      403,
    )
    assert.equal((await patch('/ldap/url', { user: 'x' })).status, 403)
    assert.equal((await patch('/ldap/user', { user: 'x' })).status, 404)
    assert.equal((await cloud.request('DELETE', `${base}/ldap/user`, { token: admin })).status, 404)
    assert.equal((await cloud.request('DELETE', `${base}/nope`, { token: admin })).status, 403)
  })

  test('policy: admin only, but anyone may read the default domain password rules', async () => {
    const uid = await addUser(cloud, 'cfg-user', 'pw-6')
    const pid = await makeProject(cloud, admin, { name: 'cfg-user-p' })
    await grant(cloud, AssignmentType.UserProject, uid, pid, 'member')
    const tok = await tokenFor(cloud, uid, 'pw-6', { project: pid })
    assert.equal(
      (await cloud.request('GET', `${V3}/domains/config/default`, { token: tok })).status,
      403,
    )
    assert.equal(
      (
        await cloud.request('PUT', `${V3}/domains/default/config`, {
          token: tok,
          body: { config: custom },
        })
      ).status,
      403,
    )
    const sc = await cloud.request('GET', `${V3}/domains/default/config/security_compliance`, {
      token: tok,
    })
    assert.equal(sc.status, 200)
    assert.deepEqual(sc.body.config, {
      security_compliance: { password_regex: '^.{8,}$', password_regex_description: null },
    })
    const one = await cloud.request(
      'GET',
      `${V3}/domains/default/config/security_compliance/password_regex`,
      { token: tok },
    )
    assert.deepEqual(one.body.config, { password_regex: '^.{8,}$' })
    assert.equal(
      (
        await cloud.request(
          'GET',
          `${V3}/domains/default/config/security_compliance/lockout_duration`,
          { token: tok },
        )
      ).status,
      403,
    )
    const other = await makeDomain(cloud, admin, { name: 'cfg-sc' })
    assert.equal(
      (
        await cloud.request('GET', `${V3}/domains/${other}/config/security_compliance`, {
          token: admin,
        })
      ).status,
      403,
    )
  })
})
