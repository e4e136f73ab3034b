import { NotFoundError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import { deletePortRow, updatePortRow } from '../../db/repositories/network/ports.js'
import { chainOf } from './ipam/ml2-hooks.js'
import type { NetworkContext } from './network-context.js'
import { createPortInTransaction, hookView, loadPort, type PortRecord } from './ports-service.js'
import { deleteResourceTags } from './tags-service.js'
import { networkNotFound } from './visibility.js'

/**
 * The L3 code's narrow view of the core plugin's ports: create a port with
 * fixed IPs inside the caller's transaction, read one, re-own one, delete
 * one. Everything goes through the ports service (IPAM, MAC, ML2 precommit
 * hooks); only this file knows that.
 */
export interface FixedIpRequest {
  readonly subnet_id?: string
  readonly ip_address?: string
}

export interface L3Port {
  readonly id: string
  readonly project_id: string
  readonly network_id: string
  readonly device_id: string
  readonly device_owner: string
  readonly fixed_ips: ReadonlyArray<{ subnet_id: string; ip_address: string }>
}

export interface L3PortRequest {
  readonly projectId: string
  readonly networkId: string
  readonly deviceId: string
  readonly deviceOwner: string
  /** Empty: Neutron's default allocation on the network. */
  readonly fixedIps: readonly FixedIpRequest[]
  readonly status?: string
}

const l3View = (p: PortRecord): L3Port => ({
  id: p.row.id,
  project_id: p.row.project_id,
  network_id: p.row.network_id,
  device_id: p.row.device_id,
  device_owner: p.row.device_owner,
  fixed_ips: p.fixedIps,
})

/** Creates a port (and its IP allocations) inside `db`, which should be the caller's transaction. */
export async function createL3Port(
  ctx: NetworkContext,
  db: Db,
  req: L3PortRequest,
): Promise<L3Port> {
  const network = await db
    .selectFrom('networks')
    .selectAll()
    .where('id', '=', req.networkId)
    .executeTakeFirst()
  if (!network) throw networkNotFound(req.networkId)
  const rec = await createPortInTransaction(ctx, db, {
    projectId: req.projectId,
    network,
    deviceId: req.deviceId,
    deviceOwner: req.deviceOwner,
    ...(req.fixedIps.length > 0 ? { fixedIps: req.fixedIps } : {}),
    ...(req.status !== undefined ? { status: req.status } : {}),
  })
  return l3View(rec)
}

/** A port with its fixed IPs, or undefined. */
export async function findL3Port(db: Db, id: string): Promise<L3Port | undefined> {
  const p = await loadPort(db, id)
  return p && l3View(p)
}

/** Sets device_id/device_owner (attaching a user port to a router). */
export async function setL3PortDevice(
  db: Db,
  id: string,
  deviceId: string,
  deviceOwner: string,
): Promise<void> {
  const p = await loadPort(db, id)
  if (!p) throw new NotFoundError(`Port ${id} could not be found.`, { type: 'PortNotFound' })
  await updatePortRow(db, id, {
    device_id: deviceId,
    device_owner: deviceOwner,
    updated_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    revision_number: p.row.revision_number + 1,
  })
}

/**
 * Deletes a port the L3 code owns, with its allocations, inside the
 * caller's transaction. NOTE: only the ML2 precommit hook runs; the L3
 * ports (gateway, floating, interface) have no binding to tear down.
 */
export async function deleteL3Port(ctx: NetworkContext, db: Db, id: string): Promise<void> {
  const p = await loadPort(db, id)
  if (!p) return
  await chainOf(ctx).deletePortPrecommit({ db, current: hookView(p) })
  await deleteResourceTags(db, 'port', id)
  await deletePortRow(db, id)
}
