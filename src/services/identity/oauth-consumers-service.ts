/** OS-OAUTH1 consumers. Keystone shows the secret once, on create; we keep only its hash. */
import { BadRequestError, NotFoundError } from '../../common/errors.js'
import { newHexId } from '../../common/ids.js'
import * as repo from '../../db/repositories/identity/oauth-consumers.js'
import type { OauthConsumerRow } from '../../db/repositories/identity/oauth-consumers.js'
import { mergeExtra, normalizeKeys, requireMatchingId, type Ref } from './extras.js'
import type { IdentityContext } from './identity-context.js'

const COLUMNS = ['id', 'description', 'secret'] as const

export async function getConsumer(ctx: IdentityContext, id: string): Promise<OauthConsumerRow> {
  const c = await repo.getConsumer(ctx.db, id)
  if (!c) throw new NotFoundError('Consumer not found')
  return c
}

export function listConsumers(ctx: IdentityContext): Promise<OauthConsumerRow[]> {
  return repo.listConsumers(ctx.db)
}

/** Creates a consumer with a fresh secret; the secret is returned here and never again. */
export async function createConsumer(
  ctx: IdentityContext,
  body: Ref,
): Promise<{ row: OauthConsumerRow; secret: string }> {
  const ref = normalizeKeys(body)
  const secret = newHexId()
  const row: OauthConsumerRow = {
    id: newHexId(),
    description: (ref['description'] as string | null | undefined) ?? '',
    secret_hash: await ctx.hasher.hash(secret),
    extra: mergeExtra('{}', ref, COLUMNS),
  }
  await repo.insertConsumer(ctx.db, row)
  ctx.changed()
  return { row, secret }
}

export async function updateConsumer(
  ctx: IdentityContext,
  id: string,
  body: Ref,
): Promise<OauthConsumerRow> {
  if ('secret' in body)
    throw new BadRequestError(
      'Invalid input for field/attribute consumer: the secret cannot be changed.',
    )
  const ref = normalizeKeys(body)
  requireMatchingId(ref, id)
  const current = await getConsumer(ctx, id)
  const next: OauthConsumerRow = {
    ...current,
    description:
      'description' in ref ? ((ref['description'] as string | null) ?? '') : current.description,
    extra: mergeExtra(current.extra, ref, COLUMNS),
  }
  await repo.updateConsumer(ctx.db, id, { description: next.description, extra: next.extra })
  ctx.changed()
  return next
}

export async function deleteConsumer(ctx: IdentityContext, id: string): Promise<void> {
  await getConsumer(ctx, id)
  await repo.deleteConsumer(ctx.db, id)
  ctx.changed()
}
