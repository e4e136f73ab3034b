import { Type } from '@sinclair/typebox'

/** Floating IP request bodies (neutron_lib l3 attribute map); unknown attributes are a 400. */
const uuidOrNull = Type.Union([Type.Null(), Type.String({ maxLength: 36 })])
const ipOrNull = Type.Union([Type.Null(), Type.String({ maxLength: 64 })])

export const floatingIpCreateSchema = Type.Object(
  {
    floatingip: Type.Object(
      {
        floating_network_id: Type.String({ maxLength: 36 }),
        floating_ip_address: Type.Optional(ipOrNull),
        subnet_id: Type.Optional(uuidOrNull),
        port_id: Type.Optional(uuidOrNull),
        fixed_ip_address: Type.Optional(ipOrNull),
        description: Type.Optional(Type.String({ maxLength: 255 })),
        project_id: Type.Optional(Type.String({ maxLength: 255 })),
        tenant_id: Type.Optional(Type.String({ maxLength: 255 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)

export const floatingIpUpdateSchema = Type.Object(
  {
    floatingip: Type.Object(
      {
        port_id: Type.Optional(uuidOrNull),
        fixed_ip_address: Type.Optional(ipOrNull),
        description: Type.Optional(Type.String({ maxLength: 255 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
