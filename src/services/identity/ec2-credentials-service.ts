import { randomUUID } from 'node:crypto'
import { NotFoundError, UnauthorizedError } from '../../common/errors.js'
import {
  getCredential,
  insertCredential,
  listCredentials,
  type CredentialRow,
} from '../../db/repositories/identity/credentials.js'
import { getProject } from '../../db/repositories/identity/projects.js'
import { getUser } from '../../db/repositories/identity/users.js'
import { ec2CredentialId } from './credential-rules.js'
import type { IdentityContext } from './identity-context.js'

const hex = () => randomUUID().replaceAll('-', '')

/**
 * OS-EC2: /v3/users/{user_id}/credentials/OS-EC2[/{access}]. EC2 credentials
 * are ordinary `ec2` credentials whose id is sha256(access).
 */
export class Ec2CredentialsService {
  readonly #ctx: IdentityContext

  constructor(ctx: IdentityContext) {
    this.#ctx = ctx
  }

  async list(userId: string): Promise<CredentialRow[]> {
    await this.#user(userId)
    return listCredentials(this.#ctx.db, { userId, type: 'ec2' })
  }

  /** New access/secret pair for the user on `tenantId`. */
  async create(userId: string, tenantId: string | undefined): Promise<CredentialRow> {
    await this.#user(userId)
    if (tenantId === undefined || !(await getProject(this.#ctx.db, tenantId))) {
      throw new NotFoundError(`Could not find project: ${tenantId ?? 'None'}.`)
    }
    const blob = { access: hex(), secret: hex(), trust_id: null }
    const row: CredentialRow = {
      id: ec2CredentialId(blob.access),
      user_id: userId,
      project_id: tenantId,
      type: 'ec2',
      blob: JSON.stringify(blob),
      extra: '{}',
    }
    await insertCredential(this.#ctx.db, row)
    this.#ctx.changed()
    return row
  }

  /**
   * The credential behind an access key. 404 when it is unknown or belongs
   * to another user than the path names (Keystone does not check the latter;
   * we do, so a URL can't reach across users).
   */
  async find(userId: string, access: string): Promise<CredentialRow> {
    const id = ec2CredentialId(access)
    const row = await getCredential(this.#ctx.db, id)
    if (!row || row.user_id !== userId) throw new NotFoundError(`Could not find credential: ${id}.`)
    if (row.type !== 'ec2') throw new UnauthorizedError('EC2 access key not found.')
    await this.#user(userId)
    return row
  }

  async #user(userId: string): Promise<void> {
    if (!(await getUser(this.#ctx.db, userId)))
      throw new NotFoundError(`Could not find user: ${userId}.`)
  }
}
