import { parseTrustedCerts } from './trusted-certs.js'
import { Type, type TSchema } from '@sinclair/typebox'
import { isAdmin } from '../../../common/auth-context.js'
import { backupServer, rebuildServer, snapshotServer } from '../actions/image-actions.js'
import { shelveOffloadServer, shelveServer, unshelveServer } from '../actions/shelve-actions.js'
import { generatePassword } from '../actions/password.js'
import { serverRebuildView } from '../server-view.js'
import { loadServerViewData, viewOptions } from '../servers-view-data.js'
import { checkMetadataItemsQuota } from '../quotas.js'
import { checkBase64, checkDescription, checkName } from './servers-formats.js'
import { metadataSchema } from './servers-schemas.js'
import { perVersion, type ServerActions } from './server-action-types.js'

const NAME = Type.String({ minLength: 1, maxLength: 255 })

const REBUILD = perVersion((mv): TSchema => {
  const props: Record<string, TSchema> = {
    imageRef: Type.String({ minLength: 1 }),
    name: Type.Optional(NAME),
    metadata: Type.Optional(metadataSchema),
    adminPass: Type.Optional(Type.String()),
    preserve_ephemeral: Type.Optional(Type.Boolean()),
    'OS-DCF:diskConfig': Type.Optional(Type.Union([Type.Literal('AUTO'), Type.Literal('MANUAL')])),
    accessIPv4: Type.Optional(Type.String()),
    accessIPv6: Type.Optional(Type.String()),
  }
  if (mv < 57)
    props['personality'] = Type.Optional(
      Type.Array(
        Type.Object(
          { path: Type.String(), contents: Type.String() },
          { additionalProperties: false },
        ),
      ),
    )
  if (mv >= 19)
    props['description'] = Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()]))
  if (mv >= 54) props['key_name'] = Type.Optional(Type.Union([NAME, Type.Null()]))
  if (mv >= 57)
    props['user_data'] = Type.Optional(Type.Union([Type.String({ maxLength: 65535 }), Type.Null()]))
  // Checked by parseTrustedCerts, which words errors like Nova.
  if (mv >= 63) props['trusted_image_certificates'] = Type.Optional(Type.Unknown())
  return Type.Object(props, { additionalProperties: false })
})

interface RebuildBody {
  imageRef: string
  name?: string
  metadata?: Record<string, string>
  adminPass?: string
  description?: string | null
  key_name?: string | null
  user_data?: string | null
  trusted_image_certificates?: unknown
  'OS-DCF:diskConfig'?: 'AUTO' | 'MANUAL'
}

/** createImage, createBackup, shelve, shelveOffload, unshelve, rebuild. */
export const imageActions: ServerActions = {
  createImage: {
    schema: Type.Object(
      { name: NAME, metadata: Type.Optional(metadataSchema) },
      { additionalProperties: false },
    ),
    async run({ ctx, caller, serverId, value, request, reply }) {
      const v = value as { name: string; metadata?: Record<string, string> }
      checkName('createImage/name', v.name)
      const imageId = await snapshotServer(ctx, caller, serverId, v.name.trim(), v.metadata ?? {})
      if (request.computeMicroversion >= 45) return { image_id: imageId }
      reply.header('location', `${ctx.publicUrl.replace(/\/+$/, '')}/image/images/${imageId}`)
      return undefined
    },
  },
  createBackup: {
    schema: Type.Object(
      {
        name: NAME,
        backup_type: Type.String(),
        rotation: Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^[0-9]+$' })]),
        metadata: Type.Optional(metadataSchema),
      },
      { additionalProperties: false },
    ),
    async run({ ctx, caller, serverId, value, request, reply }) {
      const v = value as {
        name: string
        backup_type: string
        rotation: number | string
        metadata?: Record<string, string>
      }
      checkName('createBackup/name', v.name)
      const rotation = Number(v.rotation)
      const imageId = await backupServer(ctx, caller, serverId, {
        name: v.name.trim(),
        backupType: v.backup_type,
        rotation,
        metadata: v.metadata ?? {},
      })
      if (request.computeMicroversion >= 45) return { image_id: imageId }
      if (rotation > 0)
        reply.header(
          'location',
          `${ctx.publicUrl.replace(/\/+$/, '')}/compute/v2.1/images/${imageId}`,
        )
      return undefined
    },
  },
  shelve: {
    async run({ ctx, caller, serverId }) {
      await shelveServer(ctx, caller, serverId)
    },
  },
  shelveOffload: {
    async run({ ctx, caller, serverId }) {
      await shelveOffloadServer(ctx, caller, serverId)
    },
  },
  unshelve: {
    // Before 2.77 Nova ignores the body; from 2.77 null or {availability_zone}.
    schema: perVersion((mv) =>
      mv >= 77
        ? Type.Union([
            Type.Null(),
            Type.Object(
              { availability_zone: Type.Union([NAME, Type.Null()]) },
              { additionalProperties: false },
            ),
          ])
        : Type.Unknown(),
    ),
    async run({ ctx, caller, serverId, value, request }) {
      const v =
        request.computeMicroversion >= 77
          ? (value as { availability_zone?: string | null } | null)
          : null
      if (typeof v?.availability_zone === 'string')
        checkName('availability_zone', v.availability_zone)
      await unshelveServer(
        ctx,
        caller,
        serverId,
        v && v.availability_zone !== undefined ? { availabilityZone: v.availability_zone } : {},
      )
    },
  },
  rebuild: {
    schema: REBUILD,
    async run({ ctx, caller, serverId, value, request }) {
      const v = value as RebuildBody
      const mv = request.computeMicroversion
      if (v.name !== undefined) checkName('rebuild/name', v.name)
      if (typeof v.description === 'string') checkDescription('rebuild/description', v.description)
      if (typeof v.user_data === 'string') checkBase64('rebuild/user_data', v.user_data)
      if (v.metadata !== undefined)
        await checkMetadataItemsQuota(
          ctx,
          caller.auth.project?.id ?? '',
          Object.keys(v.metadata).length,
        )
      const trustedCerts = parseTrustedCerts(v.trusted_image_certificates, mv)
      const adminPass = v.adminPass ?? generatePassword()
      const row = await rebuildServer(ctx, caller, serverId, {
        imageRef: v.imageRef,
        adminPass,
        ...(v.name !== undefined ? { name: v.name } : {}),
        ...(v.metadata !== undefined ? { metadata: v.metadata } : {}),
        ...(mv >= 19 && v.description !== undefined ? { description: v.description } : {}),
        ...(mv >= 54 && v.key_name !== undefined ? { keyName: v.key_name } : {}),
        ...(mv >= 57 && v.user_data !== undefined ? { userData: v.user_data } : {}),
        ...(trustedCerts !== undefined ? { trustedCerts } : {}),
        ...(v['OS-DCF:diskConfig'] !== undefined ? { diskConfig: v['OS-DCF:diskConfig'] } : {}),
      })
      const admin = isAdmin(caller.auth)
      const data = await loadServerViewData(
        ctx,
        [row],
        { admin, microversion: mv },
        { serverGroups: true },
      )
      const server = serverRebuildView(row, data, viewOptions(ctx, mv, admin))
      return {
        server: { ...server, adminPass, ...(mv >= 57 ? { user_data: row.user_data } : {}) },
      }
    },
  },
}
