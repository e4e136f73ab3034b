import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { delegationFixtures } from '../delegation-fixtures.js'
import { createTestCloud, type TestCloud } from '../testing.js'

describe('OS-TRUST trusts and trust-scoped tokens', () => {
  let cloud: TestCloud
  let fx: ReturnType<typeof delegationFixtures>
  let trustor: string
  let trustee: string
  let projectId: string
  let delegated: string
  let kept: string
  let trustorToken: string
  const base = '/identity/v3/OS-TRUST/trusts'

  const trustToken = async (trustId: string, user = 'trustee', password = 'trustee-pw') =>
    cloud.request('POST', '/identity/v3/auth/tokens', {
      body: {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: user, domain: { id: 'default' }, password } },
          },
          scope: { 'OS-TRUST:trust': { id: trustId } },
        },
      },
    })
  const create = (body: Record<string, unknown>, token = trustorToken) =>
    cloud.request('POST', base, {
      token,
      body: {
        trust: {
          trustor_user_id: trustor,
          trustee_user_id: trustee,
          project_id: projectId,
          impersonation: true,
          roles: [{ name: 'delegated' }],
          ...body,
        },
      },
    })

  before(async () => {
    cloud = await createTestCloud()
    fx = delegationFixtures(cloud)
    trustor = await fx.user('trustor', 'trustor-pw')
    trustee = await fx.user('trustee', 'trustee-pw')
    projectId = await fx.project('tproj')
    delegated = await fx.role('delegated')
    kept = await fx.role('kept')
    await fx.grant(trustor, projectId, delegated)
    await fx.grant(trustor, projectId, kept)
    trustorToken = await cloud.token('trustor', 'trustor-pw', 'tproj')
  })
  after(async () => {
    await cloud.close()
  })

  test('create, show, roles, list, delete (Tempest test_trusts flow)', async () => {
    const expires = new Date(Date.now() + 3600_000).toISOString().slice(0, 19) + 'Z'
    const res = await create({ expires_at: expires })
    assert.equal(res.status, 201)
    const t = res.body.trust
    assert.equal(t.impersonation, true)
    assert.equal(t.trustor_user_id, trustor)
    assert.equal(t.trustee_user_id, trustee)
    assert.equal(t.project_id, projectId)
    assert.equal(t.expires_at, expires.replace('Z', '.000000Z'))
    assert.deepEqual(
      t.roles.map((r: { name: string }) => r.name),
      ['delegated'],
    )
    assert.match(t.roles[0].links.self, new RegExp(`v3/roles/${delegated}$`))
    assert.match(t.links.self, /v3\/OS-TRUST\/trusts\//)
    assert.equal(t.remaining_uses, null)
    assert.equal(t.redelegation_count, 0)

    const shown = await cloud.request('GET', `${base}/${t.id}`, { token: trustorToken })
    assert.equal(shown.status, 200)
    assert.deepEqual(shown.body.trust, t)
    const roles = await cloud.request('GET', `${base}/${t.id}/roles`, { token: trustorToken })
    assert.deepEqual(
      roles.body.roles.map((r: { id: string }) => r.id),
      [delegated],
    )
    assert.equal(
      (await cloud.request('GET', `${base}/${t.id}/roles/${delegated}`, { token: trustorToken }))
        .body.role.name,
      'delegated',
    )
    assert.equal(
      (await cloud.request('HEAD', `${base}/${t.id}/roles/${delegated}`, { token: trustorToken }))
        .status,
      200,
    )
    assert.equal(
      (await cloud.request('GET', `${base}/${t.id}/roles/${kept}`, { token: trustorToken })).status,
      404,
    )
    assert.equal(
      (await cloud.request('HEAD', `${base}/${t.id}/roles/${kept}`, { token: trustorToken }))
        .status,
      404,
    )

    const mine = await cloud.request('GET', `${base}/?trustor_user_id=${trustor}`, {
      token: trustorToken,
    })
    assert.equal(mine.status, 200)
    assert.equal(mine.body.trusts.length, 1)
    assert.equal(mine.body.trusts[0].roles, undefined)
    assert.equal((await cloud.request('GET', base, { token: trustorToken })).status, 403)
    assert.equal(
      (await cloud.request('GET', `${base}?trustee_user_id=${trustee}`, { token: trustorToken }))
        .status,
      403,
    )
    const all = await cloud.request('GET', base, { token: await cloud.adminToken() })
    assert.ok(all.body.trusts.some((x: { id: string }) => x.id === t.id))

    assert.equal(
      (await cloud.request('DELETE', `${base}/${t.id}`, { token: trustorToken })).status,
      204,
    )
    assert.equal(
      (await cloud.request('GET', `${base}/${t.id}`, { token: trustorToken })).status,
      404,
    )
    assert.equal(
      (await cloud.request('DELETE', `${base}/${t.id}`, { token: trustorToken })).status,
      404,
    )
  })

  test('bad input and policy', async () => {
    assert.equal((await create({ expires_at: 'bad.123Z' })).status, 400)
    assert.equal((await create({ expires_at: '2001-01-01T00:00:00Z' })).status, 400)
    assert.equal((await create({ impersonation: 'sometimes' })).status, 400)
    assert.equal((await create({ remaining_uses: 0 })).status, 400)
    assert.equal(
      (
        await cloud.request('POST', base, {
          token: trustorToken,
          body: { trust: { trustor_user_id: trustor } },
        })
      ).status,
      400,
    )
    const noRoles = await create({ roles: [] })
    assert.equal(noRoles.status, 403)
    assert.match(noRoles.body.error.message, /At least one role should be specified/)
    assert.equal((await create({ trustor_user_id: trustee })).status, 403)
    assert.equal((await create({ trustee_user_id: 'nobody' })).status, 404)
    assert.equal((await create({ roles: [{ name: 'admin' }] })).status, 404)
    assert.equal((await create({ roles: [{ name: 'no-such-role' }] })).status, 404)
    assert.equal((await create({ project_id: 'nosuchproject' })).status, 404)
    assert.equal((await create({ redelegation_count: 9, allow_redelegation: true })).status, 403)
    assert.equal((await create({ allow_redelegation: true, remaining_uses: 2 })).status, 400)
    assert.equal((await cloud.request('GET', `${base}/0000`, { token: trustorToken })).status, 404)
    // An admin is not the trustor: only the trustor may create a trust.
    assert.equal((await create({}, await cloud.adminToken())).status, 403)
  })

  test('trust-scoped token: impersonation, roles, remaining uses, revocation on delete', async () => {
    const res = await create({ remaining_uses: 2 })
    const trustId = res.body.trust.id
    const stranger = await fx.user('stranger', 'stranger-pw')
    const wrongUser = await trustToken(trustId, 'stranger', 'stranger-pw')
    assert.equal(wrongUser.status, 403)
    assert.equal(stranger.length, 32)
    assert.equal(
      (await cloud.request('GET', `${base}/${trustId}`, { token: trustorToken })).body.trust
        .remaining_uses,
      2,
    )

    const tok = await trustToken(trustId)
    assert.equal(tok.status, 201)
    const body = tok.body.token
    assert.equal(body.user.id, trustor)
    assert.equal(body.project.id, projectId)
    assert.deepEqual(
      body.roles.map((r: { id: string }) => r.id),
      [delegated],
    )
    assert.deepEqual(body['OS-TRUST:trust'], {
      id: trustId,
      trustor_user: { id: trustor },
      trustee_user: { id: trustee },
      impersonation: true,
    })
    assert.equal(
      (await cloud.request('GET', `${base}/${trustId}`, { token: trustorToken })).body.trust
        .remaining_uses,
      1,
    )
    const trustTok = String(tok.headers['x-subject-token'])
    const v = await cloud.request('GET', '/identity/v3/auth/tokens', {
      token: trustTok,
      headers: { 'x-subject-token': trustTok },
    })
    assert.equal(v.status, 200)
    assert.equal(v.body.token['OS-TRUST:trust'].id, trustId)

    // Trust tokens cannot make other tokens, more trusts (not redelegatable) or application credentials.
    const rescope = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: { auth: { identity: { methods: ['token'], token: { id: trustTok } } } },
    })
    assert.equal(rescope.status, 403)
    assert.equal((await create({}, trustTok)).status, 403)
    const ac = await cloud.request(
      'POST',
      `/identity/v3/users/${trustor}/application_credentials`,
      { token: trustTok, body: { application_credential: { name: 'sneaky' } } },
    )
    assert.equal(ac.status, 403)
    assert.match(ac.body.error.message, /issued via delegation/)

    assert.equal((await trustToken(trustId)).status, 201)
    const exhausted = await trustToken(trustId)
    assert.equal(exhausted.status, 401)
    assert.equal(
      (await cloud.request('GET', `${base}/${trustId}`, { token: trustorToken })).status,
      404,
    )
    // Tokens already issued from the last use stay valid until the trust is deleted.
    assert.equal(
      (
        await cloud.request('GET', '/identity/v3/auth/tokens', {
          token: trustTok,
          headers: { 'x-subject-token': trustTok },
        })
      ).status,
      200,
    )
    await cloud.identity.ctx.db
      .updateTable('trusts')
      .set({ remaining_uses: 1 })
      .where('id', '=', trustId)
      .execute()
    assert.equal(
      (await cloud.request('DELETE', `${base}/${trustId}`, { token: trustorToken })).status,
      204,
    )
    assert.equal(
      (
        await cloud.request('GET', '/identity/v3/auth/tokens', {
          token: trustorToken,
          headers: { 'x-subject-token': trustTok },
        })
      ).status,
      404,
    )
    assert.equal((await trustToken(trustId)).status, 401)
  })

  test('no impersonation: the token is the trustee; the trustee may read, not delete', async () => {
    const res = await create({ impersonation: false })
    const trustId = res.body.trust.id
    const tok = await trustToken(trustId)
    assert.equal(tok.status, 201)
    assert.equal(tok.body.token.user.id, trustee)
    assert.equal(tok.body.token['OS-TRUST:trust'].impersonation, false)
    const trusteeToken = await cloud.token('trustee', 'trustee-pw')
    assert.equal(
      (await cloud.request('GET', `${base}/${trustId}`, { token: trusteeToken })).status,
      200,
    )
    assert.equal(
      (await cloud.request('GET', `${base}?trustee_user_id=${trustee}`, { token: trusteeToken }))
        .status,
      200,
    )
    assert.equal(
      (await cloud.request('DELETE', `${base}/${trustId}`, { token: trusteeToken })).status,
      403,
    )
    const strangerToken = await cloud.token('stranger', 'stranger-pw')
    assert.equal(
      (await cloud.request('GET', `${base}/${trustId}`, { token: strangerToken })).status,
      403,
    )

    // The token method with an unscoped trustee token works too.
    const viaToken = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: {
        auth: {
          identity: { methods: ['token'], token: { id: trusteeToken } },
          scope: { 'OS-TRUST:trust': { id: trustId } },
        },
      },
    })
    assert.equal(viaToken.status, 201)
    assert.equal(
      (
        await cloud.request('POST', '/identity/v3/auth/tokens', {
          body: {
            auth: {
              identity: { methods: ['token'], token: { id: trusteeToken } },
              scope: { 'OS-TRUST:trust': '' },
            },
          },
        })
      ).status,
      400,
    )
  })

  test('the trustor losing the role or being disabled breaks the trust', async () => {
    const res = await create({})
    const trustId = res.body.trust.id
    const tok = String((await trustToken(trustId)).headers['x-subject-token'])
    const admin = await cloud.adminToken()
    const check = () =>
      cloud.request('GET', '/identity/v3/auth/tokens', {
        token: admin,
        headers: { 'x-subject-token': tok },
      })
    assert.equal((await check()).status, 200)
    await fx.revokeGrant(trustor, projectId, delegated)
    assert.equal((await check()).status, 404)
    const lost = await trustToken(trustId)
    assert.equal(lost.status, 403)
    assert.equal(lost.body.error.message, 'Trustee has no delegated roles.')
    await fx.grant(trustor, projectId, delegated)
    assert.equal((await check()).status, 200)
    await fx.setEnabled(trustor, false)
    assert.equal((await trustToken(trustId)).status, 403)
    assert.equal((await check()).status, 404)
    await fx.setEnabled(trustor, true)
    trustorToken = await cloud.token('trustor', 'trustor-pw', 'tproj')
  })

  test('redelegation: depth, subset of roles, cascade delete', async () => {
    const parent = await create({
      allow_redelegation: true,
      roles: [{ name: 'delegated' }, { id: kept }],
    })
    assert.equal(parent.status, 201)
    assert.equal(parent.body.trust.redelegation_count, 3)
    const tok = String((await trustToken(parent.body.trust.id)).headers['x-subject-token'])
    const child = await create({ allow_redelegation: true, roles: [{ id: delegated }] }, tok)
    assert.equal(child.status, 201)
    assert.equal(child.body.trust.redelegated_trust_id, parent.body.trust.id)
    assert.equal(child.body.trust.redelegation_count, 2)
    assert.equal(
      (await create({ allow_redelegation: true, redelegation_count: 1 }, tok)).status,
      403,
    )
    const outsider = await fx.role('outsider')
    await fx.grant(trustor, projectId, outsider)
    assert.equal((await create({ roles: [{ id: outsider }] }, tok)).status, 403)
    const childTok = String((await trustToken(child.body.trust.id)).headers['x-subject-token'])
    assert.equal((await trustToken(child.body.trust.id)).body.token.roles[0].id, delegated)

    assert.equal(
      (await cloud.request('DELETE', `${base}/${parent.body.trust.id}`, { token: trustorToken }))
        .status,
      204,
    )
    assert.equal(
      (await cloud.request('GET', `${base}/${child.body.trust.id}`, { token: trustorToken }))
        .status,
      404,
    )
    const admin = await cloud.adminToken()
    assert.equal(
      (
        await cloud.request('GET', '/identity/v3/auth/tokens', {
          token: admin,
          headers: { 'x-subject-token': childTok },
        })
      ).status,
      404,
    )
  })

  test('application-credential tokens cannot manage trusts', async () => {
    const ac = await cloud.request(
      'POST',
      `/identity/v3/users/${trustor}/application_credentials`,
      {
        token: trustorToken,
        body: { application_credential: { name: 'ac', unrestricted: true } },
      },
    )
    const t = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: {
        auth: {
          identity: {
            methods: ['application_credential'],
            application_credential: {
              id: ac.body.application_credential.id,
              secret: ac.body.application_credential.secret,
            },
          },
        },
      },
    })
    const acToken = String(t.headers['x-subject-token'])
    const res = await create({}, acToken)
    assert.equal(res.status, 403)
    assert.match(res.body.error.message, /Delegated tokens cannot manage trusts/)
    assert.equal(
      (await cloud.request('GET', `${base}?trustor_user_id=${trustor}`, { token: acToken })).status,
      403,
    )
  })
})
