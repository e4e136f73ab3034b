import { BadRequestError, ForbiddenError } from '../../common/errors.js'
import type { ComputeContext } from './compute-context.js'
import type { QuotaLimits } from './quotas.js'
import type { BdmRequest, CreateServerRequest } from './servers-create-types.js'

/** Block-device and injected-file rules of server create (nova/compute/api.py). */

/** The boot device: boot_index 0 of the BDMs, and whether the root disk is a volume. */
export function bootDevice(req: CreateServerRequest): { root?: BdmRequest; volumeBacked: boolean } {
  const root = req.bdms.find((b) => b.bootIndex === 0)
  if (req.imageRef === '' && !root)
    throw new BadRequestError(
      'Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.',
      { type: 'InvalidBDMBootSequence' },
    )
  return { ...(root ? { root } : {}), volumeBacked: root?.destinationType === 'volume' }
}

export function checkLocalDevices(ctx: ComputeContext, req: CreateServerRequest): void {
  const max = ctx.config.compute.max_local_block_devices
  const locals =
    req.bdms.filter((b) => b.destinationType === 'local').length +
    (req.imageRef !== '' && !req.bdms.some((b) => b.bootIndex === 0) ? 1 : 0)
  if (max >= 0 && locals > max)
    throw new BadRequestError(
      'Block Device Mapping is Invalid: You specified more local devices than the limit allows',
      { type: 'InvalidBDMLocalsLimit' },
    )
}

/** Nova's _check_injected_file_quota (the files themselves are not injected here). */
export function checkPersonality(req: CreateServerRequest, limits: QuotaLimits): void {
  const files = req.personality
  if (files.length === 0) return
  if (limits.injected_files >= 0 && files.length > limits.injected_files)
    throw new ForbiddenError('Personality file limit exceeded')
  for (const f of files) {
    if (
      limits.injected_file_path_bytes >= 0 &&
      Buffer.byteLength(f.path) > limits.injected_file_path_bytes
    )
      throw new ForbiddenError(
        `Personality file path exceeds maximum ${limits.injected_file_path_bytes}`,
      )
    const size = Buffer.from(f.contents, 'base64').length
    if (limits.injected_file_content_bytes >= 0 && size > limits.injected_file_content_bytes)
      throw new ForbiddenError(
        `Personality file content exceeds maximum ${limits.injected_file_content_bytes}`,
      )
  }
}
