import { BadRequestError } from '../../common/errors.js'
import { hostMatches } from './host-match.js'
import type { VolumeContext } from './volume-context.js'

const VOLUME_BINARY = 'cinder-volume'

/** The volume services a freeze/thaw addresses; Cinder's errors when there are none. */
async function servicesFor(ctx: VolumeContext, host: string) {
  const rows = (
    await ctx.db
      .selectFrom('volume_services')
      .selectAll()
      .where('binary', '=', VOLUME_BINARY)
      .execute()
  ).filter((s) => hostMatches(host, s.host))
  // Cinder raises ServiceNotFound with this text and the API re-raises it as
  // InvalidInput with the message unchanged: a 400.
  if (rows.length === 0) throw new BadRequestError(`No service found with host=${host}`)
  if (rows.some((s) => s.host !== rows[0]!.host))
    throw new BadRequestError('Services from different clusters found.')
  return rows
}

/** Cinder's conditional update of `frozen`; a 400 when no service was in the expected state. */
async function flipFrozen(ctx: VolumeContext, host: string, to: 0 | 1): Promise<string> {
  const rows = await servicesFor(ctx, host)
  const r = await ctx.db
    .updateTable('volume_services')
    .set({ frozen: to })
    .where('binary', '=', VOLUME_BINARY)
    .where('host', '=', rows[0]!.host)
    .where('frozen', '=', to === 1 ? 0 : 1)
    .executeTakeFirst()
  if (Number(r.numUpdatedRows) === 0) {
    const expected = to === 1 ? 'False' : 'True'
    throw new BadRequestError(
      `Invalid input received: No service could be changed: frozen in ['${rows[0]!.host}'] must be ${expected} to failover.`,
    )
  }
  return rows[0]!.host
}

/**
 * PUT os-services/freeze. Every driver here answers freeze_backend like
 * Cinder's base driver (nothing to do), so the manager's part is only its
 * service row: disabled with reason "frozen", which keeps the scheduler away.
 */
export async function freezeHost(ctx: VolumeContext, host: string): Promise<void> {
  const backend = await flipFrozen(ctx, host, 1)
  await ctx.db
    .updateTable('volume_services')
    .set({ disabled: 1, disabled_reason: 'frozen' })
    .where('binary', '=', VOLUME_BINARY)
    .where('host', '=', backend)
    .execute()
}

/** PUT os-services/thaw: unfrozen and enabled again, with an empty reason as Cinder leaves it. */
export async function thawHost(ctx: VolumeContext, host: string): Promise<void> {
  const backend = await flipFrozen(ctx, host, 0)
  await ctx.db
    .updateTable('volume_services')
    .set({ disabled: 0, disabled_reason: '' })
    .where('binary', '=', VOLUME_BINARY)
    .where('host', '=', backend)
    .execute()
}

/**
 * Cinder's assert_not_frozen, for a volume or snapshot on `host`
 * (host@backend#pool): modifications on a frozen backend are a 400.
 */
export async function assertNotFrozen(ctx: VolumeContext, host: string | null): Promise<void> {
  if (!host) return
  const backend = host.split('#')[0]!
  const row = await ctx.db
    .selectFrom('volume_services')
    .select('host')
    .where('host', '=', backend)
    .where('frozen', '=', 1)
    .executeTakeFirst()
  if (row)
    throw new BadRequestError(
      'Invalid input received: Modification operations are not allowed on frozen storage backends.',
    )
}
