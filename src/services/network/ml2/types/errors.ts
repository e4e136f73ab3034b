import {
  BadRequestError,
  ConflictError,
  ServiceUnavailableError,
} from '../../../../common/errors.js'

/** neutron_lib InvalidInput: "Invalid input for operation: <msg>." */
export function invalidInput(msg: string): BadRequestError {
  return new BadRequestError(`Invalid input for operation: ${msg}.`, { type: 'InvalidInput' })
}

/** neutron_lib NoNetworkAvailable (503). */
export function noNetworkAvailable(): ServiceUnavailableError {
  return new ServiceUnavailableError(
    'Unable to create the network. No tenant network is available for allocation.',
    {
      type: 'NoNetworkAvailable',
    },
  )
}

export function vlanIdInUse(vlanId: number, physnet: string): ConflictError {
  return new ConflictError(
    `Unable to create the network. The VLAN ${vlanId} on physical network ${physnet} is in use.`,
    { type: 'VlanIdInUse' },
  )
}

export function tunnelIdInUse(id: number): ConflictError {
  return new ConflictError(`Unable to create the network. The tunnel ID ${id} is in use.`, {
    type: 'TunnelIdInUse',
  })
}

export function flatNetworkInUse(physnet: string): ConflictError {
  return new ConflictError(
    `Unable to create the flat network. Physical network ${physnet} is in use.`,
    {
      type: 'FlatNetworkInUse',
    },
  )
}
