import type { RouterRow } from '../../../db/repositories/network/routers.js'

/** Neutron's time format: ISO-8601 to the second, UTC, with a Z. */
export const neutronTime = (iso: string): string => `${iso.slice(0, 19)}Z`

/** The gateway port's addresses, as external_gateway_info.external_fixed_ips renders them. */
export interface GatewayIps {
  readonly networkId: string
  readonly ips: ReadonlyArray<{ subnet_id: string; ip_address: string }>
}

/** A router as Neutron renders it (router, ext-gw-mode, extraroute, standard attributes, tags). */
export function routerView(
  r: RouterRow,
  gateway: GatewayIps | undefined,
  tags: readonly string[],
): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    tenant_id: r.project_id,
    project_id: r.project_id,
    admin_state_up: r.admin_state_up === 1,
    status: r.status,
    external_gateway_info:
      r.gw_port_id && gateway
        ? {
            network_id: gateway.networkId,
            external_fixed_ips: gateway.ips.map((i) => ({
              subnet_id: i.subnet_id,
              ip_address: i.ip_address,
            })),
            enable_snat: r.enable_snat === 1,
          }
        : null,
    description: r.description,
    routes: JSON.parse(r.routes) as unknown[],
    tags: [...tags],
    created_at: neutronTime(r.created_at),
    updated_at: neutronTime(r.updated_at),
    revision_number: r.revision_number,
  }
}

/** The body of add/remove_router_interface. */
export function routerInterfaceView(
  routerId: string,
  projectId: string,
  portId: string,
  networkId: string,
  subnetIds: readonly string[],
  subnetId: string,
): Record<string, unknown> {
  return {
    id: routerId,
    tenant_id: projectId,
    project_id: projectId,
    port_id: portId,
    network_id: networkId,
    subnet_id: subnetId,
    subnet_ids: [...subnetIds],
  }
}
