import type { DriverInit, VolumeDriver } from './driver.js'

type Factory = (init: DriverInit) => Promise<VolumeDriver>

/**
 * Volume drivers by [backend] volume_driver. Cinder's class paths are
 * accepted as aliases so cinder.conf snippets work as written. Loaded lazily.
 */
const DRIVERS: Record<string, Factory> = {
  file: async (init) => new (await import('./file-driver.js')).FileDriver(init),
  vmdk: async (init) => new (await import('./vmdk-driver.js')).VmdkDriver(init),
}

const ALIASES: Record<string, string> = {
  'cinder.volume.drivers.vmware.vmdk.VMwareVcVmdkDriver': 'vmdk',
  vmware: 'vmdk',
}

/** Lets another module add its driver. */
export function registerVolumeDriver(name: string, factory: Factory): void {
  DRIVERS[name] = factory
}

export async function loadVolumeDriver(name: string, init: DriverInit): Promise<VolumeDriver> {
  const key = ALIASES[name] ?? name
  const f = DRIVERS[key]
  if (!f)
    throw new Error(
      `unknown volume_driver ${JSON.stringify(name)} for backend ${init.backendName}; known: ${Object.keys(DRIVERS).join(', ')}`,
    )
  return f(init)
}
