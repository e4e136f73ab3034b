import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import { BadRequestError, ForbiddenError, NotFoundError } from '../../../common/errors.js'
import { newUuid } from '../../../common/ids.js'
import {
  deleteEncryption,
  deleteExtraSpec,
  findEncryption,
  insertEncryption,
  setExtraSpecs,
  updateEncryption,
  type EncryptionRow,
} from '../../../db/repositories/volume/types.js'
import {
  changeTypeAccess,
  createType,
  defaultType,
  deleteType,
  findVisibleType,
  listTypes,
  typeAccessList,
  typeById,
  updateType,
  type VolumeTypeRecord,
} from '../types-service.js'
import { nowIso, type VolumeContext } from '../volume-context.js'
import { boolParam, cinderTime, q1, type Query } from './common.js'

type Id = { Params: { id: string } }
type Key = { Params: { id: string; key: string } }

const specs = Type.Record(
  Type.String({ minLength: 1, maxLength: 255 }),
  Type.String({ maxLength: 255 }),
)
const boolish = Type.Union([Type.Boolean(), Type.String()])
const typeCreateSchema = Type.Object(
  {
    volume_type: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 255 }),
        description: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
        extra_specs: Type.Optional(specs),
        'os-volume-type-access:is_public': Type.Optional(boolish),
        is_public: Type.Optional(boolish),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
const typeUpdateSchema = Type.Object(
  {
    volume_type: Type.Object(
      {
        name: Type.Optional(
          Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Type.Null()]),
        ),
        description: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
        is_public: Type.Optional(boolish),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
const encryptionBody = Type.Object(
  {
    encryption: Type.Object(
      {
        provider: Type.Optional(Type.String({ minLength: 0, maxLength: 255 })),
        cipher: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
        key_size: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
        control_location: Type.Optional(
          Type.Union([Type.Literal('front-end'), Type.Literal('back-end')]),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)

/** Extra specs a non-admin sees (cinder's USER_VISIBLE_EXTRA_SPECS). */
const USER_VISIBLE = ['multiattach', 'RESKEY:availability_zones', 'replication_enabled']

function toBool(v: unknown, name: string): boolean {
  if (typeof v === 'boolean') return v
  const b = boolParam(String(v))
  if (b === undefined) throw new BadRequestError(`Invalid value '${String(v)}' for ${name}.`)
  return b
}

export function typeView(request: FastifyRequest, t: VolumeTypeRecord) {
  const admin = isAdmin(request.auth)
  const extra = admin
    ? t.extraSpecs
    : Object.fromEntries(Object.entries(t.extraSpecs).filter(([k]) => USER_VISIBLE.includes(k)))
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    is_public: t.is_public === 1,
    'os-volume-type-access:is_public': t.is_public === 1,
    extra_specs: extra,
    // v3's show/list view (admins: access_types_qos_specs_id); create and update answer
    // through types_manage's older view, which has no qos_specs_id.
    ...(admin && request.method === 'GET' ? { qos_specs_id: t.qos_specs_id } : {}),
  }
}

function encryptionView(e: EncryptionRow) {
  return {
    volume_type_id: e.type_id,
    encryption_id: e.encryption_id,
    key_size: e.key_size,
    provider: e.provider,
    control_location: e.control_location,
    cipher: e.cipher,
  }
}

function requireAdmin(r: FastifyRequest): void {
  if (!isAdmin(r.auth)) throw new ForbiddenError('Policy does not allow this operation.')
}

/** /types, extra specs, access lists, encryption and the default type. */
export function typesRoutes(ctx: VolumeContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/types', async (request) => {
      const raw = q1(request.query as Query, 'is_public')
      const isPublic =
        raw === undefined ? undefined : raw.toLowerCase() === 'none' ? null : boolParam(raw)
      return {
        volume_types: (await listTypes(ctx, request.auth, isPublic)).map((t) =>
          typeView(request, t),
        ),
      }
    })
    app.get('/types/default', async (request) => ({
      volume_type: typeView(request, await defaultType(ctx)),
    }))
    app.get<Id>('/types/:id', async (request) => ({
      volume_type: typeView(request, await findVisibleType(ctx, request.auth, request.params.id)),
    }))
    app.post('/types', { schema: { body: typeCreateSchema } }, async (request) => {
      const b = (request.body as { volume_type: Record<string, unknown> }).volume_type
      const pub = b['os-volume-type-access:is_public'] ?? b['is_public']
      const t = await createType(ctx, request.auth, {
        name: String(b['name']),
        description: (b['description'] as string | null | undefined) ?? null,
        isPublic: pub === undefined ? true : toBool(pub, 'is_public'),
        extraSpecs: (b['extra_specs'] as Record<string, string> | undefined) ?? {},
      })
      return { volume_type: typeView(request, t) }
    })
    app.put<Id>('/types/:id', { schema: { body: typeUpdateSchema } }, async (request) => {
      const b = (request.body as { volume_type: Record<string, unknown> }).volume_type
      if (b['name'] === undefined && b['description'] === undefined && b['is_public'] === undefined)
        throw new BadRequestError(
          'Specify volume type name, description, is_public or a combination thereof.',
        )
      const t = await updateType(ctx, request.auth, request.params.id, {
        name: (b['name'] ?? undefined) as string | undefined,
        description: b['description'] as string | null | undefined,
        isPublic: b['is_public'] === undefined ? undefined : toBool(b['is_public'], 'is_public'),
      })
      // The access extension does not extend the update answer (tempest's schema forbids it).
      const view: Partial<ReturnType<typeof typeView>> = typeView(request, t)
      delete view['os-volume-type-access:is_public']
      return { volume_type: view }
    })
    app.delete<Id>('/types/:id', async (request, reply) => {
      await deleteType(ctx, request.auth, request.params.id)
      return reply.status(202).send()
    })

    // extra specs (admin)
    const typeFor = async (r: FastifyRequest<Id>) => {
      requireAdmin(r)
      const t = await typeById(ctx, r.params.id)
      if (!t) throw new NotFoundError(`Volume type ${r.params.id} could not be found.`)
      return t
    }
    const inUseCheck = async (t: VolumeTypeRecord) => {
      const used = await ctx.db
        .selectFrom('volumes')
        .select('id')
        .where('volume_type_id', '=', t.id)
        .executeTakeFirst()
      if (used)
        throw new BadRequestError(`Invalid volume type: Volume type ${t.id} is in use by a volume.`)
    }
    app.get<Id>('/types/:id/extra_specs', async (r) => ({
      extra_specs: (await typeFor(r)).extraSpecs,
    }))
    app.post<Id>(
      '/types/:id/extra_specs',
      { schema: { body: Type.Object({ extra_specs: specs }, { additionalProperties: false }) } },
      async (r) => {
        const t = await typeFor(r)
        const s = (r.body as { extra_specs: Record<string, string> }).extra_specs
        await setExtraSpecs(ctx.db, t.id, s)
        return { extra_specs: s }
      },
    )
    app.get<Key>('/types/:id/extra_specs/:key', async (r) => {
      const t = await typeFor(r)
      const v = t.extraSpecs[r.params.key]
      if (v === undefined)
        throw new NotFoundError(`Volume Type ${t.id} has no extra specs with key ${r.params.key}.`)
      return { [r.params.key]: v }
    })
    app.put<Key>('/types/:id/extra_specs/:key', { schema: { body: specs } }, async (r) => {
      const t = await typeFor(r)
      const body = r.body as Record<string, string>
      if (Object.keys(body).length > 1)
        throw new BadRequestError('Request body contains too many items.')
      if (body[r.params.key] === undefined)
        throw new BadRequestError('Request body and URI mismatch')
      await setExtraSpecs(ctx.db, t.id, body)
      return body
    })
    app.delete<Key>('/types/:id/extra_specs/:key', async (r, reply) => {
      const t = await typeFor(r)
      if (!(await deleteExtraSpec(ctx.db, t.id, r.params.key)))
        throw new NotFoundError(`Volume Type ${t.id} has no extra specs with key ${r.params.key}.`)
      return reply.status(202).send()
    })

    // access
    app.get<Id>('/types/:id/os-volume-type-access', async (r) => ({
      volume_type_access: await typeAccessList(ctx, r.auth, r.params.id),
    }))
    app.post<Id>('/types/:id/action', async (r, reply) => {
      const body = (r.body ?? {}) as Record<string, { project?: unknown } | undefined>
      const add = body['addProjectAccess']
      const remove = body['removeProjectAccess']
      const arg = add ?? remove
      if (!arg || typeof arg.project !== 'string')
        throw new BadRequestError('Access list not available for public volume types.')
      await changeTypeAccess(ctx, r.auth, r.params.id, arg.project, add !== undefined)
      return reply.status(202).send()
    })

    // encryption (admin)
    app.get<Id>('/types/:id/encryption', async (r) => {
      const t = await typeFor(r)
      const e = await findEncryption(ctx.db, t.id)
      if (!e) return {}
      return {
        ...encryptionView(e),
        deleted: false,
        created_at: cinderTime(e.created_at),
        updated_at: cinderTime(e.updated_at),
        deleted_at: null,
      }
    })
    app.post<Id>('/types/:id/encryption', { schema: { body: encryptionBody } }, async (r) => {
      const t = await typeFor(r)
      if (await findEncryption(ctx.db, t.id))
        throw new BadRequestError(`Volume type encryption for type ${t.id} already exists.`)
      await inUseCheck(t)
      const b = (r.body as { encryption: Record<string, unknown> }).encryption
      if (typeof b['provider'] !== 'string' || b['provider'] === '')
        throw new BadRequestError('Invalid input received: provider must be defined')
      await insertEncryption(ctx.db, {
        type_id: t.id,
        encryption_id: newUuid(),
        provider: b['provider'],
        cipher: (b['cipher'] as string | null | undefined) ?? null,
        key_size: (b['key_size'] as number | null | undefined) ?? null,
        control_location: (b['control_location'] as string | undefined) ?? 'front-end',
        created_at: nowIso(),
        updated_at: null,
      })
      return { encryption: encryptionView((await findEncryption(ctx.db, t.id))!) }
    })
    app.get<Key>('/types/:id/encryption/:key', async (r) => {
      const t = await typeFor(r)
      const e = await findEncryption(ctx.db, t.id)
      const view = e ? (encryptionView(e) as Record<string, unknown>) : {}
      if (!(r.params.key in view))
        throw new NotFoundError(`Volume type encryption for type ${t.id} does not exist.`)
      return { [r.params.key]: view[r.params.key] }
    })
    app.put<Key>('/types/:id/encryption/:key', { schema: { body: encryptionBody } }, async (r) => {
      const t = await typeFor(r)
      if (!(await findEncryption(ctx.db, t.id)))
        throw new NotFoundError(`Volume type encryption for type ${t.id} does not exist.`)
      await inUseCheck(t)
      const b = (r.body as { encryption: Record<string, unknown> }).encryption
      await updateEncryption(ctx.db, t.id, b)
      return { encryption: b }
    })
    app.delete<Key>('/types/:id/encryption/:key', async (r, reply) => {
      const t = await typeFor(r)
      if (!(await findEncryption(ctx.db, t.id)))
        throw new NotFoundError(`Volume type encryption for type ${t.id} does not exist.`)
      await inUseCheck(t)
      await deleteEncryption(ctx.db, t.id)
      return reply.status(202).send()
    })
  }
}
