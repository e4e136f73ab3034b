import { BadRequestError } from '../../common/errors.js'

/** Nova's CertificateValidationFailed for a server without an image to verify. */
export function certsNeedAnImage(rebuild = false): BadRequestError {
  return new BadRequestError(
    rebuild
      ? 'Image certificate validation is not supported for volume-backed servers.'
      : 'Image certificate validation is not supported when booting from volume',
  )
}
