import { Type, type TSchema } from '@sinclair/typebox'
import { BadRequestError } from '../../../common/errors.js'
import { requireAdmin } from '../actions/instance-guard.js'
import { confirmResize, resizeServer, revertResize } from '../actions/move-actions.js'
import { evacuate, liveMigrate } from '../actions/live-actions.js'
import { generatePassword } from '../actions/password.js'
import { perVersion, type ServerActions } from './server-action-types.js'

const BOOLISH = Type.Union([Type.Boolean(), Type.String()])
const HOST = Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Type.Null()])

/** oslo strutils.bool_from_string(strict=True) as the API uses it. */
function strictBool(field: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v
  const s = String(v).trim().toLowerCase()
  if (['1', 't', 'true', 'on', 'y', 'yes'].includes(s)) return true
  if (['0', 'f', 'false', 'off', 'n', 'no'].includes(s)) return false
  throw new BadRequestError(
    `Invalid input for field/attribute ${field}. Value: ${String(v)}. Unrecognized value '${String(v)}', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'`,
  )
}

const LIVE = perVersion((mv): TSchema => {
  const props: Record<string, TSchema> = {
    host: HOST,
    block_migration: mv >= 25 ? Type.Union([Type.Boolean(), Type.Literal('auto')]) : BOOLISH,
  }
  if (mv < 25) props['disk_over_commit'] = BOOLISH
  // 2.30 added force, 2.68 removed it again (forced moves skipped the scheduler's checks).
  if (mv >= 30 && mv < 68) props['force'] = Type.Optional(BOOLISH)
  return Type.Object(props, { additionalProperties: false })
})

const EVACUATE = perVersion((mv): TSchema => {
  const props: Record<string, TSchema> = {
    host: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    adminPass: Type.Optional(Type.String()),
  }
  if (mv < 14) props['onSharedStorage'] = BOOLISH
  if (mv >= 29 && mv < 68) props['force'] = Type.Optional(Type.Boolean())
  return Type.Object(props, { additionalProperties: false })
})

const MIGRATE = perVersion((mv): TSchema =>
  mv >= 56
    ? Type.Union([
        Type.Null(),
        Type.Object({ host: Type.Optional(HOST) }, { additionalProperties: false }),
      ])
    : Type.Any(),
)

/** resize, confirmResize, revertResize, migrate, os-migrateLive, evacuate. */
export const moveActions: ServerActions = {
  resize: {
    schema: Type.Object(
      {
        flavorRef: Type.Union([Type.String({ minLength: 1 }), Type.Integer({ minimum: 1 })]),
        'OS-DCF:diskConfig': Type.Optional(
          Type.Union([Type.Literal('AUTO'), Type.Literal('MANUAL')]),
        ),
      },
      { additionalProperties: false },
    ),
    async run({ ctx, caller, serverId, value }) {
      const flavorRef = String((value as { flavorRef: string | number }).flavorRef)
      // A flavor link is accepted as its last path segment (common.get_id_from_href).
      const id = flavorRef.replace(/\/+$/, '').split('/').pop() ?? flavorRef
      const disk = (value as { 'OS-DCF:diskConfig'?: 'AUTO' | 'MANUAL' })['OS-DCF:diskConfig']
      await resizeServer(ctx, caller, serverId, {
        flavorRef: id,
        action: 'resize',
        ...(disk !== undefined ? { diskConfig: disk } : {}),
      })
    },
  },
  confirmResize: {
    status: 204,
    async run({ ctx, caller, serverId }) {
      await confirmResize(ctx, caller, serverId)
    },
  },
  revertResize: {
    async run({ ctx, caller, serverId }) {
      await revertResize(ctx, caller, serverId)
    },
  },
  migrate: {
    schema: MIGRATE,
    async run({ ctx, caller, serverId, value, request }) {
      requireAdmin(caller.auth, 'os_compute_api:os-migrate-server:migrate')
      const host =
        request.computeMicroversion >= 56 && value !== null && typeof value === 'object'
          ? ((value as { host?: string | null }).host ?? undefined)
          : undefined
      await resizeServer(ctx, caller, serverId, {
        action: 'migrate',
        ...(host !== undefined ? { host } : {}),
      })
    },
  },
  'os-migrateLive': {
    schema: LIVE,
    async run({ ctx, caller, serverId, value, request }) {
      requireAdmin(caller.auth, 'os_compute_api:os-migrate-server:migrate_live')
      const v = value as { host: string | null; block_migration: unknown; force?: unknown }
      const mv = request.computeMicroversion
      if (mv < 25 || v.block_migration !== 'auto') strictBool('block_migration', v.block_migration)
      const force =
        mv >= 30 && mv < 68 && v.force !== undefined ? strictBool('force', v.force) : false
      if (force && !v.host) throw new BadRequestError("Can't force to a non-provided destination")
      await liveMigrate(ctx, caller, serverId, { host: v.host, force, async: mv >= 34 })
    },
  },
  evacuate: {
    schema: EVACUATE,
    status: 200,
    async run({ ctx, caller, serverId, value, request }) {
      requireAdmin(caller.auth, 'os_compute_api:os-evacuate')
      const v = value as {
        host?: string
        adminPass?: string
        onSharedStorage?: unknown
        force?: boolean
      }
      const mv = request.computeMicroversion
      const force = mv >= 29 && mv < 68 ? v.force === true : false
      if (force && !v.host) throw new BadRequestError("Can't force to a non-provided destination")
      let adminPass: string | undefined
      if (mv >= 14) adminPass = v.adminPass ?? generatePassword()
      else {
        const shared = strictBool('onSharedStorage', v.onSharedStorage)
        if (v.adminPass !== undefined && shared)
          throw new BadRequestError("admin password can't be changed on existing disk")
        adminPass = v.adminPass ?? (shared ? undefined : generatePassword())
      }
      await evacuate(ctx, caller, serverId, {
        force,
        ...(v.host !== undefined ? { host: v.host } : {}),
        ...(adminPass !== undefined ? { adminPass } : {}),
      })
      return mv < 14 ? { adminPass: adminPass ?? null } : undefined
    },
  },
}
