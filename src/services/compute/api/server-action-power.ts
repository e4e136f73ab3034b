import { Type } from '@sinclair/typebox'
import { BadRequestError } from '../../../common/errors.js'
import { recordAction } from '../actions/action-start.js'
import { checkHost, checkLock, checkState, loadInstance } from '../actions/instance-guard.js'
import { generatePassword } from '../actions/password.js'
import * as power from '../actions/power-actions.js'
import { runSimpleAction } from '../actions/simple-action.js'
import { VmState } from '../states.js'
import { UUID_PATTERN, type ServerActions } from './server-action-types.js'

const REBOOT = Type.Object(
  {
    type: Type.Union(['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft'].map((t) => Type.Literal(t))),
  },
  { additionalProperties: false },
)
const RESCUE = Type.Union([
  Type.Null(),
  Type.Object(
    {
      adminPass: Type.Optional(Type.String({ maxLength: 255 })),
      rescue_image_ref: Type.Optional(Type.String({ pattern: UUID_PATTERN })),
    },
    { additionalProperties: false },
  ),
])

/** reboot, os-stop, os-start, pause/unpause, suspend/resume, rescue/unrescue, trigger_crash_dump. */
export const powerActions: ServerActions = {
  reboot: {
    schema: REBOOT,
    async run({ ctx, caller, serverId, value }) {
      const type = (value as { type: string }).type.toUpperCase() as 'SOFT' | 'HARD'
      await runSimpleAction(
        ctx,
        caller,
        serverId,
        type === 'SOFT' ? power.softReboot : power.hardReboot,
        {
          type,
        },
      )
    },
  },
  'os-stop': {
    run: async (i) => void (await runSimpleAction(i.ctx, i.caller, i.serverId, power.stop, {})),
  },
  'os-start': {
    run: async (i) => void (await runSimpleAction(i.ctx, i.caller, i.serverId, power.start, {})),
  },
  pause: {
    run: async (i) => void (await runSimpleAction(i.ctx, i.caller, i.serverId, power.pause, {})),
  },
  unpause: {
    run: async (i) => void (await runSimpleAction(i.ctx, i.caller, i.serverId, power.unpause, {})),
  },
  suspend: {
    run: async (i) => void (await runSimpleAction(i.ctx, i.caller, i.serverId, power.suspend, {})),
  },
  resume: {
    run: async (i) => void (await runSimpleAction(i.ctx, i.caller, i.serverId, power.resume, {})),
  },
  unrescue: {
    run: async (i) => void (await runSimpleAction(i.ctx, i.caller, i.serverId, power.unrescue, {})),
  },
  rescue: {
    schema: RESCUE,
    status: 200,
    async run({ ctx, caller, serverId, value }) {
      const v = (value ?? {}) as { adminPass?: string; rescue_image_ref?: string }
      const adminPass = v.adminPass ?? generatePassword()
      if (v.rescue_image_ref !== undefined) {
        try {
          await ctx.image.show(caller.auth, v.rescue_image_ref)
        } catch {
          throw new BadRequestError(`Image ${v.rescue_image_ref} could not be found.`)
        }
      }
      await runSimpleAction(ctx, caller, serverId, power.rescue, {
        adminPass,
        ...(v.rescue_image_ref !== undefined ? { rescueImageRef: v.rescue_image_ref } : {}),
      })
      return { adminPass }
    },
  },
  trigger_crash_dump: {
    minVersion: 17,
    schema: Type.Null(),
    async run({ ctx, caller, serverId }) {
      // NOTE: an NMI has no driver call here; Nova casts and forgets too, so the
      // checks and the instance action are what the API promises.
      const inst = await loadInstance(ctx, caller.auth, serverId)
      checkLock(caller.auth, inst)
      checkHost(inst)
      checkState(inst, 'trigger_crash_dump', {
        vm: [VmState.ACTIVE, VmState.PAUSED, VmState.RESCUED, VmState.RESIZED, VmState.ERROR],
      })
      await recordAction(ctx, inst, caller, 'trigger_crash_dump')
    },
  },
}
