import type { Config } from '../config/load.js'
import { fakeDriverGroup } from '../config/groups/compute.js'
import { vmwareGroup } from '../config/groups/vmware.js'
import type { ComputeDriver } from './driver.js'

/** Where a driver reads its options: the process configuration (each driver its own group). */
export type DriverConfigSource = Pick<Config, 'get'>

type LoadDriver = (config: DriverConfigSource) => Promise<ComputeDriver>

/** `vsphere` (Nova alias `vmwareapi.VMwareVCDriver`): one node per [vmware] cluster_name. */
const loadVsphere: LoadDriver = async (config) => {
  const { VsphereDriver } = await import('./vmware/driver/vsphere-driver.js')
  return VsphereDriver.create(config.get(vmwareGroup))
}

/**
 * Compute drivers by `[compute] compute_driver` name, loaded on first use so a
 * process only loads the driver it runs (nova's load_compute_driver).
 */
const drivers: Record<string, LoadDriver> = {
  fake: async (config) => {
    const { FakeDriver } = await import('./fake/fake-driver.js')
    return FakeDriver.create(config.get(fakeDriverGroup))
  },
  vsphere: loadVsphere,
  'vmwareapi.VMwareVCDriver': loadVsphere,
}

/** Builds (not yet inits) the named driver; fails fast with the known names. */
export async function loadComputeDriver(
  name: string,
  config: DriverConfigSource,
): Promise<ComputeDriver> {
  const load = drivers[name]
  if (load === undefined)
    throw new Error(
      `unknown [compute] compute_driver '${name}' (known: ${Object.keys(drivers).join(', ')})`,
    )
  return load(config)
}

/**
 * The compute service host that serves a node. One worker per node, so the
 * node's name is its host unless the driver says otherwise (`hostOf`).
 */
export function hostOfNode(driver: ComputeDriver, nodename: string): string {
  const withHosts = driver as ComputeDriver & { hostOf?: (nodename: string) => string }
  return withHosts.hostOf?.(nodename) ?? nodename
}
