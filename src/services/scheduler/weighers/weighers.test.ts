import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError } from '../../../config/load.js'
import type { HostState } from '../host-state.js'
import { fakeHostState, schedulerTestConfig, testSpec } from '../testing.js'
import { buildWeighers, normalize, weigherFactories, weighHosts } from './index.js'

const config = schedulerTestConfig()
function weigher(name: string, cfg = config) {
  const f = weigherFactories[name]
  assert.ok(f, name)
  return f(cfg)
}
/** Index of the best host by total weight. */
function best(name: string, hosts: HostState[], spec = testSpec(), cfg = config): number {
  const w = weighHosts([weigher(name, cfg)], hosts, spec)
  return w.indexOf(Math.max(...w))
}

describe('weighers', () => {
  it('normalize maps to 0..1 by min/max, all-equal to 0 (nova/weights.py)', () => {
    assert.deepEqual(normalize([10, 20, 30]), [0, 0.5, 1])
    assert.deepEqual(normalize([5, 5]), [0, 0])
    assert.deepEqual(normalize([]), [])
  })

  it('unknown weigher names are a config error', () => {
    assert.throws(
      () =>
        buildWeighers(
          schedulerTestConfig({ filter_scheduler: { weight_classes: 'RAMWeigher,Nope' } }),
        ),
      ConfigError,
    )
  })

  it('RAMWeigher prefers free RAM; a negative multiplier stacks instead', () => {
    const hosts = [
      fakeHostState({ used: { MEMORY_MB: 8000 } }),
      fakeHostState({ used: { MEMORY_MB: 1000 } }),
    ]
    assert.equal(best('RAMWeigher', hosts), 1)
    const stack = schedulerTestConfig({ filter_scheduler: { ram_weight_multiplier: '-1.0' } })
    assert.equal(best('RAMWeigher', hosts, testSpec(), stack), 0)
  })

  it('CPUWeigher and DiskWeigher prefer free vCPUs / disk', () => {
    assert.equal(
      best('CPUWeigher', [
        fakeHostState({ used: { VCPU: 10 } }),
        fakeHostState({ used: { VCPU: 2 } }),
      ]),
      1,
    )
    assert.equal(
      best('DiskWeigher', [
        fakeHostState({ used: { DISK_GB: 10 } }),
        fakeHostState({ used: { DISK_GB: 200 } }),
      ]),
      0,
    )
  })

  it('an aggregate *_weight_multiplier overrides the configured multiplier for its hosts', () => {
    const w = weigher('RAMWeigher')
    assert.equal(w.multiplier(fakeHostState()), 1)
    assert.equal(w.multiplier(fakeHostState({ metadata: { ram_weight_multiplier: '-2.5' } })), -2.5)
  })

  it('BuildFailureWeigher sinks hosts with recent failures', () => {
    const hosts = [fakeHostState({ failedBuilds: 3 }), fakeHostState({ failedBuilds: 0 })]
    assert.equal(best('BuildFailureWeigher', hosts), 1)
    const weights = weighHosts([weigher('BuildFailureWeigher')], hosts, testSpec())
    assert.equal(weights[0], -1_000_000)
  })

  it('soft affinity weighers count group members on the host', () => {
    const hosts = [fakeHostState({ host: 'a' }), fakeHostState({ host: 'b' })]
    const group = (policy: string) =>
      testSpec({
        instanceGroup: { uuid: 'g', policy, rules: {}, hosts: ['b'], memberCountByHost: { b: 2 } },
      })
    assert.equal(best('ServerGroupSoftAffinityWeigher', hosts, group('soft-affinity')), 1)
    assert.equal(best('ServerGroupSoftAntiAffinityWeigher', hosts, group('soft-anti-affinity')), 0)
    // other policies: no preference (all weights 0)
    assert.deepEqual(
      weighHosts([weigher('ServerGroupSoftAffinityWeigher')], hosts, group('anti-affinity')),
      [0, 0],
    )
  })

  it('weights are normalised per weigher before the multipliers, then summed', () => {
    // host 0: most free RAM, host 1: most free vCPUs; with cpu multiplier 3 the CPU side wins
    const hosts = [
      fakeHostState({ used: { MEMORY_MB: 0, VCPU: 100 } }),
      fakeHostState({ used: { MEMORY_MB: 20000, VCPU: 0 } }),
    ]
    const cfg = schedulerTestConfig({
      filter_scheduler: { weight_classes: 'RAMWeigher,CPUWeigher', cpu_weight_multiplier: '3.0' },
    })
    assert.deepEqual(weighHosts(buildWeighers(cfg), hosts, testSpec()), [1, 3])
  })
})
