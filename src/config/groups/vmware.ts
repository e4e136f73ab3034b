import { defineGroup, opt } from '../option.js'

/** Nova's [vmware] options as the seeds spell them (nova/conf/vmware.py). */
export const vmwareGroup = defineGroup('vmware', 'VMware vCenter driver.', {
  host_ip: opt.string('vCenter address (name or IP).', ''),
  host_port: opt.int('vCenter HTTPS port.', 443, { min: 1, max: 65535 }),
  host_username: opt.string('vCenter user name.', ''),
  host_password: opt.string('vCenter password.', '', { secret: true }),
  cluster_name: opt.list(
    'vCenter clusters this compute worker manages, comma separated: one compute node per cluster.',
    [],
  ),
  datastore_regex: opt.string(
    'Regular expression selecting the datastores instances may use (empty: all).',
    '',
  ),
  insecure: opt.bool(
    'Do not verify vCenter\u2019s certificate (ignored when ca_file is set).',
    false,
  ),
  ca_file: opt.string('PEM file with the CA bundle that verifies vCenter\u2019s certificate.', ''),
  task_poll_interval: opt.float(
    'Seconds one WaitForUpdatesEx waits for a running task before asking again.',
    0.5,
    { min: 0 },
  ),
  api_retry_count: opt.int('Retries of a vCenter call that failed transiently.', 10, { min: 0 }),
  use_linked_clone: opt.bool(
    'Root disks as linked clones of the cached image (else full copies).',
    true,
  ),
  cache_prefix: opt.string(
    'Prefix of the image cache folder name (the cache folder is <cache_prefix><image_cache_subdirectory_name>).',
    '',
  ),
  image_cache_subdirectory_name: opt.string(
    'Folder on each datastore holding cached images: <folder>/<image id>/.',
    'vmware_base',
  ),
  inventory_resync_interval: opt.int(
    'Seconds between full re-reads of the live inventory, healing updates vCenter dropped (0: never).',
    300,
    { min: 0 },
  ),
  maximum_objects: opt.int('Objects per page of a property-collector query.', 100, { min: 1 }),
  integration_bridge: opt.string(
    'Port group name for NICs when the port binding names none (OVS-style integration bridge).',
    '',
  ),
  wsdl_location: opt.string('Accepted for compatibility; Nubis needs no WSDL.', ''),
})

/** networking-vsphere's [ml2_vmware] (the vsphere_dvs mechanism driver). */
export const ml2VmwareGroup = defineGroup('ml2_vmware', 'vSphere DVS mechanism driver.', {
  dvs_name: opt.string('Distributed switch for networks whose physnet has no mapping.', ''),
  network_maps: opt.list('physnet:dvs_name pairs (e.g. physnet1:DVS0).', []),
  port_group_prefix: opt.string('Prefix of the port group names (the rest is the network id).', ''),
  security_group_reply_ports: opt.string(
    'min:max destination ports of replies to connections a guest opens (DVS filters are stateless).',
    '32768:65535',
  ),
})
