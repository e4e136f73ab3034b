import type { AuthContext } from '../../common/auth-context.js'
import { isAdmin } from '../../common/auth-context.js'
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
} from '../../common/errors.js'
import {
  deleteKeypair as deleteRow,
  findKeypair,
  insertKeypair,
  listKeypairs as listRows,
  type KeyPairRow,
} from '../../db/repositories/compute/keypairs.js'
import type { ComputeContext } from './compute-context.js'
import { generateSshKeyPair, sshFingerprint, x509Fingerprint } from './keypairs-crypto.js'
import { generateX509KeyPair } from './keypairs-x509.js'
import { checkKeypairQuota } from './quotas.js'

/** Key pairs belong to users; admins may name another user (2.10+). */
export function keypairOwner(
  auth: AuthContext,
  userId: string | undefined,
  action: string,
): string {
  const owner = userId ?? auth.userId
  if (owner !== auth.userId && !isAdmin(auth))
    throw new ForbiddenError(
      `Policy doesn't allow os_compute_api:os-keypairs:${action} to be performed.`,
    )
  return owner
}

export interface KeypairCreateInput {
  readonly name: string
  readonly type?: 'ssh' | 'x509'
  readonly public_key?: string
  readonly user_id?: string
}

/** Creates (generating a key) or imports a key pair; returns the private key when generated. */
export async function createKeypair(
  ctx: ComputeContext,
  auth: AuthContext,
  input: KeypairCreateInput,
): Promise<{ row: KeyPairRow; privateKey?: string }> {
  const userId = keypairOwner(auth, input.user_id, 'create')
  const type = input.type ?? 'ssh'
  await checkKeypairQuota(ctx, auth.project?.id, userId)
  let publicKey: string
  let fingerprint: string
  let privateKey: string | undefined
  if (input.public_key !== undefined) {
    publicKey = input.public_key
    fingerprint = type === 'x509' ? x509Fingerprint(publicKey) : sshFingerprint(publicKey)
  } else {
    const g = type === 'x509' ? await generateX509KeyPair(userId) : await generateSshKeyPair()
    publicKey = g.publicKey
    fingerprint = g.fingerprint
    privateKey = g.privateKey
  }
  if (await findKeypair(ctx.db, userId, input.name))
    throw new ConflictError(`Key pair '${input.name}' already exists.`)
  try {
    const row = await insertKeypair(ctx.db, {
      name: input.name,
      user_id: userId,
      fingerprint,
      public_key: publicKey,
      type,
    })
    return privateKey === undefined ? { row } : { row, privateKey }
  } catch (err) {
    if (await findKeypair(ctx.db, userId, input.name))
      throw new ConflictError(`Key pair '${input.name}' already exists.`)
    throw err
  }
}

export async function showKeypair(
  ctx: ComputeContext,
  auth: AuthContext,
  name: string,
  userId: string | undefined,
): Promise<KeyPairRow> {
  const owner = keypairOwner(auth, userId, 'show')
  const row = await findKeypair(ctx.db, owner, name)
  if (!row) throw new NotFoundError(`Keypair ${name} not found for user ${owner}`)
  return row
}

export async function deleteKeypair(
  ctx: ComputeContext,
  auth: AuthContext,
  name: string,
  userId: string | undefined,
): Promise<void> {
  const owner = keypairOwner(auth, userId, 'delete')
  if (!(await deleteRow(ctx.db, owner, name)))
    throw new NotFoundError(`Keypair ${name} not found for user ${owner}`)
}

/** A user's key pairs by name; from 2.35 paged by name with limit/marker. */
export async function listKeypairs(
  ctx: ComputeContext,
  auth: AuthContext,
  userId: string | undefined,
  page?: { limit: number; marker?: string | undefined },
): Promise<KeyPairRow[]> {
  const owner = keypairOwner(auth, userId, 'index')
  const rows = await listRows(ctx.db, owner)
  if (!page) return rows
  let start = 0
  if (page.marker !== undefined) {
    const at = rows.findIndex((r) => r.name === page.marker)
    if (at < 0) throw new BadRequestError(`Marker ${page.marker} could not be found.`)
    start = at + 1
  }
  return rows.slice(start, start + page.limit)
}
