import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { busContract } from '../bus.contract.js'
import type { Bus } from '../bus.js'
import { createBus } from '../registry.js'
import { InProcessBus } from './in-process-bus.js'

busContract('InProcessBus', {
  // One process, one bus: every "peer" is the same instance.
  open: async (count) => {
    const bus = await InProcessBus.create()
    return Array.from({ length: count }, (): Bus => bus)
  },
})

describe('createBus', () => {
  it('opens the in-process bus for inproc://', async () => {
    const bus = await createBus('inproc://')
    assert.ok(bus instanceof InProcessBus)
    await bus.close()
  })

  it('rejects an unknown scheme, listing the known ones', async () => {
    await assert.rejects(createBus('kafka://broker:9092'), {
      message:
        "unknown message bus transport 'kafka:' (known: inproc://, amqp://, amqps://, rabbit://)",
    })
  })
})

describe('InProcessBus', () => {
  it('reports errors of cast handlers, which have no caller', async () => {
    const errors: string[] = []
    const bus = await InProcessBus.create({
      onHandlerError: (err, method) => errors.push(`${method}: ${String(err)}`),
    })
    await bus.listen({ topic: 'compute', server: 'h1' }, () => {
      throw new Error('nope')
    })
    await bus.cast({ topic: 'compute' }, 'reboot', null)
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.deepEqual(errors, ['reboot: Error: nope'])
    await bus.close()
  })

  it('rejects names that would collide or act as wildcards', async () => {
    const bus = await InProcessBus.create()
    await assert.rejects(bus.cast({ topic: 'a.b' }, 'm', null), /invalid bus topic name/)
    await assert.rejects(
      bus.cast({ topic: 'a', server: '#' }, 'm', null),
      /invalid bus server name/,
    )
    await bus.close()
  })
})
