import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError, NotFoundError } from '../../common/errors.js'
import { newHexId } from '../../common/ids.js'
import { getDomain } from '../../db/repositories/identity/domains.js'
import {
  addUserToGroup,
  deleteGroupCascade,
  getGroup,
  getGroupByName,
  insertGroup,
  isUserInGroup,
  listGroups,
  removeUserFromGroup,
  updateGroup,
  type GroupRow,
} from '../../db/repositories/identity/groups.js'
import { parseJson } from '../../db/repositories/identity/rows.js'
import { isUniqueViolation } from '../../db/repositories/identity/unique-violation.js'
import { getUser } from '../../db/repositories/identity/users.js'
import { inexactFilters, matchesInexact, queryValue, type Query } from './api/list-query.js'
import type { GroupCreateBody, GroupUpdateBody } from './api/users-schemas.js'
import { groupView } from './api/users-views.js'
import { extraOf, normalizeKeys } from './entity-attributes.js'
import type { IdentityContext } from './identity-context.js'

const ATTRIBUTES = new Set(['id', 'name', 'domain_id', 'description', 'extra', 'links'])

/** Everything but the real attributes goes to `extra`; a null description too (the column is NOT NULL). */
function groupExtra(
  body: Record<string, unknown>,
  base: Record<string, unknown>,
): Record<string, unknown> {
  const extra = extraOf(body, ATTRIBUTES, base)
  if (body['description'] === null) extra['description'] = null
  else if (typeof body['description'] === 'string') delete extra['description']
  return extra
}

/** Groups and their memberships. */
export class GroupsService {
  readonly #ctx: IdentityContext

  constructor(ctx: IdentityContext) {
    this.#ctx = ctx
  }

  async get(id: string): Promise<GroupRow> {
    const g = await getGroup(this.#ctx.db, id)
    if (!g) throw new NotFoundError(`Could not find group: ${id}.`)
    return g
  }

  /** GET /v3/groups (filters domain_id, name) and GET /v3/users/{id}/groups (filter name). */
  async list(caller: AuthContext, q: Query, userId?: string): Promise<GroupRow[]> {
    const supported = userId === undefined ? ['domain_id', 'name'] : ['name']
    const domainId = supported.includes('domain_id') ? queryValue(q, 'domain_id') : undefined
    const name = queryValue(q, 'name')
    let rows = await listGroups(this.#ctx.db, {
      ...(domainId !== undefined ? { domainId } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(userId !== undefined ? { userId } : {}),
    })
    if (caller.domain) rows = rows.filter((r) => r.domain_id === caller.domain?.id)
    const inexact = inexactFilters(q, supported)
    return inexact.length === 0
      ? rows
      : rows.filter((r) => matchesInexact(groupView(r, ''), inexact))
  }

  async create(caller: AuthContext, body: GroupCreateBody): Promise<GroupRow> {
    const input = normalizeKeys(body)
    const domainId =
      input.domain_id || caller.domain?.id || this.#ctx.config.identity.default_domain_id
    if (!(await getDomain(this.#ctx.db, domainId)))
      throw new NotFoundError(`Could not find domain: ${domainId}.`)
    const name = input.name.trim()
    const id = newHexId()
    await this.#write(name, domainId, undefined, () =>
      insertGroup(this.#ctx.db, {
        id,
        domain_id: domainId,
        name,
        description: typeof input.description === 'string' ? input.description : '',
        extra: JSON.stringify(groupExtra(input, {})),
      }),
    )
    this.#ctx.changed()
    return this.get(id)
  }

  async update(id: string, body: GroupUpdateBody): Promise<GroupRow> {
    const group = await this.get(id)
    if (body['id'] !== undefined && body['id'] !== null && body['id'] !== id)
      throw new BadRequestError('Cannot change ID')
    if (body.domain_id !== undefined && body.domain_id !== group.domain_id)
      throw new BadRequestError('Cannot change Domain ID')
    const name = body.name !== undefined ? body.name.trim() : group.name
    const patch = {
      name,
      ...(typeof body.description === 'string' ? { description: body.description } : {}),
      ...(body.description === null ? { description: '' } : {}),
      extra: JSON.stringify(groupExtra(body, parseJson<Record<string, unknown>>(group.extra, {}))),
    }
    await this.#write(name, group.domain_id, id, () => updateGroup(this.#ctx.db, id, patch))
    this.#ctx.changed()
    return this.get(id)
  }

  async delete(id: string): Promise<void> {
    await this.get(id)
    const { memberIds, hadRoles } = await deleteGroupCascade(this.#ctx.db, id)
    // Members lose the group's roles: their tokens go, as in Keystone.
    if (hadRoles) for (const userId of memberIds) await this.#ctx.revocations.add({ userId })
    this.#ctx.changed()
  }

  async addUser(groupId: string, userId: string): Promise<void> {
    await this.#pair(groupId, userId)
    await addUserToGroup(this.#ctx.db, userId, groupId)
    this.#ctx.changed()
  }

  async checkUser(groupId: string, userId: string): Promise<void> {
    await this.#pair(groupId, userId)
    if (!(await isUserInGroup(this.#ctx.db, userId, groupId))) throw notInGroup(userId, groupId)
  }

  async removeUser(groupId: string, userId: string): Promise<void> {
    if (!(await removeUserFromGroup(this.#ctx.db, userId, groupId))) {
      await this.#pair(groupId, userId)
      throw notInGroup(userId, groupId)
    }
    await this.#ctx.revoke({ userId })
  }

  async #pair(groupId: string, userId: string): Promise<void> {
    await this.get(groupId)
    if (!(await getUser(this.#ctx.db, userId)))
      throw new NotFoundError(`Could not find user: ${userId}.`)
  }

  async #write(
    name: string,
    domainId: string,
    selfId: string | undefined,
    write: () => Promise<unknown>,
  ): Promise<void> {
    const conflict = () =>
      new ConflictError(
        `Conflict occurred attempting to store group - Duplicate entry found with name ${name} at domain ID ${domainId}.`,
      )
    const existing = await getGroupByName(this.#ctx.db, domainId, name)
    if (existing && existing.id !== selfId) throw conflict()
    try {
      await write()
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict()
      throw err
    }
  }
}

const notInGroup = (userId: string, groupId: string) =>
  new NotFoundError(`User '${userId}' not found in group '${groupId}'`)
