import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from './testing.js'

const V3 = '/identity/v3'

describe('self-service password change and security compliance', () => {
  let cloud: TestCloud
  let admin: string
  before(async () => {
    cloud = await createTestCloud({
      env: {
        NUBIS_SECURITY_COMPLIANCE__UNIQUE_LAST_PASSWORD_COUNT: '2',
        NUBIS_SECURITY_COMPLIANCE__LOCKOUT_FAILURE_ATTEMPTS: '2',
        NUBIS_SECURITY_COMPLIANCE__LOCKOUT_DURATION: '600',
        NUBIS_SECURITY_COMPLIANCE__PASSWORD_EXPIRES_DAYS: '30',
        NUBIS_SECURITY_COMPLIANCE__PASSWORD_REGEX: '^.{6,}$',
        NUBIS_SECURITY_COMPLIANCE__PASSWORD_REGEX_DESCRIPTION: 'at least 6 characters',
      },
    })
    admin = await cloud.adminToken()
  })
  after(async () => {
    await cloud.close()
  })

  const newUser = async (name: string, password: string): Promise<string> => {
    const res = await cloud.request('POST', `${V3}/users`, {
      token: admin,
      body: { user: { name, password } },
    })
    assert.equal(res.status, 201)
    return String(res.body.user.id)
  }
  const change = (id: string, original: string, password: string, token?: string) =>
    cloud.request('POST', `${V3}/users/${id}/password`, {
      token,
      body: { user: { original_password: original, password } },
    })

  test('changes the password, revokes old tokens, sets password_expires_at', async () => {
    const id = await newUser('erin', 'pass-0')
    const token = await cloud.token('erin', 'pass-0')
    const res = await change(id, 'pass-0', 'pass-1', token)
    assert.equal(res.status, 204)
    assert.equal((await cloud.request('GET', `${V3}/users/${id}`, { token })).status, 401)
    await assert.rejects(cloud.token('erin', 'pass-0'))
    const fresh = await cloud.token('erin', 'pass-1')
    const shown = await cloud.request('GET', `${V3}/users/${id}`, { token: fresh })
    assert.match(shown.body.user.password_expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000$/)
    const days = (Date.parse(`${shown.body.user.password_expires_at}Z`) - Date.now()) / 86_400_000
    assert.ok(days > 29.9 && days <= 30)
  })

  test('history: the current and the previous password are refused, older ones accepted', async () => {
    const id = await newUser('frank', 'pass-0')
    assert.equal((await change(id, 'pass-0', 'pass-1')).status, 204)
    const same = await change(id, 'pass-1', 'pass-1')
    assert.equal(same.status, 400)
    assert.equal(
      same.body.error.message,
      'The new password cannot be identical to a previous password. The total number which includes the new password must be unique is 2.',
    )
    assert.equal((await change(id, 'pass-1', 'pass-0')).status, 400)
    assert.equal((await change(id, 'pass-1', 'pass-2')).status, 204)
    assert.equal((await change(id, 'pass-2', 'pass-3')).status, 204)
    assert.equal((await change(id, 'pass-3', 'pass-0')).status, 204)
    // An admin reset ignores the history.
    const reset = await cloud.request('PATCH', `${V3}/users/${id}`, {
      token: admin,
      body: { user: { password: 'pass-0' } },
    })
    assert.equal(reset.status, 200)
    await cloud.token('frank', 'pass-0')
  })

  test('regex, bad bodies, unknown users and wrong originals', async () => {
    const id = await newUser('gina', 'pass-0')
    const weak = await change(id, 'pass-0', 'short')
    assert.equal(weak.status, 400)
    assert.equal(
      weak.body.error.message,
      'The password does not match the requirements: at least 6 characters.',
    )
    const weakCreate = await cloud.request('POST', `${V3}/users`, {
      token: admin,
      body: { user: { name: 'weak', password: 'x' } },
    })
    assert.equal(weakCreate.status, 400)
    assert.equal(
      (
        await cloud.request('POST', `${V3}/users/${id}/password`, {
          body: { user: { password: 'pass-9' } },
        })
      ).status,
      400,
    )
    assert.equal(
      (
        await cloud.request('POST', `${V3}/users/${id}/password`, {
          body: { user: { password: 'pass-9', original_password: 'pass-0', x: 1 } },
        })
      ).status,
      400,
    )
    assert.equal((await change('nobody', 'pass-0', 'pass-9')).status, 401)
    assert.equal((await cloud.request('GET', `${V3}/users/${id}/password`)).status, 405)
  })

  test('wrong originals count towards the lockout', async () => {
    const id = await newUser('hank', 'pass-0')
    assert.equal((await change(id, 'wrong-1', 'pass-1')).status, 401)
    assert.equal((await change(id, 'wrong-2', 'pass-1')).status, 401)
    const locked = await change(id, 'pass-0', 'pass-1')
    assert.equal(locked.status, 401)
    assert.equal(locked.body.error.message, `The account is locked for user: ${id}.`)
    await assert.rejects(cloud.token('hank', 'pass-0'))
    // Re-enabling by an admin clears the lockout.
    await cloud.request('PATCH', `${V3}/users/${id}`, {
      token: admin,
      body: { user: { enabled: true } },
    })
    assert.equal((await change(id, 'pass-0', 'pass-1')).status, 204)
  })

  test('lock_password option forbids self-service', async () => {
    const res = await cloud.request('POST', `${V3}/users`, {
      token: admin,
      body: { user: { name: 'ivy', password: 'pass-0', options: { lock_password: true } } },
    })
    assert.deepEqual(res.body.user.options, { lock_password: true })
    assert.equal((await change(res.body.user.id, 'pass-0', 'pass-1')).status, 400)
  })
})

describe('minimum password age and change upon first use', () => {
  let cloud: TestCloud
  let admin: string
  before(async () => {
    cloud = await createTestCloud({
      env: {
        NUBIS_SECURITY_COMPLIANCE__MINIMUM_PASSWORD_AGE: '1',
        NUBIS_SECURITY_COMPLIANCE__CHANGE_PASSWORD_UPON_FIRST_USE: 'true',
      },
    })
    admin = await cloud.adminToken()
  })
  after(async () => {
    await cloud.close()
  })

  test('an admin-set password is expired at once and may be replaced at once, but not twice in a day', async () => {
    const res = await cloud.request('POST', `${V3}/users`, {
      token: admin,
      body: { user: { name: 'jo', password: 'pass-0' } },
    })
    const id = res.body.user.id
    assert.notEqual(res.body.user.password_expires_at, null)
    await assert.rejects(cloud.token('jo', 'pass-0'), /401/)
    const change = (o: string, p: string) =>
      cloud.request('POST', `${V3}/users/${id}/password`, {
        body: { user: { original_password: o, password: p } },
      })
    assert.equal((await change('pass-0', 'pass-1')).status, 204)
    await cloud.token('jo', 'pass-1')
    const early = await change('pass-1', 'pass-2')
    assert.equal(early.status, 400)
    assert.match(early.body.error.message, /minimum password age/)
  })
})
