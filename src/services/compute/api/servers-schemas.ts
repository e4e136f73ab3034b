import { Type } from '@sinclair/typebox'

/**
 * Server request bodies: the union of every field Nova's create/update
 * schemas accept up to 2.79 (nova/api/openstack/compute/schemas/servers.py).
 * Fields that only exist from (or until) a microversion are checked in
 * servers-create-input.ts, which also checks the formats Ajv does not.
 */
const name = Type.String({ minLength: 1, maxLength: 255 })
const str255 = Type.String({ maxLength: 255 })
export const boolishSchema = Type.Union([
  Type.Boolean(),
  Type.String({
    enum: ['True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes'].concat([
      'False',
      'FALSE',
      'false',
      '0',
      'OFF',
      'Off',
      'off',
      'NO',
      'No',
      'no',
    ]),
  }),
])
const positiveInt = Type.Union([
  Type.Integer({ minimum: 1 }),
  Type.String({ pattern: '^[0-9]+$', minLength: 1 }),
])
const tag = Type.String({ minLength: 1, maxLength: 60, pattern: '^[^,/]*$' })

export const metadataSchema = Type.Record(
  Type.String({ pattern: '^[a-zA-Z0-9-_:. ]{1,255}$' }),
  Type.String({ maxLength: 255 }),
  { additionalProperties: false },
)

/** Nova's parameter_types.fqdn. */
const fqdn = Type.String({ minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9-._]*$' })

const network = Type.Object(
  {
    fixed_ip: Type.Optional(Type.String()),
    port: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    uuid: Type.Optional(Type.String()),
    tag: Type.Optional(tag),
  },
  { additionalProperties: false },
)

/** The legacy (v1) block device mapping entry. */
const legacyBdm = Type.Object(
  {
    virtual_name: Type.Optional(str255),
    volume_id: Type.Optional(Type.String()),
    snapshot_id: Type.Optional(Type.String()),
    volume_size: Type.Optional(
      Type.Union([
        Type.Integer({ minimum: 1, maximum: 0x7fffffff }),
        Type.String({ pattern: '^[0-9]+$' }),
      ]),
    ),
    device_name: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9._/-]*$' }),
    ),
    delete_on_termination: Type.Optional(boolishSchema),
    no_device: Type.Optional(Type.Unknown()),
    connection_info: Type.Optional(Type.String({ maxLength: 16777215 })),
  },
  { additionalProperties: false },
)

const bdmV2 = Type.Object(
  {
    virtual_name: Type.Optional(str255),
    volume_id: Type.Optional(Type.String()),
    snapshot_id: Type.Optional(Type.String()),
    volume_size: Type.Optional(
      Type.Union([
        Type.Integer({ minimum: 1, maximum: 0x7fffffff }),
        Type.String({ pattern: '^[0-9]+$' }),
      ]),
    ),
    device_name: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9._/-]*$' }),
    ),
    delete_on_termination: Type.Optional(boolishSchema),
    no_device: Type.Optional(Type.Unknown()),
    connection_info: Type.Optional(Type.String({ maxLength: 16777215 })),
    source_type: Type.Optional(Type.String({ enum: ['volume', 'image', 'snapshot', 'blank'] })),
    uuid: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9._-]*$' }),
    ),
    image_id: Type.Optional(Type.String()),
    destination_type: Type.Optional(Type.String({ enum: ['local', 'volume'] })),
    guest_format: Type.Optional(str255),
    device_type: Type.Optional(str255),
    disk_bus: Type.Optional(str255),
    boot_index: Type.Optional(
      Type.Union([Type.Integer(), Type.String({ pattern: '^-?[0-9]+$' }), Type.Null()]),
    ),
    tag: Type.Optional(tag),
    volume_type: Type.Optional(
      Type.Union([Type.String({ minLength: 0, maxLength: 255 }), Type.Null()]),
    ),
  },
  { additionalProperties: false },
)

const hints = Type.Object(
  {
    group: Type.Optional(Type.String()),
    different_host: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
    same_host: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
    query: Type.Optional(Type.Union([Type.String(), Type.Object({})])),
    target_cell: Type.Optional(name),
    different_cell: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
    build_near_host_ip: Type.Optional(Type.String()),
    cidr: Type.Optional(Type.String({ pattern: '^/[0-9a-f.:]+$' })),
  },
  { additionalProperties: true },
)

export const serverCreateSchema = Type.Object(
  {
    server: Type.Object(
      {
        name,
        imageRef: Type.Optional(Type.String()),
        flavorRef: Type.Union([Type.String({ minLength: 1 }), Type.Integer()]),
        adminPass: Type.Optional(Type.String()),
        metadata: Type.Optional(metadataSchema),
        networks: Type.Optional(Type.Union([Type.Array(network), Type.String()])),
        'OS-DCF:diskConfig': Type.Optional(Type.String({ enum: ['AUTO', 'MANUAL'] })),
        accessIPv4: Type.Optional(Type.String()),
        accessIPv6: Type.Optional(Type.String()),
        personality: Type.Optional(
          Type.Array(
            Type.Object(
              { path: Type.Optional(Type.String()), contents: Type.Optional(Type.String()) },
              { additionalProperties: false },
            ),
          ),
        ),
        availability_zone: Type.Optional(name),
        block_device_mapping: Type.Optional(Type.Array(legacyBdm)),
        block_device_mapping_v2: Type.Optional(Type.Array(bdmV2)),
        config_drive: Type.Optional(boolishSchema),
        key_name: Type.Optional(name),
        min_count: Type.Optional(positiveInt),
        max_count: Type.Optional(positiveInt),
        return_reservation_id: Type.Optional(boolishSchema),
        security_groups: Type.Optional(
          Type.Array(Type.Object({ name: Type.Optional(name) }, { additionalProperties: false })),
        ),
        user_data: Type.Optional(Type.Union([Type.String({ maxLength: 65535 }), Type.Null()])),
        description: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
        tags: Type.Optional(Type.Array(tag, { maxItems: 50 })),
        trusted_image_certificates: Type.Optional(Type.Unknown()),
        host: Type.Optional(fqdn),
        hypervisor_hostname: Type.Optional(fqdn),
      },
      { additionalProperties: false },
    ),
    'os:scheduler_hints': Type.Optional(hints),
    'OS-SCH-HNT:scheduler_hints': Type.Optional(hints),
  },
  { additionalProperties: false },
)

export const serverUpdateSchema = Type.Object(
  {
    server: Type.Object(
      {
        name: Type.Optional(name),
        'OS-DCF:diskConfig': Type.Optional(Type.String({ enum: ['AUTO', 'MANUAL'] })),
        accessIPv4: Type.Optional(Type.String()),
        accessIPv6: Type.Optional(Type.String()),
        description: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
