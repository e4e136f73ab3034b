import type { Db } from '../../db/database.js'
import { getDomain } from '../../db/repositories/identity/domains.js'
import { getGroup } from '../../db/repositories/identity/groups.js'
import { getProject } from '../../db/repositories/identity/projects.js'
import { getRole } from '../../db/repositories/identity/roles.js'
import { getUser } from '../../db/repositories/identity/users.js'
import type { AssignmentRef } from './role-assignments-expand.js'

/** A name with the id and name of the owning domain (users, groups, projects). */
export interface OwnedName {
  readonly name: string
  readonly domainId: string
  readonly domainName: string
}

/** What include_names adds to an assignment (Keystone `_get_names_from_role_assignments`). */
export interface AssignmentNames {
  user?: OwnedName
  group?: OwnedName
  project?: OwnedName
  domainName?: string
  role?: { readonly name: string; readonly domain?: { readonly id: string; readonly name: string } }
}

/**
 * Looks up every name once. Users and groups that vanished get empty names,
 * as in Keystone; other missing entities get empty names too rather than
 * failing the whole listing.
 */
export async function assignmentNames(
  db: Db,
  refs: readonly AssignmentRef[],
): Promise<AssignmentNames[]> {
  const memo = new Map<string, Promise<unknown>>()
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let p = memo.get(key) as Promise<T> | undefined
    if (!p) {
      p = load()
      memo.set(key, p)
    }
    return p
  }
  const domainName = (id: string) =>
    once(`d:${id}`, async () => (await getDomain(db, id))?.name ?? '')
  const owned = async (row: { name: string; domain_id: string } | undefined): Promise<OwnedName> =>
    row
      ? { name: row.name, domainId: row.domain_id, domainName: await domainName(row.domain_id) }
      : { name: '', domainId: '', domainName: '' }

  const out: AssignmentNames[] = []
  for (const r of refs) {
    const n: AssignmentNames = {}
    if (r.domainId) n.domainName = await domainName(r.domainId)
    if (r.userId)
      n.user = await once(`u:${r.userId}`, async () => owned(await getUser(db, r.userId as string)))
    if (r.groupId)
      n.group = await once(`g:${r.groupId}`, async () =>
        owned(await getGroup(db, r.groupId as string)),
      )
    if (r.projectId)
      n.project = await once(`p:${r.projectId}`, async () =>
        owned(await getProject(db, r.projectId as string)),
      )
    n.role = await once(`r:${r.roleId}`, async () => {
      const role = await getRole(db, r.roleId)
      if (!role) return { name: '' }
      if (role.domain_id === '') return { name: role.name }
      return {
        name: role.name,
        domain: { id: role.domain_id, name: await domainName(role.domain_id) },
      }
    })
    out.push(n)
  }
  return out
}
