import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InstanceEvents } from './instance-events.js'

describe('InstanceEvents (network-vif-plugged waits)', () => {
  it('resolves once every awaited event arrived, ignoring other instances and tags', async () => {
    const ev = new InstanceEvents()
    const wait = ev.prepare('i1', [
      { name: 'network-vif-plugged', tag: 'p1' },
      { name: 'network-vif-plugged', tag: 'p2' },
    ])
    assert.equal(
      ev.deliver('i2', { name: 'network-vif-plugged', tag: 'p1', status: 'completed' }),
      false,
    )
    assert.equal(
      ev.deliver('i1', { name: 'network-vif-plugged', tag: 'p1', status: 'completed' }),
      true,
    )
    assert.equal(
      ev.deliver('i1', { name: 'network-vif-plugged', tag: 'p2', status: 'completed' }),
      true,
    )
    const started = Date.now()
    assert.deepEqual(await wait(5000), { missing: [], failed: [] })
    assert.ok(Date.now() - started < 1000)
  })

  it('reports missing events after the timeout and failed ones', async () => {
    const ev = new InstanceEvents()
    const wait = ev.prepare('i1', [
      { name: 'network-vif-plugged', tag: 'p1' },
      { name: 'network-vif-plugged', tag: 'p2' },
    ])
    ev.deliver('i1', { name: 'network-vif-plugged', tag: 'p1', status: 'failed' })
    assert.deepEqual(await wait(20), {
      missing: ['network-vif-plugged-p2'],
      failed: ['network-vif-plugged-p1'],
    })
    // After the wait nothing is registered any more.
    assert.equal(
      ev.deliver('i1', { name: 'network-vif-plugged', tag: 'p2', status: 'completed' }),
      false,
    )
  })
})
