import type { ServerDiagnostics } from '../../driver.js'
import type { Vim25Session } from '../vim25/session.js'
import { at, child, list, num, text, xsiType, type MoRef } from '../vim25/soap.js'

const STATE: Readonly<Record<string, ServerDiagnostics['state']>> = {
  poweredOn: 'running',
  poweredOff: 'shutdown',
  suspended: 'suspended',
}

const NICS = new Set([
  'VirtualVmxnet3',
  'VirtualVmxnet2',
  'VirtualE1000',
  'VirtualE1000e',
  'VirtualPCNet32',
])

/**
 * Nova's VMware diagnostics, from one property read: the VM's quick stats
 * (uptime, guest memory in use) and its devices. vCenter keeps per-device I/O
 * counters only in the performance manager, so those stay null, as Nova's
 * VMwareVCDriver leaves them.
 */
export async function vmDiagnostics(
  session: Vim25Session,
  vm: MoRef,
  configDrive: boolean,
): Promise<ServerDiagnostics> {
  const p = await session.properties(vm, [
    'runtime.powerState',
    'summary.quickStats',
    'config.hardware.numCPU',
    'config.hardware.memoryMB',
    'config.hardware.device',
    'summary.config.product.fullName',
  ])
  const stats = p.get('summary.quickStats')
  const devices = list(child(p.get('config.hardware.device'), 'VirtualDevice'))
  const nics = devices.filter((d) => NICS.has(xsiType(d) ?? ''))
  const disks = devices.filter((d) => xsiType(d) === 'VirtualDisk')
  const cpus = num(p.get('config.hardware.numCPU')) ?? 0
  const nullCounters = {
    rx_octets: null,
    rx_errors: null,
    rx_drop: null,
    rx_packets: null,
    rx_rate: null,
    tx_octets: null,
    tx_errors: null,
    tx_drop: null,
    tx_packets: null,
    tx_rate: null,
  }
  return {
    state: STATE[text(p.get('runtime.powerState')) ?? ''] ?? 'pending',
    driver: 'vmwareapi',
    hypervisor: 'VMware vCenter Server',
    hypervisor_os: null,
    uptime: num(at(stats, 'uptimeSeconds')) ?? null,
    config_drive: configDrive,
    num_cpus: cpus,
    num_nics: nics.length,
    num_disks: disks.length,
    memory_details: {
      maximum: num(p.get('config.hardware.memoryMB')) ?? null,
      used: num(at(stats, 'guestMemoryUsage')) ?? null,
    },
    cpu_details: Array.from({ length: cpus }, (_, id) => ({ id, time: null, utilisation: null })),
    nic_details: nics.map((n) => ({
      mac_address: text(child(n, 'macAddress'))?.toLowerCase() ?? null,
      ...nullCounters,
    })),
    disk_details: disks.map(() => ({
      read_bytes: null,
      read_requests: null,
      write_bytes: null,
      write_requests: null,
      errors_count: null,
    })),
  }
}
