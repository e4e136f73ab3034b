import type { FloatingIpRow } from '../../../db/repositories/network/floatingips.js'
import { neutronTime } from './routers-views.js'

/** fip-port-details: the associated port in short. */
export interface PortDetails {
  readonly id: string
  readonly name: string
  readonly network_id: string
  readonly mac_address: string
  readonly admin_state_up: boolean
  readonly status: string
  readonly device_id: string
  readonly device_owner: string
}

/** A floating IP as Neutron renders it (router, fip-port-details, standard attributes, tags). */
export function floatingIpView(
  f: FloatingIpRow,
  tags: readonly string[],
  port: PortDetails | null,
): Record<string, unknown> {
  return {
    id: f.id,
    tenant_id: f.project_id,
    project_id: f.project_id,
    floating_ip_address: f.floating_ip_address,
    floating_network_id: f.floating_network_id,
    router_id: f.router_id,
    port_id: f.fixed_port_id,
    fixed_ip_address: f.fixed_ip_address,
    status: f.status,
    port_details: port && {
      name: port.name,
      network_id: port.network_id,
      mac_address: port.mac_address,
      admin_state_up: port.admin_state_up,
      status: port.status,
      device_id: port.device_id,
      device_owner: port.device_owner,
    },
    description: f.description,
    tags: [...tags],
    created_at: neutronTime(f.created_at),
    updated_at: neutronTime(f.updated_at),
    revision_number: f.revision_number,
  }
}
