import assert from 'node:assert/strict'
import { test } from 'node:test'
import { eui64Address } from './eui64.js'
import { cidrsOverlap, formatCidr, formatIp, normaliseIp, parseCidr, parseIp } from './ip.js'
import { checkGatewayNotInPools, defaultPools, parsePools, poolBody } from './pools.js'

test('parses and formats IPv4 and IPv6 canonically', () => {
  assert.equal(normaliseIp('10.0.0.1'), '10.0.0.1')
  assert.equal(normaliseIp('2001:DB8:0:0:0:0:0:0001'), '2001:db8::1')
  assert.equal(normaliseIp('::'), '::')
  assert.equal(normaliseIp('::ffff:1.2.3.4'), '::ffff:102:304')
  assert.equal(normaliseIp('2001:db8:0:1:0:0:1:0'), '2001:db8:0:1::1:0')
  assert.equal(normaliseIp('1:0:0:1:0:0:0:1'), '1:0:0:1::1', 'longest zero run is compressed')
  for (const bad of ['10.0.0.256', '10.0.0', '1::2::3', 'x', '1:2:3:4:5:6:7:8:9', ''])
    assert.equal(parseIp(bad), undefined, bad)
  assert.equal(formatIp(4, 0xffffffffn), '255.255.255.255')
})

test('CIDRs: normalisation, overlap', () => {
  const c = parseCidr('10.0.0.5/24')!
  assert.equal(formatCidr(c), '10.0.0.0/24')
  assert.equal(c.hadHostBits, true)
  assert.equal(formatCidr(parseCidr('2001:db8::1/64')!), '2001:db8::/64')
  assert.equal(parseCidr('10.0.0.0/33'), undefined)
  assert.ok(cidrsOverlap(parseCidr('10.0.0.0/16')!, parseCidr('10.0.5.0/24')!))
  assert.ok(!cidrsOverlap(parseCidr('10.0.0.0/24')!, parseCidr('10.0.1.0/24')!))
})

test('default pools as Neutron: around the gateway, no network/broadcast', () => {
  const c = parseCidr('10.0.0.0/24')!
  const p = defaultPools(c, parseIp('10.0.0.1')!.value).map((r) => poolBody(4, r))
  assert.deepEqual(p, [{ start: '10.0.0.2', end: '10.0.0.254' }])
  const mid = defaultPools(c, parseIp('10.0.0.100')!.value).map((r) => poolBody(4, r))
  assert.deepEqual(mid, [
    { start: '10.0.0.1', end: '10.0.0.99' },
    { start: '10.0.0.101', end: '10.0.0.254' },
  ])
  const v6 = defaultPools(parseCidr('2001:db8::/64')!, parseIp('2001:db8::1')!.value).map((r) =>
    poolBody(6, r),
  )
  assert.deepEqual(v6, [{ start: '2001:db8::2', end: '2001:db8::ffff:ffff:ffff:ffff' }])
  assert.deepEqual(
    defaultPools(parseCidr('10.0.0.0/31')!, null).map((r) => poolBody(4, r)),
    [{ start: '10.0.0.0', end: '10.0.0.1' }],
  )
})

test('pool validation: out of bounds 400, overlap 409, gateway conflict 409', () => {
  const c = parseCidr('10.0.0.0/24')!
  assert.throws(() => parsePools(c, [{ start: '10.0.1.2', end: '10.0.1.5' }]), {
    status: 400,
    type: 'OutOfBoundsAllocationPool',
  })
  assert.throws(() => parsePools(c, [{ start: '10.0.0.9', end: '10.0.0.5' }]), {
    status: 400,
    type: 'InvalidAllocationPool',
  })
  assert.throws(
    () =>
      parsePools(c, [
        { start: '10.0.0.2', end: '10.0.0.9' },
        { start: '10.0.0.5', end: '10.0.0.20' },
      ]),
    { status: 409, type: 'OverlappingAllocationPools' },
  )
  const pools = parsePools(c, [{ start: '10.0.0.2', end: '10.0.0.9' }])
  assert.throws(() => checkGatewayNotInPools(4, parseIp('10.0.0.5')!.value, pools), {
    status: 409,
    type: 'GatewayConflictWithAllocationPools',
  })
})

test('EUI-64 SLAAC address from a MAC', () => {
  const ip = eui64Address(parseCidr('2001:db8::/64')!, 'fa:16:3e:12:34:56')
  assert.equal(formatIp(6, ip), '2001:db8::f816:3eff:fe12:3456')
})
