import type { Selectable } from 'kysely'
import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, NotFoundError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import type { SubnetTable } from '../../db/network-schema.js'
import { findRouter, lockRouter, type RouterRow } from '../../db/repositories/network/routers.js'
import { findL3Port, type L3Port } from './router-ports.js'
import { canAttachToNetwork, findVisibleNetwork } from './visibility.js'

export type SubnetRow = Selectable<SubnetTable>

const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/

/** Neutron's validate_uuid message as a 400. */
export function checkUuid(value: unknown): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new BadRequestError(`'${String(value)}' is not a valid UUID`)
  }
  return value
}

export const routerNotFound = (id: string): NotFoundError =>
  new NotFoundError(`Router ${id} could not be found`, { type: 'RouterNotFound' })

/**
 * The router if the caller owns it (or is admin); otherwise 404 as Neutron.
 * Inside a transaction it also takes the router's row lock first.
 */
export async function getOwnRouter(db: Db, auth: AuthContext, id: string): Promise<RouterRow> {
  if (db.isTransaction) await lockRouter(db, id)
  const r = await findRouter(db, id)
  if (!r || (!isAdmin(auth) && r.project_id !== auth.project?.id)) throw routerNotFound(id)
  return r
}

/**
 * A subnet the caller can see, else 404 SubnetNotFound. Neutron shows
 * subnets to their project, admins, and projects the network is shared
 * with; an external (not shared) network's subnets stay hidden.
 */
export async function getVisibleSubnet(db: Db, auth: AuthContext, id: string): Promise<SubnetRow> {
  const s = await db.selectFrom('subnets').selectAll().where('id', '=', id).executeTakeFirst()
  if (s && (isAdmin(auth) || s.project_id === auth.project?.id)) return s
  const net = s && (await findVisibleNetwork(db, auth, s.network_id))
  if (!s || !net || !(await canAttachToNetwork(db, auth, net))) {
    throw new NotFoundError(`Subnet ${id} could not be found.`, { type: 'SubnetNotFound' })
  }
  return s
}

/** A port the caller can see (own port, port on an own network, or admin), else 404 PortNotFound. */
export async function getVisiblePort(db: Db, auth: AuthContext, id: string): Promise<L3Port> {
  const p = await findL3Port(db, id)
  if (p && (isAdmin(auth) || p.project_id === auth.project?.id)) return p
  if (p) {
    const n = await db
      .selectFrom('networks')
      .select('project_id')
      .where('id', '=', p.network_id)
      .executeTakeFirst()
    if (n && n.project_id === auth.project?.id) return p
  }
  throw new NotFoundError(`Port ${id} could not be found.`, { type: 'PortNotFound' })
}

/** Subnets by id (any project: the L3 code runs these checks elevated, as Neutron does). */
export async function subnetsById(db: Db, ids: readonly string[]): Promise<Map<string, SubnetRow>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('subnets')
    .selectAll()
    .where('id', 'in', [...new Set(ids)])
    .execute()
  return new Map(rows.map((s) => [s.id, s]))
}
