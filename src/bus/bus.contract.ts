import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { afterEach, describe, it } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { ConflictError, NotFoundError } from '../common/errors.js'
import type { Bus, JsonValue } from './bus.js'

export interface BusContractOptions {
  /**
   * Opens `count` buses that reach one another, e.g. separate broker connections; the
   * in-process bus returns one instance `count` times. The suite closes them.
   */
  readonly open: (count: number) => Promise<Bus[]>
  /** Skips the whole suite; node:test prints the reason. */
  readonly skip?: string | false
}

/** Every Bus implementation runs this suite (nova: test_virt_drivers.py). */
export function busContract(name: string, options: BusContractOptions): void {
  // NOTE: void: node:test returns promises it tracks itself; this file is not a *.test.ts.
  void describe(`${name} (bus contract)`, { skip: options.skip ?? false, timeout: 60_000 }, () => {
    let opened: Bus[] = []
    const open = async <N extends number>(count: N): Promise<Tuple<N, Bus>> => {
      const buses = await options.open(count)
      assert.equal(buses.length, count)
      opened.push(...buses)
      return buses as Tuple<N, Bus>
    }
    afterEach(async () => {
      await Promise.all([...new Set(opened)].map((bus) => bus.close()))
      opened = []
    })

    void it('call resolves with the handler result', async () => {
      const topic = uniqueTopic()
      const [worker, client] = await open(2)
      await worker.listen({ topic, server: 'w1' }, (method, args) =>
        method === 'nothing' ? undefined : { method, args },
      )
      const args = { a: [1, 'x', null, true, { b: 2.5 }] }
      assert.deepEqual(await client.call({ topic }, 'echo', args), { method: 'echo', args })
      assert.equal(await client.call({ topic }, 'nothing', null), undefined)
    })

    void it('call rejects with the handler error rebuilt from its code', async () => {
      const topic = uniqueTopic()
      const [worker, client] = await open(2)
      await worker.listen({ topic, server: 'w1' }, (method) => {
        if (method === 'missing') throw new NotFoundError('Instance abc could not be found.')
        if (method === 'conflict') throw new ConflictError('busy', { type: 'InstanceInvalidState' })
        if (method === 'plain') throw new Error('kaboom')
        return 'ok'
      })
      await assert.rejects(client.call({ topic }, 'missing', null), {
        name: 'NotFoundError',
        code: 'NUBIS_NOT_FOUND',
        status: 404,
        message: 'Instance abc could not be found.',
        retryable: false,
      })
      await assert.rejects(client.call({ topic }, 'conflict', null), {
        code: 'NUBIS_CONFLICT',
        status: 409,
        type: 'InstanceInvalidState',
      })
      await assert.rejects(client.call({ topic }, 'plain', null), { message: 'kaboom' })
      assert.equal(await client.call({ topic }, 'fine', null), 'ok', 'the worker survives errors')
    })

    void it('a call left unanswered rejects with a retryable ServiceUnavailableError', async () => {
      const topic = uniqueTopic()
      const [worker, client] = await open(2)
      const unavailable = { code: 'NUBIS_SERVICE_UNAVAILABLE', status: 503, retryable: true }
      const started = Date.now()
      await assert.rejects(client.call({ topic }, 'nobody', null, { timeoutMs: 300 }), unavailable)
      const elapsed = Date.now() - started
      assert.ok(elapsed >= 250 && elapsed < 5_000, `timed out after ${elapsed} ms`)

      let release = (): void => undefined
      const gate = new Promise<void>((resolve) => (release = resolve))
      await worker.listen({ topic, server: 'w1' }, async () => {
        await gate
        return 'late'
      })
      await assert.rejects(client.call({ topic }, 'slow', null, { timeoutMs: 300 }), unavailable)
      await assert.rejects(
        client.call({ topic, server: 'w2' }, 'nobody', null, { timeoutMs: 300 }),
        unavailable,
      )
      release()
      await delay(100) // the late reply must be dropped quietly
    })

    void it('cast reaches exactly one of two competing listeners', async () => {
      const topic = uniqueTopic()
      const [a, b, client] = await open(3)
      const seen = { w1: [] as string[], w2: [] as string[] }
      await a.listen({ topic, server: 'w1' }, (_m, args) => void seen.w1.push(idOf(args)))
      await b.listen({ topic, server: 'w2' }, (_m, args) => void seen.w2.push(idOf(args)))
      const ids = Array.from({ length: 20 }, (_, i) => `m${String(i).padStart(2, '0')}`)
      for (const id of ids) await client.cast({ topic }, 'work', { id })
      await waitFor(() => seen.w1.length + seen.w2.length >= ids.length)
      await delay(200) // room for a duplicate to show up
      assert.deepEqual([...seen.w1, ...seen.w2].sort(), ids)
      assert.ok(seen.w1.length > 0 && seen.w2.length > 0, 'listeners take turns')
    })

    void it('a server-targeted message reaches only that server', async () => {
      const topic = uniqueTopic()
      const [a, b, client] = await open(3)
      const casts = { w1: 0, w2: 0 }
      await a.listen({ topic, server: 'w1' }, (m) => (m === 'cast' ? void casts.w1++ : 'w1'))
      await b.listen({ topic, server: 'w2' }, (m) => (m === 'cast' ? void casts.w2++ : 'w2'))
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => client.call({ topic, server: 'w2' }, 'who', null)),
      )
      assert.deepEqual(answers, Array(10).fill('w2'))
      for (let i = 0; i < 5; i++) await client.cast({ topic, server: 'w1' }, 'cast', null)
      await waitFor(() => casts.w1 === 5)
      await delay(100)
      assert.deepEqual(casts, { w1: 5, w2: 0 })
    })

    void it('fanout reaches every listener of the topic once', async () => {
      const topic = uniqueTopic()
      const other = uniqueTopic()
      const buses = await open(4)
      const seen: Record<string, JsonValue[]> = { w1: [], w2: [], w3: [], other: [] }
      for (const [i, server] of ['w1', 'w2', 'w3'].entries()) {
        await buses[i]?.listen(
          { topic, server },
          (method, args) => void seen[server]?.push([method, args]),
        )
      }
      await buses[0].listen({ topic: other, server: 'w1' }, (m, a) => void seen.other?.push([m, a]))
      await buses[3].fanout(topic, 'refresh', { v: 1 })
      await waitFor(() => ['w1', 'w2', 'w3'].every((s) => seen[s]?.length === 1))
      await delay(200)
      const once = [['refresh', { v: 1 }]]
      assert.deepEqual(seen, { w1: once, w2: once, w3: once, other: [] })
      await buses[3].fanout(uniqueTopic(), 'nobody', null) // no listener: still fine
    })

    void it('closing a subscription stops delivery to it', async () => {
      const topic = uniqueTopic()
      const [a, b, client] = await open(3)
      const fanouts = { w1: 0, w2: 0 }
      const sub1 = await a.listen({ topic, server: 'w1' }, (m) =>
        m === 'f' ? void fanouts.w1++ : 'w1',
      )
      await b.listen({ topic, server: 'w2' }, (m) => (m === 'f' ? void fanouts.w2++ : 'w2'))
      await sub1.close()
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => client.call({ topic }, 'who', null)),
      )
      assert.deepEqual(answers, Array(10).fill('w2'))
      await assert.rejects(client.call({ topic, server: 'w1' }, 'who', null, { timeoutMs: 300 }), {
        code: 'NUBIS_SERVICE_UNAVAILABLE',
      })
      await client.fanout(topic, 'f', null)
      await waitFor(() => fanouts.w2 === 1)
      await delay(100)
      assert.deepEqual(fanouts, { w1: 0, w2: 1 })
    })

    void it('closing a subscription lets running handlers finish and answer', async () => {
      const topic = uniqueTopic()
      const [worker, client] = await open(2)
      let release = (): void => undefined
      const gate = new Promise<void>((resolve) => (release = resolve))
      let running = false
      const sub = await worker.listen({ topic, server: 'w1' }, async () => {
        running = true
        await gate
        return 'done'
      })
      const answer = client.call({ topic }, 'slow', null, { timeoutMs: 10_000 })
      await waitFor(() => running)
      let closed = false
      const closing = sub.close().then(() => (closed = true))
      await delay(100)
      assert.equal(closed, false, 'close waits for the running handler')
      release()
      await closing
      assert.equal(await answer, 'done')
    })

    void it('copies arguments, results and casts through JSON', async () => {
      const topic = uniqueTopic()
      const [worker, client] = await open(2)
      const stored = { nested: { n: 1 } }
      const received: JsonValue[] = []
      await worker.listen({ topic, server: 'w1' }, (_method, args) => {
        received.push(args)
        ;(args as { list?: string[] }).list?.push('handler')
        return stored
      })
      const list = ['caller']
      const args = { list, when: new Date(0), gone: undefined } as unknown as JsonValue
      const pending = client.call({ topic }, 'copy', args)
      list.push('after-send')
      const result = (await pending) as typeof stored
      assert.deepEqual(received[0], {
        list: ['caller', 'handler'],
        when: '1970-01-01T00:00:00.000Z',
      })
      assert.deepEqual(list, ['caller', 'after-send'])
      result.nested.n = 2
      assert.equal(stored.nested.n, 1)

      const castArgs = { list: ['cast'] }
      const cast = client.cast({ topic }, 'copy', castArgs)
      castArgs.list.push('after-send')
      await cast
      await waitFor(() => received.length === 2)
      assert.deepEqual(received[1], { list: ['cast', 'handler'] })
    })

    void it('answers 200 concurrent calls, each with its own result', async () => {
      const topic = uniqueTopic()
      const [a, b, client] = await open(3)
      const handler = (server: string) => async (_m: string, args: JsonValue) => {
        await delay(Math.floor(Math.random() * 5))
        return { n: (args as { n: number }).n * 2, server }
      }
      await a.listen({ topic, server: 'w1' }, handler('w1'))
      await b.listen({ topic, server: 'w2' }, handler('w2'))
      const results = (await Promise.all(
        Array.from({ length: 200 }, (_, n) => client.call({ topic }, 'double', { n })),
      )) as { n: number; server: string }[]
      results.forEach((result, n) => assert.equal(result.n, n * 2))
      const servers = new Set(results.map((r) => r.server))
      assert.deepEqual([...servers].sort(), ['w1', 'w2'])
    })

    void it('a cast sent while nobody listens waits for a listener', async () => {
      const topic = uniqueTopic()
      const [client, worker] = await open(2)
      await client.cast({ topic }, 'early', { to: 'any' })
      await client.cast({ topic, server: 'w1' }, 'early', { to: 'w1' })
      await delay(100)
      const seen: JsonValue[] = []
      await worker.listen({ topic, server: 'w1' }, (_m, args) => void seen.push(args))
      await waitFor(() => seen.length === 2)
      assert.deepEqual(seen.map((s) => (s as { to: string }).to).sort(), ['any', 'w1'])
    })

    void it('close fails waiting calls retryably, refuses new ones and is idempotent', async () => {
      const [bus] = await open(1)
      const pending = bus.call({ topic: uniqueTopic() }, 'nobody', null, { timeoutMs: 30_000 })
      const rejected = assert.rejects(pending, {
        code: 'NUBIS_SERVICE_UNAVAILABLE',
        retryable: true,
      })
      await delay(50)
      const started = Date.now()
      await bus.close()
      await rejected
      assert.ok(Date.now() - started < 5_000)
      await assert.rejects(bus.call({ topic: 'x' }, 'm', null), /closed/)
      await assert.rejects(bus.cast({ topic: 'x' }, 'm', null), /closed/)
      await bus.close()
    })
  })
}

function uniqueTopic(): string {
  return `contract_${randomUUID().slice(0, 8)}`
}

function idOf(args: JsonValue): string {
  return (args as { id: string }).id
}

/** `[T, T, …]` with N elements, so that destructured buses are not `Bus | undefined`. */
type Tuple<N extends number, T, R extends T[] = []> = R['length'] extends N
  ? R
  : Tuple<N, T, [T, ...R]>

/** Polls until `predicate` holds; fails the test after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await delay(10)
  }
}
