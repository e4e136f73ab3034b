import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import pino from 'pino'
import { ConflictError } from '../../../common/errors.js'
import type { Db } from '../../../db/database.js'
import { MechanismChain, MechanismDriverError } from './mechanism-chain.js'
import type { MechanismDriver } from './mechanism-driver.js'
import {
  KNOWN_MECHANISM_DRIVERS,
  buildMechanismChain,
  loadMechanismDriver,
} from './mechanism-registry.js'

const logger = pino({ level: 'silent' })
const db = {} as Db
const seg = { id: 's1', network_type: 'vlan', physical_network: 'physnet1', segmentation_id: 100 }
const ctx = { db, current: { id: 'n1' }, segments: [seg] }

describe('ML2 mechanism chain', () => {
  test('calls drivers in order; precommit stops at the first failure and wraps it', async () => {
    const calls: string[] = []
    const mk = (name: string, fail = false): MechanismDriver => ({
      name,
      createNetworkPrecommit: () => {
        calls.push(name)
        if (fail) throw new Error('boom')
      },
    })
    const chain = new MechanismChain([mk('a'), mk('b', true), mk('c')], logger)
    await assert.rejects(chain.createNetworkPrecommit(ctx), (e: unknown) => {
      assert.ok(e instanceof MechanismDriverError)
      assert.equal(e.message, 'create_network_precommit failed.')
      assert.equal(e.type, 'MechanismDriverError')
      return true
    })
    assert.deepEqual(calls, ['a', 'b'])
  })

  test('postcommit failures are surfaced; delete postcommit runs every driver first; CloudErrors pass through', async () => {
    const calls: string[] = []
    const chain = new MechanismChain(
      [
        {
          name: 'x',
          deleteNetworkPostcommit: () => {
            calls.push('x')
            throw new ConflictError('nope')
          },
        },
        {
          name: 'y',
          deleteNetworkPostcommit: () => {
            calls.push('y')
          },
        },
        {
          name: 'z',
          createNetworkPostcommit: () => {
            throw new Error('down')
          },
        },
      ],
      logger,
    )
    await assert.rejects(chain.deleteNetworkPostcommit(ctx), ConflictError)
    assert.deepEqual(calls, ['x', 'y'])
    await assert.rejects(chain.createNetworkPostcommit(ctx), MechanismDriverError)
  })

  test('bindPort: first driver that binds wins; none → binding_failed; no host → unbound', async () => {
    const port = { id: 'p1' }
    const chain = new MechanismChain(
      [
        {
          name: 'picky',
          bindPort: (c) => {
            if (c.host === 'h2')
              c.setBinding({ segmentId: 's1', vifType: 'ovs', vifDetails: { port_filter: true } })
          },
        },
        {
          name: 'broken',
          bindPort: () => {
            throw new Error('x')
          },
        },
        await loadMechanismDriver('noop'),
      ],
      logger,
    )
    const h2 = await chain.bindPort({ db, port, host: 'h2', segments: [seg] })
    assert.deepEqual(h2, {
      segmentId: 's1',
      vifType: 'ovs',
      vifDetails: { port_filter: true },
      driver: 'picky',
    })
    const h1 = await chain.bindPort({ db, port, host: 'h1', segments: [seg] })
    assert.equal(h1.vifType, 'other')
    assert.equal(h1.driver, 'noop')
    assert.equal((await chain.bindPort({ db, port, host: '', segments: [seg] })).vifType, 'unbound')
    const none = new MechanismChain([await loadMechanismDriver('logger')], logger)
    assert.equal(
      (await none.bindPort({ db, port, host: 'h1', segments: [seg] })).vifType,
      'binding_failed',
    )
  })

  test('registry: unknown names fail fast listing the known ones', async () => {
    assert.deepEqual(KNOWN_MECHANISM_DRIVERS, ['logger', 'noop', 'vsphere_dvs'])
    await assert.rejects(
      buildMechanismChain(['logger', 'ovs'], logger),
      /unknown \[ml2\] mechanism_drivers entry "ovs"; known: logger, noop/,
    )
    const chain = await buildMechanismChain(['logger', 'noop'], logger)
    assert.deepEqual(chain.names, ['logger', 'noop'])
    await chain.createPortPrecommit({ db, current: { id: 'p' } })
  })
})
