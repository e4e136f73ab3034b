import type { HostFilterFactory } from './filter.js'
import {
  canonicalArch,
  canonicalHvType,
  canonicalVmMode,
  sameHvType,
  versionSatisfies,
  versionToString,
} from './hv-type.js'

/**
 * Keeps hosts whose supported_instances include the image's architecture,
 * hypervisor type and VM mode (hw_architecture/architecture,
 * img_hv_type/hypervisor_type, hw_vm_mode/vm_mode), and whose hypervisor
 * version satisfies img_hv_requested_version. So a `vmware` image never lands
 * on a fake or qemu node.
 */
export const imagePropertiesFilter: HostFilterFactory = () => ({
  name: 'ImagePropertiesFilter',
  hostPasses(host, spec) {
    const p = spec.image?.properties ?? {}
    const arch = canonicalArch(p['hw_architecture'] ?? p['architecture'])
    const hv = canonicalHvType(p['img_hv_type'] ?? p['hypervisor_type'])
    const mode = canonicalVmMode(p['hw_vm_mode'] ?? p['vm_mode'])
    if (!arch && !hv && !mode) return true
    const wantVersion = p['img_hv_requested_version']
    const versionOk =
      !wantVersion ||
      !host.hypervisorVersion ||
      versionSatisfies(versionToString(host.hypervisorVersion), wantVersion)
    if (!versionOk) return false
    return host.supportedInstances.some(([a, h, m]) => {
      if (arch && canonicalArch(a) !== arch) return false
      if (hv && !sameHvType(canonicalHvType(h) ?? '', hv)) return false
      if (mode && canonicalVmMode(m) !== mode) return false
      return true
    })
  },
  explain(_rejected, spec) {
    const p = spec.image?.properties ?? {}
    const want = [
      'hw_architecture',
      'architecture',
      'img_hv_type',
      'hypervisor_type',
      'hw_vm_mode',
      'vm_mode',
      'img_hv_requested_version',
    ]
      .filter((k) => p[k] !== undefined)
      .map((k) => `${k}=${p[k]}`)
      .join(', ')
    return `no host supports the image properties (${want})`
  },
})
