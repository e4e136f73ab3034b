import { Type } from '@sinclair/typebox'

/**
 * Router request bodies (neutron_lib l3, l3_ext_gw_mode and extraroute
 * attribute maps). Unknown attributes are a 400, as Neutron answers.
 */
const name = Type.String({ maxLength: 255 })
const uuid = Type.String({ maxLength: 36 })

const fixedIp = Type.Object(
  { subnet_id: Type.Optional(uuid), ip_address: Type.Optional(Type.String({ maxLength: 64 })) },
  { additionalProperties: false },
)

/** `{}` and null mean "no gateway" (Neutron's dict_or_nodata). */
export const gatewayInfoSchema = Type.Union([
  Type.Null(),
  Type.Object(
    {
      network_id: Type.Optional(uuid),
      enable_snat: Type.Optional(Type.Boolean()),
      external_fixed_ips: Type.Optional(Type.Array(fixedIp)),
    },
    { additionalProperties: false },
  ),
])

export const routerCreateSchema = Type.Object(
  {
    router: Type.Object(
      {
        name: Type.Optional(name),
        description: Type.Optional(name),
        admin_state_up: Type.Optional(Type.Boolean()),
        external_gateway_info: Type.Optional(gatewayInfoSchema),
        project_id: Type.Optional(Type.String({ maxLength: 255 })),
        tenant_id: Type.Optional(Type.String({ maxLength: 255 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)

const route = Type.Object(
  { destination: Type.String({ maxLength: 64 }), nexthop: Type.String({ maxLength: 64 }) },
  { additionalProperties: false },
)

export const routerUpdateSchema = Type.Object(
  {
    router: Type.Object(
      {
        name: Type.Optional(name),
        description: Type.Optional(name),
        admin_state_up: Type.Optional(Type.Boolean()),
        external_gateway_info: Type.Optional(gatewayInfoSchema),
        routes: Type.Optional(Type.Union([Type.Null(), Type.Array(route)])),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)

/** add/remove_router_interface: ids are checked by the service for Neutron's messages. */
export const interfaceSchema = Type.Object({
  subnet_id: Type.Optional(Type.Unknown()),
  port_id: Type.Optional(Type.Unknown()),
})
