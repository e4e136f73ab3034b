import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { busContract, waitFor } from '../bus.contract.js'
import type { JsonValue } from '../bus.js'
import { createBus } from '../registry.js'
import type { AmqpConnection } from './amqp-client.js'
import { connectAmqplib } from './amqplib-client.js'
import { RabbitmqBus, type RabbitmqBusOptions } from './rabbitmq-bus.js'

const url = process.env.NUBIS_TEST_RABBITMQ_URL ?? ''
const skip =
  url === ''
    ? 'NUBIS_TEST_RABBITMQ_URL is not set (scripts/services/rabbitmq.sh start DIR prints it)'
    : false

/** Test topics are unique, so let the broker drop their queues once idle. */
const options: RabbitmqBusOptions = { queueExpiresMs: 120_000 }

busContract('RabbitmqBus', {
  skip,
  open: (count) =>
    Promise.all(Array.from({ length: count }, () => RabbitmqBus.create(url, options))),
})

describe('RabbitmqBus (broker only)', { skip, timeout: 60_000 }, () => {
  it('delivers a cast whose sender closed before any listener existed', async () => {
    const topic = `durable_${randomUUID().slice(0, 8)}`
    const sender = await RabbitmqBus.create(url, options)
    await sender.cast({ topic, server: 'late' }, 'remember', { n: 42 })
    await sender.close()
    const worker = await RabbitmqBus.create(url, options)
    const seen: JsonValue[] = []
    await worker.listen({ topic, server: 'late' }, (method, args) => void seen.push([method, args]))
    await waitFor(() => seen.length === 1)
    assert.deepEqual(seen, [['remember', { n: 42 }]])
    await worker.close()
  })

  it('reconnects after losing its connection and serves its listeners again', async () => {
    const topic = `reconnect_${randomUUID().slice(0, 8)}`
    const connections: AmqpConnection[] = []
    const warnings: string[] = []
    const bus = await RabbitmqBus.create(url, {
      ...options,
      logger: { warn: (_obj, msg) => warnings.push(msg) },
      connect: async (u) => {
        const connection = await connectAmqplib(u)
        connections.push(connection)
        return connection
      },
    })
    const client = await RabbitmqBus.create(url, options)
    await bus.listen({ topic, server: 'w1' }, (_m, args) => args)
    assert.equal(await client.call({ topic }, 'echo', 1), 1)
    await connections[0]?.close() // as if the broker had dropped us
    await waitFor(() => connections.length === 2 && warnings.includes('message bus reconnected'))
    assert.equal(await client.call({ topic }, 'echo', 2, { timeoutMs: 5_000 }), 2)
    assert.equal(await bus.call({ topic }, 'echo', 3, { timeoutMs: 5_000 }), 3)
    await Promise.all([bus.close(), client.close()])
  })

  it('fails casts and calls retryably, in bounded time, while the broker is away', async () => {
    let first: AmqpConnection | undefined
    const bus = await RabbitmqBus.create(url, {
      ...options,
      sendTimeoutMs: 300,
      logger: { warn: () => undefined },
      connect: async (u) => {
        if (first !== undefined) throw new Error('broker down')
        first = await connectAmqplib(u)
        return first
      },
    })
    await first?.close()
    const unavailable = { code: 'NUBIS_SERVICE_UNAVAILABLE', retryable: true }
    const started = Date.now()
    await assert.rejects(bus.cast({ topic: 'away' }, 'm', null), unavailable)
    await assert.rejects(bus.call({ topic: 'away' }, 'm', null, { timeoutMs: 300 }), unavailable)
    assert.ok(Date.now() - started < 3_000)
    await bus.close()
  })

  it('is what createBus opens for amqp:// and rabbit:// URLs', async () => {
    const amqp = await createBus(url)
    assert.ok(amqp instanceof RabbitmqBus)
    await amqp.close()
    const rabbit = await createBus(url.replace(/^amqp:/, 'rabbit:'))
    assert.ok(rabbit instanceof RabbitmqBus)
    await rabbit.close()
  })

  it('fails fast when no broker answers', async () => {
    await assert.rejects(RabbitmqBus.create('amqp://guest:secret@127.0.0.1:1/'), (err: Error) =>
      /cannot connect to RabbitMQ at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1\//.test(err.message),
    )
  })
})
