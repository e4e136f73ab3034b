import { isIP } from 'node:net'
import { Type } from '@sinclair/typebox'
import {
  changePassword,
  GoneError,
  injectNetworkInfo,
  resetState,
  restoreServer,
} from '../actions/admin-actions.js'
import { addFixedIp, removeFixedIp } from '../actions/fixed-ip-actions.js'
import { lockServer, unlockServer } from '../actions/lock-actions.js'
import { changeServerSecurityGroup } from '../actions/security-group-actions.js'
import { addFloatingIp, removeFloatingIp } from '../floating-ip-actions.js'
import { deleteServer } from '../servers-delete.js'
import { perVersion, type ServerActions } from './server-action-types.js'
import { invalidField } from './servers-formats.js'

/** Nova's 'ip-address' format: an IPv4 or IPv6 address. */
function checkAnyIp(field: string, v: string): void {
  if (isIP(v) === 0) throw invalidField(field, `${v}. '${v}' is not a 'ip-address'`)
}

const SG_NAME = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 255 }) },
  { additionalProperties: true },
)

/** lock/unlock, os-resetState, add/removeFixedIp, resetNetwork, injectNetworkInfo, changePassword, security groups, restore. */
export const adminActions: ServerActions = {
  lock: {
    // Before 2.73 Nova does not look at the body; from 2.73 it may carry a reason.
    schema: perVersion((mv) =>
      mv >= 73
        ? Type.Union([
            Type.Null(),
            Type.Object(
              { locked_reason: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) },
              { additionalProperties: false },
            ),
          ])
        : Type.Unknown(),
    ),
    async run({ ctx, caller, serverId, value, request }) {
      const reason =
        request.computeMicroversion >= 73
          ? ((value as { locked_reason?: string } | null)?.locked_reason ?? null)
          : null
      await lockServer(ctx, caller, serverId, reason)
    },
  },
  unlock: {
    async run({ ctx, caller, serverId }) {
      await unlockServer(ctx, caller, serverId)
    },
  },
  'os-resetState': {
    schema: Type.Object(
      { state: Type.Union([Type.Literal('active'), Type.Literal('error')]) },
      { additionalProperties: false },
    ),
    async run({ ctx, caller, serverId, value }) {
      await resetState(ctx, caller, serverId, (value as { state: 'active' | 'error' }).state)
    },
  },
  resetNetwork: {
    async run() {
      throw new GoneError('Gone')
    },
  },
  injectNetworkInfo: {
    async run({ ctx, caller, serverId }) {
      await injectNetworkInfo(ctx, caller, serverId)
    },
  },
  changePassword: {
    schema: Type.Object({ adminPass: Type.String() }, { additionalProperties: false }),
    async run({ ctx, caller, serverId, value }) {
      await changePassword(ctx, caller, serverId, (value as { adminPass: string }).adminPass)
    },
  },
  // Nova's FloatingIPActionController (deprecated, until 2.43) over Neutron.
  addFloatingIp: {
    maxVersion: 43,
    schema: Type.Object(
      { address: Type.String(), fixed_address: Type.Optional(Type.String()) },
      { additionalProperties: false },
    ),
    async run({ ctx, caller, serverId, value }) {
      const v = value as { address: string; fixed_address?: string }
      checkAnyIp('addFloatingIp/address', v.address)
      if (v.fixed_address !== undefined) checkAnyIp('addFloatingIp/fixed_address', v.fixed_address)
      await addFloatingIp(ctx, caller.auth, serverId, v.address, v.fixed_address)
    },
  },
  removeFloatingIp: {
    maxVersion: 43,
    schema: Type.Object({ address: Type.String() }, { additionalProperties: false }),
    async run({ ctx, caller, serverId, value }) {
      const v = value as { address: string }
      checkAnyIp('removeFloatingIp/address', v.address)
      await removeFloatingIp(ctx, caller.auth, serverId, v.address)
    },
  },
  addSecurityGroup: {
    schema: SG_NAME,
    async run({ ctx, caller, serverId, value }) {
      await changeServerSecurityGroup(ctx, caller, serverId, (value as { name: string }).name, true)
    },
  },
  removeSecurityGroup: {
    schema: SG_NAME,
    async run({ ctx, caller, serverId, value }) {
      await changeServerSecurityGroup(
        ctx,
        caller,
        serverId,
        (value as { name: string }).name,
        false,
      )
    },
  },
  forceDelete: {
    async run({ ctx, caller, serverId }) {
      // Deferred delete is off ([DEFAULT] reclaim_instance_interval 0): a force delete is a delete.
      await deleteServer(ctx, caller.auth, serverId, caller.requestId)
    },
  },
  addFixedIp: {
    maxVersion: 43,
    schema: Type.Object(
      { networkId: Type.Union([Type.String({ minLength: 1 }), Type.Integer()]) },
      { additionalProperties: false },
    ),
    async run({ ctx, caller, serverId, value }) {
      await addFixedIp(
        ctx,
        caller,
        serverId,
        String((value as { networkId: string | number }).networkId),
      )
    },
  },
  removeFixedIp: {
    maxVersion: 43,
    schema: Type.Object(
      { address: Type.String({ minLength: 1 }) },
      { additionalProperties: false },
    ),
    async run({ ctx, caller, serverId, value }) {
      await removeFixedIp(ctx, caller, serverId, (value as { address: string }).address)
    },
  },
  restore: {
    async run({ ctx, caller, serverId }) {
      await restoreServer(ctx, caller, serverId)
    },
  },
}
