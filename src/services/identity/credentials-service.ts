import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError, NotFoundError } from '../../common/errors.js'
import { newHexId } from '../../common/ids.js'
import {
  deleteCredential,
  getCredential,
  insertCredential,
  listCredentials,
  updateCredential,
  type CredentialRow,
} from '../../db/repositories/identity/credentials.js'
import { parseJson } from '../../db/repositories/identity/rows.js'
import { isUniqueViolation } from '../../db/repositories/identity/unique-violation.js'
import type { CredentialBody, CredentialUpdateBody } from './api/credentials-schemas.js'
import { ec2Blob, ec2CredentialId } from './credential-rules.js'
import { extraOf, normalizeKeys } from './entity-attributes.js'
import type { IdentityContext } from './identity-context.js'
import { enforce, rules } from './policy.js'

const ATTRIBUTES = new Set(['id', 'user_id', 'project_id', 'type', 'blob', 'extra', 'links'])
/** Blob keys that scope an ec2 credential; an update may not change them. */
const SCOPE_KEYS = ['trust_id', 'app_cred_id', 'access_token_id', 'access_id']

/**
 * /v3/credentials. Blobs are stored as the client sent them; an `ec2`
 * credential's id is the sha256 of its access key, as Keystone's.
 */
export class CredentialsService {
  readonly #ctx: IdentityContext

  constructor(ctx: IdentityContext) {
    this.#ctx = ctx
  }

  async get(id: string): Promise<CredentialRow> {
    const row = await getCredential(this.#ctx.db, id)
    if (!row) throw new NotFoundError(`Could not find credential: ${id}.`)
    return row
  }

  /** Admins see every credential; anyone else only their own. */
  async list(caller: AuthContext, f: { userId?: string; type?: string }): Promise<CredentialRow[]> {
    const rows = await listCredentials(this.#ctx.db, f)
    return rows.filter((r) => rules.adminOrOwner(caller, { userId: r.user_id }))
  }

  async create(body: CredentialBody): Promise<CredentialRow> {
    const input = normalizeKeys(body)
    if (input.type === 'ec2' && input.project_id === undefined)
      throw new BadRequestError('Expecting to find project_id in credential.')
    const id =
      input.type.toLowerCase() === 'ec2' ? ec2CredentialId(accessOf(input.blob)) : newHexId()
    try {
      await insertCredential(this.#ctx.db, {
        id,
        user_id: input.user_id,
        project_id: input.project_id ?? null,
        type: input.type,
        blob: input.blob,
        extra: JSON.stringify(extraOf(input, ATTRIBUTES)),
      })
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ConflictError(
          `Conflict occurred attempting to store credential - Duplicate entry found with ID ${id}.`,
        )
      throw err
    }
    this.#ctx.changed()
    return this.get(id)
  }

  /** PATCH: blob, project_id, type, user_id; a non-admin may not give the credential away. */
  async update(
    caller: AuthContext,
    current: CredentialRow,
    body: CredentialUpdateBody,
  ): Promise<CredentialRow> {
    if (body['id'] !== undefined && body['id'] !== null && body['id'] !== current.id)
      throw new BadRequestError('Cannot change ID')
    const type = body.type ?? current.type
    const blob = body.blob ?? current.blob
    const projectId = body.project_id === undefined ? current.project_id : body.project_id
    if (type.toLowerCase() === 'ec2') {
      const next = ec2Blob(blob)
      accessOf(blob)
      if (current.type.toLowerCase() === 'ec2') {
        const old = parseJson<Record<string, unknown>>(current.blob, {})
        for (const key of SCOPE_KEYS) {
          if ((old[key] ?? null) !== (next[key] ?? null))
            throw new BadRequestError(`${key} can not be updated for credential`)
        }
      }
      if (projectId === null)
        throw new BadRequestError('Expecting to find project_id in credential.')
    }
    const userId = body.user_id ?? current.user_id
    enforce(caller, 'identity:update_credential', rules.adminOrOwner, { userId })
    await updateCredential(this.#ctx.db, current.id, {
      user_id: userId,
      project_id: projectId,
      type,
      blob,
      extra: JSON.stringify(
        extraOf(body, ATTRIBUTES, parseJson<Record<string, unknown>>(current.extra, {})),
      ),
    })
    this.#ctx.changed()
    return this.get(current.id)
  }

  async delete(id: string): Promise<void> {
    await deleteCredential(this.#ctx.db, id)
    this.#ctx.changed()
  }
}

/** The access key of an ec2 blob; it must be a string to be hashed into the id. */
function accessOf(blob: string): string {
  const access = ec2Blob(blob)['access']
  if (typeof access !== 'string') throw new BadRequestError('Invalid blob in credential')
  return access
}
