import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError } from '../../../config/load.js'
import { fakeHostState, schedulerTestConfig, testSpec } from '../testing.js'
import { matchExtraSpec } from './extra-specs-ops.js'
import { buildFilters, filterFactories } from './index.js'
import type { HostFilter } from './filter.js'

const config = schedulerTestConfig()
const NOW = Date.parse('2026-01-01T00:00:00Z')
function filter(name: string): HostFilter {
  const f = filterFactories[name]
  assert.ok(f, name)
  return f(config, () => NOW)
}

describe('extra_specs_ops', () => {
  it('matches literals, numeric, string, <in>, <all-in> and <or> operators like Nova', () => {
    assert.equal(matchExtraSpec('x86_64', 'x86_64'), true)
    assert.equal(matchExtraSpec('x86_64', 'aarch64'), false)
    assert.equal(matchExtraSpec('8', '>= 4'), true)
    assert.equal(matchExtraSpec('2', '>= 4'), false)
    assert.equal(matchExtraSpec('8', '= 8'), true)
    assert.equal(matchExtraSpec('9', '= 8'), true) // '=' is numeric >=
    assert.equal(matchExtraSpec('8', '<= 4'), false)
    assert.equal(matchExtraSpec('8', '== 8.0'), true)
    assert.equal(matchExtraSpec('8', '!= 8'), false)
    assert.equal(matchExtraSpec('abc', 's== abc'), true)
    assert.equal(matchExtraSpec('abc', 's!= abc'), false)
    assert.equal(matchExtraSpec('abc', 's< abd'), true)
    assert.equal(matchExtraSpec('avx sse4', '<in> sse4'), true)
    assert.equal(matchExtraSpec('avx', '<in> sse4'), false)
    assert.equal(matchExtraSpec('avx sse4 aes', '<all-in> avx aes'), true)
    assert.equal(matchExtraSpec('avx sse4', '<all-in> avx aes'), false)
    assert.equal(matchExtraSpec('kvm', '<or> xen <or> kvm'), true)
    assert.equal(matchExtraSpec('qemu', '<or> xen <or> kvm'), false)
    assert.equal(matchExtraSpec(undefined, '>= 1'), false)
    assert.equal(matchExtraSpec('abc', '>= 1'), false)
  })
})

describe('filters', () => {
  it('unknown filter names are a config error at start', () => {
    const bad = schedulerTestConfig({
      filter_scheduler: { enabled_filters: 'RamFilter,NoSuchFilter' },
    })
    assert.throws(
      () => buildFilters(bad, Date.now),
      (e: unknown) => e instanceof ConfigError && /NoSuchFilter/.test(e.message),
    )
    assert.equal(
      buildFilters(config, Date.now).length,
      config.filterScheduler.enabled_filters.length,
    )
  })

  it('RetryFilter drops host/node pairs already tried', () => {
    const f = filter('RetryFilter')
    const spec = testSpec({ retry: { numAttempts: 2, hosts: [['h1', 'h1']] } })
    assert.equal(f.hostPasses(fakeHostState({ host: 'h1', nodename: 'h1' }), spec), false)
    assert.equal(f.hostPasses(fakeHostState({ host: 'h1', nodename: 'other' }), spec), true)
    assert.equal(f.hostPasses(fakeHostState({ host: 'h2', nodename: 'h2' }), spec), true)
    assert.equal(f.hostPasses(fakeHostState(), testSpec()), true)
  })

  it('AvailabilityZoneFilter uses aggregate AZs, else the default zone; "az:host" counts as az', () => {
    const f = filter('AvailabilityZoneFilter')
    const inZ1 = fakeHostState({ metadata: { availability_zone: 'z1' } })
    const plain = fakeHostState()
    assert.equal(f.hostPasses(inZ1, testSpec({ availabilityZone: 'z1' })), true)
    assert.equal(f.hostPasses(plain, testSpec({ availabilityZone: 'z1' })), false)
    assert.equal(f.hostPasses(plain, testSpec({ availabilityZone: 'nova' })), true)
    assert.equal(f.hostPasses(inZ1, testSpec({ availabilityZone: 'nova' })), false)
    assert.equal(f.hostPasses(inZ1, testSpec({ availabilityZone: 'z1:h1:h1' })), true)
    assert.equal(f.hostPasses(plain, testSpec({ availabilityZone: ':h1' })), true)
    assert.equal(f.hostPasses(inZ1, testSpec()), true)
  })

  it('RamFilter, DiskFilter and CoreFilter use ratio-adjusted free capacity from placement', () => {
    // MEMORY: (16384 - 512) * 1.5 = 23808; VCPU 8 * 16 = 128; DISK 500
    const host = fakeHostState({ used: { MEMORY_MB: 22000, VCPU: 127, DISK_GB: 490 } })
    const ram = filter('RamFilter')
    const core = filter('CoreFilter')
    const disk = filter('DiskFilter')
    assert.equal(ram.hostPasses(host, testSpec({ flavor: { memoryMb: 1808 } })), true)
    assert.equal(ram.hostPasses(host, testSpec({ flavor: { memoryMb: 1809 } })), false)
    assert.equal(core.hostPasses(host, testSpec({ flavor: { vcpus: 1 } })), true)
    assert.equal(core.hostPasses(host, testSpec({ flavor: { vcpus: 2 } })), false)
    assert.equal(disk.hostPasses(host, testSpec({ flavor: { rootGb: 10 } })), true)
    assert.equal(disk.hostPasses(host, testSpec({ flavor: { rootGb: 11 } })), false)
    // boot from volume (no image): the root disk does not count
    assert.equal(
      disk.hostPasses(host, testSpec({ image: undefined, flavor: { rootGb: 11 } })),
      true,
    )
    assert.match(ram.explain?.([host], testSpec({ flavor: { memoryMb: 4096 } })) ?? '', /4096 MB/)
  })

  it('ComputeFilter wants an up, enabled, not forced-down service', () => {
    const f = filter('ComputeFilter')
    const svc = {
      disabled: false,
      disabledReason: null,
      forcedDown: false,
      lastSeenUpMs: NOW - 5000,
    }
    assert.equal(f.hostPasses(fakeHostState({ service: svc }), testSpec()), true)
    assert.equal(
      f.hostPasses(fakeHostState({ service: { ...svc, disabled: true } }), testSpec()),
      false,
    )
    assert.equal(
      f.hostPasses(fakeHostState({ service: { ...svc, forcedDown: true } }), testSpec()),
      false,
    )
    const stale = { ...svc, lastSeenUpMs: NOW - (config.compute.service_down_time + 1) * 1000 }
    assert.equal(f.hostPasses(fakeHostState({ service: stale }), testSpec()), false)
    assert.equal(f.hostPasses(fakeHostState({ service: undefined }), testSpec()), false)
  })

  it('ComputeCapabilitiesFilter matches unscoped and capabilities: specs, ignores other scopes', () => {
    const f = filter('ComputeCapabilitiesFilter')
    const host = fakeHostState({
      hypervisorType: 'VMware vCenter Server',
      hypervisorVersion: 7000000,
    })
    const pass = (extraSpecs: Record<string, string>): boolean =>
      f.hostPasses(host, testSpec({ flavor: { extraSpecs } }))
    assert.equal(pass({ 'capabilities:hypervisor_type': 'VMware vCenter Server' }), true)
    // as in Nova, an operator takes one word: 's== VMware vCenter Server' compares with 'VMware'
    assert.equal(pass({ 'capabilities:hypervisor_type': 's== VMware vCenter Server' }), false)
    assert.equal(pass({ 'capabilities:hypervisor_type': 'QEMU' }), false)
    assert.equal(pass({ 'capabilities:hypervisor_version': '>= 6000000' }), true)
    assert.equal(pass({ 'capabilities:hypervisor_version': '<= 6000000' }), false)
    assert.equal(pass({ 'capabilities:cpu_info:arch': 'x86_64' }), true)
    assert.equal(pass({ 'capabilities:cpu_info:arch': '<or> aarch64 <or> ppc64' }), false)
    assert.equal(pass({ 'capabilities:cpu_info:nothing': 'x' }), false)
    assert.equal(pass({ vcpus: '>= 8' }), true)
    assert.equal(pass({ vcpus: '>= 9' }), false)
    assert.equal(pass({ 'hw:cpu_policy': 'dedicated', unknown_attr: 'x' }), true)
  })

  it('ImagePropertiesFilter: architecture, hypervisor type (vmware/vsphere, qemu/kvm), vm mode, version', () => {
    const f = filter('ImagePropertiesFilter')
    const fake = fakeHostState()
    const qemu = fakeHostState({ supportedInstances: [['x86_64', 'qemu', 'hvm']] })
    const vc = fakeHostState({
      hypervisorType: 'VMware vCenter Server',
      hypervisorVersion: 7000003,
      supportedInstances: [
        ['x86_64', 'vmware', 'hvm'],
        ['i686', 'vmware', 'hvm'],
      ],
    })
    const img = (properties: Record<string, string>) => testSpec({ image: { id: 'i', properties } })
    assert.equal(f.hostPasses(fake, img({})), true)
    assert.equal(f.hostPasses(fake, img({ img_hv_type: 'vmware' })), false)
    assert.equal(f.hostPasses(qemu, img({ hypervisor_type: 'vmware' })), false)
    assert.equal(f.hostPasses(vc, img({ hypervisor_type: 'vmware' })), true)
    assert.equal(f.hostPasses(vc, img({ img_hv_type: 'vSphere' })), true)
    assert.equal(f.hostPasses(qemu, img({ img_hv_type: 'kvm' })), true)
    assert.equal(f.hostPasses(vc, img({ architecture: 'i386' })), true)
    assert.equal(f.hostPasses(vc, img({ hw_architecture: 'aarch64' })), false)
    assert.equal(f.hostPasses(fake, img({ architecture: 'amd64', hw_vm_mode: 'hvm' })), true)
    assert.equal(f.hostPasses(fake, img({ vm_mode: 'xen' })), false)
    assert.equal(
      f.hostPasses(vc, img({ img_hv_type: 'vmware', img_hv_requested_version: '>=6.5' })),
      true,
    )
    assert.equal(
      f.hostPasses(vc, img({ img_hv_type: 'vmware', img_hv_requested_version: '>= 7.1, <8' })),
      false,
    )
    assert.equal(
      f.hostPasses(fakeHostState({ supportedInstances: [] }), img({ architecture: 'x86_64' })),
      false,
    )
  })

  it('ServerGroupAntiAffinityFilter honours max_server_per_host', () => {
    const f = filter('ServerGroupAntiAffinityFilter')
    const group = (max?: number) => ({
      uuid: 'g',
      policy: 'anti-affinity',
      rules: max === undefined ? {} : { max_server_per_host: max },
      hosts: ['h1'],
      memberCountByHost: { h1: 1 },
    })
    assert.equal(
      f.hostPasses(fakeHostState({ host: 'h1' }), testSpec({ instanceGroup: group() })),
      false,
    )
    assert.equal(
      f.hostPasses(fakeHostState({ host: 'h2' }), testSpec({ instanceGroup: group() })),
      true,
    )
    assert.equal(
      f.hostPasses(fakeHostState({ host: 'h1' }), testSpec({ instanceGroup: group(2) })),
      true,
    )
    assert.equal(
      f.hostPasses(
        fakeHostState({ host: 'h1' }),
        testSpec({ instanceGroup: { ...group(), policy: 'affinity' } }),
      ),
      true,
    )
  })

  it('ServerGroupAffinityFilter keeps only the group hosts once there are some', () => {
    const f = filter('ServerGroupAffinityFilter')
    const g = {
      uuid: 'g',
      policy: 'affinity',
      rules: {},
      hosts: ['h1'],
      memberCountByHost: { h1: 1 },
    }
    assert.equal(f.hostPasses(fakeHostState({ host: 'h1' }), testSpec({ instanceGroup: g })), true)
    assert.equal(f.hostPasses(fakeHostState({ host: 'h2' }), testSpec({ instanceGroup: g })), false)
    assert.equal(
      f.hostPasses(
        fakeHostState({ host: 'h2' }),
        testSpec({ instanceGroup: { ...g, hosts: [], memberCountByHost: {} } }),
      ),
      true,
    )
  })

  it('SameHostFilter and DifferentHostFilter use the hosts of the hinted instances', () => {
    const same = filter('SameHostFilter')
    const diff = filter('DifferentHostFilter')
    const hostsOfInstances = { 'inst-a': 'h1' }
    const s1 = testSpec({ schedulerHints: { sameHost: ['inst-a'] }, hostsOfInstances })
    const d1 = testSpec({ schedulerHints: { differentHost: ['inst-a'] }, hostsOfInstances })
    assert.equal(same.hostPasses(fakeHostState({ host: 'h1' }), s1), true)
    assert.equal(same.hostPasses(fakeHostState({ host: 'h2' }), s1), false)
    assert.equal(diff.hostPasses(fakeHostState({ host: 'h1' }), d1), false)
    assert.equal(diff.hostPasses(fakeHostState({ host: 'h2' }), d1), true)
    assert.equal(same.hostPasses(fakeHostState({ host: 'h2' }), testSpec()), true)
  })

  it('AggregateInstanceExtraSpecsFilter matches scoped and unscoped specs to aggregate metadata', () => {
    const f = filter('AggregateInstanceExtraSpecsFilter')
    const ssd = fakeHostState({ metadata: { ssd: 'true', gen: '3' } })
    const plain = fakeHostState()
    const spec = (extraSpecs: Record<string, string>) => testSpec({ flavor: { extraSpecs } })
    assert.equal(f.hostPasses(ssd, spec({ 'aggregate_instance_extra_specs:ssd': 'true' })), true)
    assert.equal(f.hostPasses(plain, spec({ 'aggregate_instance_extra_specs:ssd': 'true' })), false)
    assert.equal(f.hostPasses(ssd, spec({ 'aggregate_instance_extra_specs:gen': '>= 4' })), false)
    assert.equal(f.hostPasses(ssd, spec({ ssd: 'true' })), true)
    assert.equal(f.hostPasses(plain, spec({ 'hw:cpu_policy': 'dedicated' })), true)
    assert.equal(f.hostPasses(plain, spec({})), true)
  })

  it('ClusterHostFitFilter wants one up sub-host with room for the whole flavor', () => {
    const f = filter('ClusterHostFitFilter')
    const sub = (name: string, freeMb: number, state: 'up' | 'maintenance' = 'up') => ({
      name,
      state,
      vcpus: 16,
      vcpusUsed: 0,
      memoryMb: 16384,
      memoryMbUsed: 16384 - freeMb,
    })
    // seed 004: two hosts with 6 GB free each do not hold a 10 GB VM, though the cluster has 12 GB
    const cluster = fakeHostState({
      nodename: 'cluster1',
      subHosts: [sub('esx1', 6144), sub('esx2', 6144)],
    })
    const tenGb = testSpec({ flavor: { memoryMb: 10240 } })
    assert.equal(f.hostPasses(cluster, tenGb), false)
    assert.match(
      f.explain?.([cluster], tenGb) ?? '',
      /no single host in cluster cluster1 can hold 10240 MB/,
    )
    assert.equal(f.hostPasses(cluster, testSpec({ flavor: { memoryMb: 4096 } })), true)
    const maint = fakeHostState({
      subHosts: [sub('esx1', 6144), sub('esx2', 12288, 'maintenance')],
    })
    assert.equal(f.hostPasses(maint, tenGb), false)
    assert.equal(f.hostPasses(fakeHostState(), tenGb), true)
  })
})
