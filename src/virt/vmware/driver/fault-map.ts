import {
  BadRequestError,
  CloudError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  NotImplementedError,
  ServiceUnavailableError,
} from '../../../common/errors.js'
import { Vim25Fault } from '../vim25/faults.js'

/**
 * A vim25 fault as the CloudError the API shows, with what was being done
 * in the message (vCenter's own messages are often empty).
 */
export function mapFault(err: unknown, what: string): unknown {
  if (err instanceof CloudError || !(err instanceof Vim25Fault)) return err
  const msg = `${what}: vCenter fault ${err.faultName}${err.message && !err.message.endsWith(err.faultName) ? ` (${err.message})` : ''}`
  switch (err.faultName) {
    case 'ManagedObjectNotFound':
    case 'FileNotFound':
    case 'NotFound':
      return new NotFoundError(msg, { cause: err })
    case 'InvalidPowerState':
    case 'InvalidState':
    case 'InvalidHostState':
    case 'InvalidDatastoreState':
    case 'TaskInProgress':
    case 'DuplicateName':
    case 'FileAlreadyExists':
    case 'InsufficientResourcesFault':
    case 'InsufficientHostCapacityFault':
    case 'InsufficientMemoryResourcesFault':
    case 'InsufficientCpuResourcesFault':
    case 'ConcurrentAccess':
      return new ConflictError(msg, { cause: err })
    case 'NotEnoughLicenses':
    case 'NoPermission':
    case 'InvalidLogin':
      return new ForbiddenError(msg, { cause: err })
    case 'InvalidArgument':
    case 'InvalidRequest':
      return new BadRequestError(msg, { cause: err })
    case 'MethodNotFound':
    case 'NotImplemented':
    case 'NotSupported':
      return new NotImplementedError(msg, { cause: err })
    case 'HostCommunication':
    case 'HostNotConnected':
    case 'NetworkError':
    case 'HttpError':
      return new ServiceUnavailableError(msg, { cause: err })
    default:
      return err
  }
}
