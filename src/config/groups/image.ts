import { defineGroup, opt } from '../option.js'

/** Glance's API options ([DEFAULT] and [image_format] in glance-api.conf). */
export const imageGroup = defineGroup(
  'image',
  'Image service (Glance v2): formats, limits, quotas, import.',
  {
    disk_formats: opt.list('Disk formats an image may declare.', [
      'ami',
      'ari',
      'aki',
      'vhd',
      'vhdx',
      'vmdk',
      'raw',
      'qcow2',
      'vdi',
      'iso',
      'ploop',
    ]),
    container_formats: opt.list('Container formats an image may declare.', [
      'ami',
      'ari',
      'aki',
      'bare',
      'ovf',
      'ova',
      'docker',
      'compressed',
    ]),
    limit_param_default: opt.int('Images per page when the request gives no limit.', 25, {
      min: 1,
    }),
    api_limit_max: opt.int('Largest page a list request may ask for.', 1000, { min: 1 }),
    image_size_cap: opt.int(
      'Largest image (bytes) a single upload may store; larger uploads get 413.',
      1099511627776,
      {
        min: 1,
      },
    ),
    user_storage_quota: opt.string(
      'Bytes of image data each project may store across all stores, e.g. 500GB (0: unlimited). Units B, KB, MB, GB, TB.',
      '0',
    ),
    image_count_quota: opt.int('Images each project may own (-1: unlimited).', -1, { min: -1 }),
    image_member_quota: opt.int('Members per image (-1: unlimited).', 128, { min: -1 }),
    image_property_quota: opt.int('Additional properties per image (-1: unlimited).', 128, {
      min: -1,
    }),
    image_tag_quota: opt.int('Tags per image (-1: unlimited).', 128, { min: -1 }),
    image_location_quota: opt.int('Locations per image (-1: unlimited).', 10, { min: -1 }),
    hashing_algorithm: opt.string('os_hash_algo of uploaded data.', 'sha512', {
      choices: ['sha256', 'sha384', 'sha512'],
    }),
    show_multiple_locations: opt.bool(
      'Show and allow editing `locations` (Glance: show_multiple_locations).',
      false,
    ),
    show_image_direct_url: opt.bool('Show `direct_url`, the location of the image data.', false),
    enabled_import_methods: opt.list('Interoperable import methods offered.', [
      'glance-direct',
      'web-download',
      'copy-image',
      'glance-download',
    ]),
    image_cache_enabled: opt.bool(
      'Offer the cache API (/v2/cache, Image API 2.14+) and a local image cache.',
      true,
    ),
    cache_prefetcher_interval: opt.int(
      'Seconds a queued image waits before the prefetcher copies it into the cache (Glance: 300).',
      300,
      { min: 0 },
    ),
    image_cache_max_size: opt.int(
      'Bytes the local image cache may hold before pruning.',
      10737418240,
      { min: 0 },
    ),
    import_allowed_schemes: opt.list('URL schemes web-download may fetch.', ['http', 'https']),
    import_allowed_hosts: opt.list(
      'Hosts web-download may fetch from (empty: any not disallowed).',
      [],
    ),
    import_disallowed_hosts: opt.list('Hosts web-download must not fetch from.', []),
    import_allowed_ports: opt.list('Ports web-download may fetch from (empty: any).', [
      '80',
      '443',
    ]),
    glance_download_properties: opt.list(
      'Property name prefixes glance-download copies from the source image.',
      ['hw_', 'trait:', 'os_distro', 'os_secure_boot', 'os_type'],
    ),
    task_time_to_live: opt.int('Hours a finished import task stays visible.', 48, { min: 1 }),
  },
)

/** Where image data lives ([glance_store] plus Glance's [DEFAULT] enabled_backends). */
export const glanceStoreGroup = defineGroup(
  'glance_store',
  'Image stores: local file, vSphere datastore, HTTP.',
  {
    enabled_backends: opt.list(
      'Stores as id:type pairs (types: file, vsphere, http), e.g. local:file,ds1:vsphere.',
      ['file:file'],
    ),
    default_backend: opt.string(
      'Store uploads go to when the request names none (empty: the first writable one).',
      '',
    ),
    filesystem_store_datadir: opt.string(
      'Directory of the file stores, one subdirectory per store (empty: <data_dir>/images).',
      '',
    ),
    staging_dir: opt.string(
      'Where staged (glance-direct) data waits for import (empty: <data_dir>/image-staging).',
      '',
    ),
    vmware_server_host: opt.string(
      'vCenter host (name or address[:port]) of the vsphere stores.',
      '',
    ),
    vmware_server_username: opt.string('vCenter user.', ''),
    vmware_server_password: opt.string('vCenter password.', '', { secret: true }),
    vmware_api_insecure: opt.bool('Skip TLS certificate checks towards vCenter.', false),
    vmware_ca_file: opt.string("CA bundle to check vCenter's certificate with.", ''),
    vmware_datastores: opt.list(
      'datacenter:datastore[:weight] entries the vsphere stores write to.',
      [],
    ),
    vmware_store_image_dir: opt.string(
      'Directory on the datastore that holds the images.',
      '/openstack_glance',
    ),
    vmware_api_retry_count: opt.int('Retries of a failed vCenter call.', 10, { min: 0 }),
  },
)

/** Glance's image_conversion import plugin. */
export const imageConversionGroup = defineGroup(
  'image_conversion',
  'Disk format conversion during import.',
  {
    output_format: opt.string(
      'Format every imported image is converted to (empty: only on request).',
      '',
      {
        choices: ['', 'raw', 'qcow2', 'vmdk', 'vhd', 'vhdx', 'vdi'],
      },
    ),
  },
)
