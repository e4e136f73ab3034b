import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { TypeManager, type TypeConfig } from './type-manager.js'

const base: TypeConfig = {
  globalPhysnetMtu: 1500,
  pathMtu: 0,
  physicalNetworkMtus: [],
  typeDrivers: ['local', 'flat', 'vlan', 'vxlan', 'gre'],
  tenantNetworkTypes: ['vxlan'],
  flatNetworks: ['*'],
  networkVlanRanges: ['physnet1:100:199', 'physnet2'],
  vniRanges: ['1:1000'],
  tunnelIdRanges: ['1:1000'],
}
const seg = (network_type: string, physical_network: string | null = null) => ({
  network_type,
  physical_network,
  segmentation_id: 1,
})

describe('ML2 type manager', () => {
  test('MTU: global_physnet_mtu minus encapsulation, path_mtu and physical_network_mtus lower it', async () => {
    const tm = await TypeManager.create(base)
    assert.equal(tm.networkMtu([seg('vxlan')]), 1450)
    assert.equal(tm.networkMtu([seg('gre')]), 1458)
    assert.equal(tm.networkMtu([seg('vlan', 'physnet1')]), 1500)
    assert.equal(tm.networkMtu([seg('vlan', 'physnet1'), seg('vxlan')]), 1450)
    const small = await TypeManager.create({
      ...base,
      pathMtu: 1400,
      physicalNetworkMtus: ['physnet1:1300'],
    })
    assert.equal(small.networkMtu([seg('vxlan')]), 1350)
    assert.equal(small.networkMtu([seg('vlan', 'physnet1')]), 1300)
    assert.equal(small.networkMtu([seg('vlan', 'physnet2')]), 1500)
  })

  test('bad configuration fails fast naming the option', async () => {
    await assert.rejects(
      TypeManager.create({ ...base, typeDrivers: ['vlan', 'geneve'] }),
      /unknown \[ml2\] type_drivers entry "geneve"; known: local, flat, vlan, vxlan, gre/,
    )
    await assert.rejects(
      TypeManager.create({ ...base, tenantNetworkTypes: ['geneve'] }),
      /tenant_network_types/,
    )
    await assert.rejects(
      TypeManager.create({ ...base, networkVlanRanges: ['physnet1:300:200'] }),
      /network_vlan_ranges/,
    )
    await assert.rejects(TypeManager.create({ ...base, vniRanges: ['x'] }), /vni_ranges/)
  })

  test('provider validation: Neutron messages as 400', async () => {
    const tm = await TypeManager.create(base)
    const msg = (s: Parameters<TypeManager['validateProviderSegment']>[0]): string => {
      try {
        tm.validateProviderSegment(s)
        return 'ok'
      } catch (e) {
        return (e as Error).message
      }
    }
    assert.equal(
      msg({ network_type: 'vlan', physical_network: 'x', segmentation_id: 5 }),
      "Invalid input for operation: physical_network 'x' unknown for VLAN provider network.",
    )
    assert.equal(
      msg({ network_type: 'vlan', physical_network: null, segmentation_id: 5 }),
      'Invalid input for operation: segmentation_id requires physical_network for VLAN provider network.',
    )
    assert.equal(
      msg({ network_type: 'geneve', physical_network: null, segmentation_id: null }),
      "Invalid input for operation: network_type value 'geneve' not supported.",
    )
    assert.equal(
      msg({ network_type: 'flat', physical_network: null, segmentation_id: null }),
      'Invalid input for operation: physical_network required for flat provider network.',
    )
    assert.equal(
      msg({ network_type: 'local', physical_network: null, segmentation_id: null }),
      'ok',
    )
  })
})
