import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError } from '../../common/errors.js'
import type { ComputeContext } from './compute-context.js'
import type { BdmRequest } from './servers-create-types.js'

/**
 * Nova's _validate_bdm for the sources a request names: volumes must exist
 * (in the caller's project) and be available, snapshots must exist. Images
 * are checked by the caller (checkImage).
 */
export async function checkBdmSources(
  ctx: ComputeContext,
  auth: AuthContext,
  bdms: readonly BdmRequest[],
  microversion: number,
): Promise<void> {
  const project = auth.project?.id
  for (const b of bdms) {
    if (b.volumeType !== undefined) {
      // Nova asks Cinder for the type list: an unknown (or invisible) type is a 400.
      const known = ctx.volume ? await ctx.volume.volumeTypeName(auth, b.volumeType) : undefined
      if (known === undefined)
        throw new BadRequestError(`Volume type ${b.volumeType} could not be found.`, {
          type: 'VolumeTypeNotFound',
        })
    }
    if (b.uuid === undefined) continue
    if (b.sourceType === 'volume') {
      const vol = await ctx.db
        .selectFrom('volumes')
        .select(['id', 'project_id', 'status', 'multiattach', 'bootable'])
        .where('id', '=', b.uuid)
        .executeTakeFirst()
      if (!vol || (!isAdmin(auth) && vol.project_id !== project))
        throw new BadRequestError(
          `Block Device Mapping is Invalid: failed to get volume ${b.uuid}.`,
          { type: 'InvalidBDMVolume' },
        )
      if (vol.multiattach === 1 && microversion < 60)
        throw new BadRequestError(
          'Multiattach volumes are only supported starting with compute API version 2.60.',
          { type: 'MultiattachNotSupportedOldMicroversion' },
        )
      if (b.bootIndex === 0 && vol.bootable !== 1)
        throw new BadRequestError(`Block Device ${b.uuid} is not bootable.`, {
          type: 'InvalidBDMVolumeNotBootable',
        })
      if (vol.status !== 'available')
        throw new BadRequestError(
          `Invalid volume: volume '${b.uuid}' status must be 'available'. Currently in '${vol.status}'`,
          { type: 'InvalidVolume' },
        )
    } else if (b.sourceType === 'snapshot') {
      const snap = await ctx.db
        .selectFrom('volume_snapshots')
        .select(['id', 'project_id'])
        .where('id', '=', b.uuid)
        .executeTakeFirst()
      if (!snap || (!isAdmin(auth) && snap.project_id !== project))
        throw new BadRequestError(
          `Block Device Mapping is Invalid: failed to get snapshot ${b.uuid}.`,
          { type: 'InvalidBDMSnapshot' },
        )
    }
  }
}
