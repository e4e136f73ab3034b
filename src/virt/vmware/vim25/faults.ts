/**
 * vim25 faults as typed errors. Every class extends Vim25Fault (which keeps
 * `faultName`), so callers either test `instanceof InvalidPowerState` or
 * compare `err.faultName` for the rarer faults that have no class here.
 */
/** A SOAP fault from vCenter; `faultName` is the vim25 fault type (NotAuthenticated, FileNotFound, …). */
export class Vim25Fault extends Error {
  constructor(
    readonly faultName: string,
    message: string,
    /** The fault's detail element, parsed (e.g. `obj` of ManagedObjectNotFound). */
    readonly detail?: unknown,
  ) {
    super(message)
    this.name = 'Vim25Fault'
  }
}

export class InvalidLogin extends Vim25Fault {}
export class NotAuthenticated extends Vim25Fault {}
export class ManagedObjectNotFound extends Vim25Fault {}
export class DuplicateName extends Vim25Fault {}
export class InvalidPowerState extends Vim25Fault {}
export class InvalidState extends Vim25Fault {}
export class TaskInProgress extends Vim25Fault {}
export class NotEnoughLicenses extends Vim25Fault {}
export class InsufficientResourcesFault extends Vim25Fault {}
export class FileNotFound extends Vim25Fault {}
export class FileAlreadyExists extends Vim25Fault {}
export class InvalidArgument extends Vim25Fault {}
export class MethodNotFound extends Vim25Fault {}
export class NotImplementedFault extends Vim25Fault {}
export class RequestCanceled extends Vim25Fault {}
/** Network failures, HTTP errors without a SOAP body, HostCommunication: worth a retry. */
export class TransientFault extends Vim25Fault {}

type FaultClass = new (faultName: string, message: string, detail?: unknown) => Vim25Fault

const CLASSES: Readonly<Record<string, FaultClass>> = {
  InvalidLogin,
  NotAuthenticated,
  ManagedObjectNotFound,
  DuplicateName,
  InvalidPowerState,
  InvalidState,
  // vCenter reports several subtypes of these; they share the class.
  InvalidDatastoreState: InvalidState,
  InvalidHostState: InvalidState,
  TaskInProgress,
  NotEnoughLicenses,
  InsufficientResourcesFault,
  InsufficientHostCapacityFault: InsufficientResourcesFault,
  InsufficientMemoryResourcesFault: InsufficientResourcesFault,
  InsufficientCpuResourcesFault: InsufficientResourcesFault,
  FileNotFound,
  FileAlreadyExists,
  InvalidArgument,
  MethodNotFound,
  NotImplemented: NotImplementedFault,
  RequestCanceled,
  HostCommunication: TransientFault,
  HostNotConnected: TransientFault,
  HttpError: TransientFault,
  NetworkError: TransientFault,
}

/** Faults a bounded retry may cure (oslo.vmware retries these too). */
export const TRANSIENT_FAULTS: ReadonlySet<string> = new Set([
  'HostCommunication',
  'HostNotConnected',
  'HttpError',
  'NetworkError',
  'TaskInProgress',
  'SystemError',
])

/** The typed error of a fault name (falls back to Vim25Fault for the rest). */
export function vimFault(faultName: string, message: string, detail?: unknown): Vim25Fault {
  const C = CLASSES[faultName]
  const err = C ? new C(faultName, message, detail) : new Vim25Fault(faultName, message, detail)
  err.name = C ? C.name : 'Vim25Fault'
  return err
}

export const isFault = (err: unknown, ...names: string[]): err is Vim25Fault =>
  err instanceof Vim25Fault && names.includes(err.faultName)
