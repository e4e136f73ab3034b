/**
 * The error tree every layer throws. An API handler never builds a fault body
 * itself: it throws a CloudError and the service's fault renderer maps
 * `status` to the wire shape (Keystone, Nova, Neutron, Glance, Cinder).
 *
 * Modelled on nova/exception.py: one class per HTTP status, subclasses carry a
 * stable `code` so callers (and the bus) can tell errors apart without
 * `instanceof`.
 */
export abstract class CloudError extends Error {
  abstract readonly status: number
  /** Stable machine-readable code, e.g. `NUBIS_NOT_FOUND`. */
  abstract readonly code: string
  /** True when repeating the same request later may succeed. */
  readonly retryable: boolean = false
  /** Neutron-style type name (`NetworkNotFound`); defaults to the class name. */
  readonly type: string

  constructor(message: string, options?: { cause?: unknown; type?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.type = options?.type ?? new.target.name
  }
}

export class BadRequestError extends CloudError {
  readonly status = 400
  readonly code: string = 'NUBIS_BAD_REQUEST'
}

/** 400 raised by schema validation; kept apart so logs can tell them apart. */
export class ValidationError extends BadRequestError {
  override readonly code: string = 'NUBIS_VALIDATION'
}

export class UnauthorizedError extends CloudError {
  readonly status = 401
  readonly code: string = 'NUBIS_UNAUTHORIZED'
}

export class ForbiddenError extends CloudError {
  readonly status = 403
  readonly code: string = 'NUBIS_FORBIDDEN'
}

export class NotFoundError extends CloudError {
  readonly status = 404
  readonly code: string = 'NUBIS_NOT_FOUND'
}

export class MethodNotAllowedError extends CloudError {
  readonly status = 405
  readonly code: string = 'NUBIS_METHOD_NOT_ALLOWED'
}

export class NotAcceptableError extends CloudError {
  readonly status = 406
  readonly code: string = 'NUBIS_NOT_ACCEPTABLE'
}

export class ConflictError extends CloudError {
  readonly status = 409
  readonly code: string = 'NUBIS_CONFLICT'
}

export class PayloadTooLargeError extends CloudError {
  readonly status = 413
  readonly code: string = 'NUBIS_PAYLOAD_TOO_LARGE'
}

export class UnsupportedMediaTypeError extends CloudError {
  readonly status = 415
  readonly code: string = 'NUBIS_UNSUPPORTED_MEDIA_TYPE'
}

export class UnprocessableError extends CloudError {
  readonly status = 422
  readonly code: string = 'NUBIS_UNPROCESSABLE'
}

export class NotImplementedError extends CloudError {
  readonly status = 501
  readonly code: string = 'NUBIS_NOT_IMPLEMENTED'
}

export class ServiceUnavailableError extends CloudError {
  readonly status = 503
  override readonly retryable = true
  readonly code: string = 'NUBIS_SERVICE_UNAVAILABLE'
}

/** A broken invariant inside Nubis: always a bug, rendered as a logged 500. */
export class BugError extends Error {
  constructor(message: string) {
    super(`bug: ${message}`)
    this.name = 'BugError'
  }
}

const byCode: Record<string, new (message: string, options?: { type?: string }) => CloudError> = {
  NUBIS_BAD_REQUEST: BadRequestError,
  NUBIS_VALIDATION: ValidationError,
  NUBIS_UNAUTHORIZED: UnauthorizedError,
  NUBIS_FORBIDDEN: ForbiddenError,
  NUBIS_NOT_FOUND: NotFoundError,
  NUBIS_METHOD_NOT_ALLOWED: MethodNotAllowedError,
  NUBIS_NOT_ACCEPTABLE: NotAcceptableError,
  NUBIS_CONFLICT: ConflictError,
  NUBIS_PAYLOAD_TOO_LARGE: PayloadTooLargeError,
  NUBIS_UNSUPPORTED_MEDIA_TYPE: UnsupportedMediaTypeError,
  NUBIS_UNPROCESSABLE: UnprocessableError,
  NUBIS_NOT_IMPLEMENTED: NotImplementedError,
  NUBIS_SERVICE_UNAVAILABLE: ServiceUnavailableError,
}

/** The plain-data form an error takes on the bus. */
export interface SerializedError {
  readonly $isError: true
  readonly name: string
  readonly code: string
  readonly type?: string
  readonly message: string
  readonly retryable: boolean
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof CloudError) {
    return {
      $isError: true,
      name: err.name,
      code: err.code,
      type: err.type,
      message: err.message,
      retryable: err.retryable,
    }
  }
  const e = err instanceof Error ? err : new Error(String(err))
  return {
    $isError: true,
    name: e.name,
    code: 'NUBIS_INTERNAL',
    message: e.message,
    retryable: false,
  }
}

/** Rebuilds an error that crossed the bus; unknown codes become plain Errors. */
export function deserializeError(data: SerializedError): Error {
  const Ctor = byCode[data.code]
  if (Ctor) {
    const err =
      data.type === undefined ? new Ctor(data.message) : new Ctor(data.message, { type: data.type })
    return err
  }
  const err = new Error(data.message)
  err.name = data.name
  return err
}

export function isSerializedError(value: unknown): value is SerializedError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { $isError?: unknown }).$isError === true
  )
}
