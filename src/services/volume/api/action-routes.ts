import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import {
  attach,
  beginDetaching,
  detach,
  initializeConnection,
  reserve,
  rollDetaching,
  terminateConnection,
  unreserve,
} from '../volume-attach-actions.js'
import {
  extendVolume,
  resetStatus,
  retypeVolume,
  setBootable,
  setReadonly,
} from '../volume-admin-actions.js'
import { setImageMetadata, uploadToImage } from '../volume-image-actions.js'
import { deleteVolume, findVisibleVolume } from '../volumes-service.js'
import { parseMap } from '../../../db/repositories/volume/volumes.js'
import type { VolumeContext } from '../volume-context.js'
import { boolParam } from './common.js'

type Id = { Params: { id: string } }
type Body = Record<string, unknown>

function obj(v: unknown, name: string): Body {
  if (v === null || v === undefined) return {}
  if (typeof v !== 'object' || Array.isArray(v))
    throw new BadRequestError(
      `Invalid input for field/attribute ${name}. Value: ${JSON.stringify(v)}. ${JSON.stringify(v)} is not of type 'object'`,
    )
  return v as Body
}

/** Cinder's boolean parameters accept true/false and their string spellings. */
function bool(v: unknown, name: string): boolean {
  if (typeof v === 'boolean') return v
  if (typeof v === 'string') {
    const b = boolParam(v)
    if (b !== undefined) return b
  }
  throw new BadRequestError(
    `Invalid input for field/attribute ${name}. Value: ${JSON.stringify(v)}. ${JSON.stringify(v)} is not of type 'boolean'`,
  )
}

function str(v: unknown, name: string, required = true): string | undefined {
  if (v === undefined || v === null) {
    if (required)
      throw new BadRequestError(
        `Invalid input for field/attribute ${name}. Value: None. None is not of type 'string'`,
      )
    return undefined
  }
  if (typeof v !== 'string')
    throw new BadRequestError(
      `Invalid input for field/attribute ${name}. Value: ${JSON.stringify(v)}. ${JSON.stringify(v)} is not of type 'string'`,
    )
  return v
}

/** POST /volumes/{id}/action: one action per body, as Cinder dispatches them. */
export function actionRoutes(ctx: VolumeContext): FastifyPluginAsync {
  type Handler = (
    request: FastifyRequest<Id>,
    reply: FastifyReply,
    arg: unknown,
  ) => Promise<unknown>
  const accepted = (reply: FastifyReply) => reply.status(202).send()
  const actions: Record<string, Handler> = {
    'os-extend': async (r, reply, arg) => {
      const a = obj(arg, 'os-extend')
      const n =
        typeof a['new_size'] === 'string' && /^\d+$/.test(a['new_size'])
          ? Number(a['new_size'])
          : a['new_size']
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
        throw new BadRequestError(
          `Invalid input for field/attribute new_size. Value: ${JSON.stringify(a['new_size'])}.`,
        )
      await extendVolume(ctx, r.auth, r.params.id, n, r.volumeMicroversion)
      return accepted(reply)
    },
    'os-retype': async (r, reply, arg) => {
      const a = obj(arg, 'os-retype')
      const policy = str(a['migration_policy'], 'migration_policy', false) ?? 'never'
      if (!['never', 'on-demand'].includes(policy))
        throw new BadRequestError(`Invalid input for field/attribute migration_policy.`)
      await retypeVolume(ctx, r.auth, r.params.id, str(a['new_type'], 'new_type')!, policy)
      return accepted(reply)
    },
    'os-reset_status': async (r, reply, arg) => {
      await resetStatus(ctx, r.auth, r.params.id, obj(arg, 'os-reset_status'))
      return accepted(reply)
    },
    'os-force_delete': async (r, reply) => {
      await deleteVolume(ctx, r.auth, r.params.id, { force: true })
      return accepted(reply)
    },
    'os-set_bootable': async (r, reply, arg) => {
      await setBootable(
        ctx,
        r.auth,
        r.params.id,
        bool(obj(arg, 'os-set_bootable')['bootable'], 'bootable'),
      )
      return reply.status(200).send()
    },
    'os-update_readonly_flag': async (r, reply, arg) => {
      await setReadonly(
        ctx,
        r.auth,
        r.params.id,
        bool(obj(arg, 'os-update_readonly_flag')['readonly'], 'readonly'),
      )
      return accepted(reply)
    },
    'os-reserve': async (r, reply) => {
      await reserve(ctx, r.auth, r.params.id)
      return accepted(reply)
    },
    'os-unreserve': async (r, reply) => {
      await unreserve(ctx, r.auth, r.params.id)
      return accepted(reply)
    },
    'os-begin_detaching': async (r, reply) => {
      await beginDetaching(ctx, r.auth, r.params.id)
      return accepted(reply)
    },
    'os-roll_detaching': async (r, reply) => {
      await rollDetaching(ctx, r.auth, r.params.id)
      return accepted(reply)
    },
    'os-initialize_connection': async (r, reply, arg) => {
      const connector = obj(obj(arg, 'os-initialize_connection')['connector'], 'connector')
      const info = await initializeConnection(ctx, r.auth, r.params.id, connector)
      return reply.status(200).send({ connection_info: info })
    },
    'os-terminate_connection': async (r, reply, arg) => {
      const a = obj(arg, 'os-terminate_connection')
      await terminateConnection(
        ctx,
        r.auth,
        r.params.id,
        a['connector'] === null ? null : obj(a['connector'], 'connector'),
      )
      return accepted(reply)
    },
    'os-attach': async (r, reply, arg) => {
      const a = obj(arg, 'os-attach')
      const instanceUuid = str(a['instance_uuid'], 'instance_uuid', false)
      const hostName = str(a['host_name'], 'host_name', false)
      if (!instanceUuid && !hostName)
        throw new BadRequestError('Invalid request to attach volume to an invalid target')
      await attach(ctx, r.auth, r.params.id, {
        instanceUuid,
        hostName,
        mountpoint: str(a['mountpoint'], 'mountpoint')!,
        mode: str(a['mode'], 'mode', false),
      })
      return accepted(reply)
    },
    'os-detach': async (r, reply, arg) => {
      await detach(
        ctx,
        r.auth,
        r.params.id,
        str(obj(arg, 'os-detach')['attachment_id'], 'attachment_id', false),
        false,
      )
      return accepted(reply)
    },
    'os-force_detach': async (r, reply, arg) => {
      await detach(
        ctx,
        r.auth,
        r.params.id,
        str(obj(arg, 'os-force_detach')['attachment_id'], 'attachment_id', false),
        true,
      )
      return accepted(reply)
    },
    'os-volume_upload_image': async (r, reply, arg) => {
      const a = obj(arg, 'os-volume_upload_image')
      const res = await uploadToImage(ctx, r.auth, r.params.id, {
        imageName: str(a['image_name'], 'image_name')!,
        diskFormat: str(a['disk_format'], 'disk_format', false) ?? 'raw',
        containerFormat: str(a['container_format'], 'container_format', false) ?? 'bare',
        force: a['force'] === undefined ? false : bool(a['force'], 'force'),
        visibility:
          r.volumeMicroversion >= 1 ? str(a['visibility'], 'visibility', false) : undefined,
        protected:
          r.volumeMicroversion >= 1 && a['protected'] !== undefined
            ? bool(a['protected'], 'protected')
            : undefined,
      })
      return reply.status(202).send({ 'os-volume_upload_image': res })
    },
    'os-set_image_metadata': async (r, reply, arg) => {
      const md = obj(obj(arg, 'os-set_image_metadata')['metadata'], 'metadata') as Record<
        string,
        string
      >
      return reply
        .status(200)
        .send({ metadata: await setImageMetadata(ctx, r.auth, r.params.id, md) })
    },
    'os-unset_image_metadata': async (r, reply, arg) => {
      await setImageMetadata(
        ctx,
        r.auth,
        r.params.id,
        {},
        str(obj(arg, 'os-unset_image_metadata')['key'], 'key'),
      )
      return reply.status(200).send()
    },
    'os-show_image_metadata': async (r, reply) => {
      const v = await findVisibleVolume(ctx, r.auth, r.params.id)
      return reply.status(200).send({ metadata: parseMap(v.image_metadata) })
    },
  }
  return async (app) => {
    app.post<Id>('/volumes/:id/action', async (request, reply) => {
      const body = request.body
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw new BadRequestError('Malformed request body')
      const keys = Object.keys(body)
      const name = keys.find((k) => actions[k])
      if (!name) {
        await findVisibleVolume(ctx, request.auth, request.params.id)
        throw new BadRequestError(`There is no such action: ${keys[0] ?? ''}`)
      }
      return actions[name]!(request, reply, (body as Body)[name])
    })
  }
}
