import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import type { KeyPairRow } from '../../../db/repositories/compute/keypairs.js'
import type { ComputeContext } from '../compute-context.js'
import {
  createKeypair,
  deleteKeypair,
  listKeypairs,
  showKeypair,
  type KeypairCreateInput,
} from '../keypairs-service.js'
import { NAME_PATTERN } from './flavors-schemas.js'
import { atLeast } from './microversion.js'
import { MAX_LIMIT, nextLinks } from './resource-links.js'
import { nonNegativeInt, queryValue } from './resource-policy.js'

type NameParams = { Params: { name: string } }

/** Nova's keypair name: a 'name' made of letters, digits, '_', '-' and spaces. */
const keypairBody = {
  type: 'object',
  properties: {
    keypair: {
      type: 'object',
      properties: {
        name: {
          type: 'string',
          minLength: 1,
          maxLength: 255,
          allOf: [{ pattern: NAME_PATTERN }, { pattern: '^[a-zA-Z0-9_ -]+$' }],
        },
        type: { type: 'string', enum: ['ssh', 'x509'] },
        public_key: { type: 'string' },
        user_id: { type: 'string' },
      },
      required: ['name'],
      additionalProperties: false,
    },
  },
  required: ['keypair'],
  additionalProperties: false,
}

/** user_id is a query parameter from 2.10 (admins act for other users). */
function userParam(request: FastifyRequest): string | undefined {
  if (!atLeast(request, 10)) return undefined
  const q = request.query as Record<string, unknown>
  const v = q['user_id']
  return Array.isArray(v) ? (v[0] as string | undefined) : queryValue(v)
}

function pick(row: KeyPairRow, withType: boolean, keys: string[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    name: row.name,
    public_key: row.public_key,
    fingerprint: row.fingerprint,
    user_id: row.user_id,
    created_at: row.created_at,
    deleted: false,
    deleted_at: null,
    id: row.id,
    updated_at: null,
    type: row.type,
  }
  const out: Record<string, unknown> = {}
  for (const k of withType ? [...keys, 'type'] : keys) out[k] = all[k]
  return out
}

/** Nova's os-keypairs API with its 2.2 (type), 2.10 (user_id) and 2.35 (paging) changes. */
export function keypairsRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/os-keypairs', async (request) => {
      const paged = atLeast(request, 35)
      const q = request.query as Record<string, unknown>
      const page = paged
        ? {
            limit: Math.min(nonNegativeInt(q['limit'], 'limit') ?? MAX_LIMIT, MAX_LIMIT),
            marker: queryValue(q['marker']),
          }
        : undefined
      const rows = await listKeypairs(ctx, request.auth, userParam(request), page)
      const withType = atLeast(request, 2)
      const body: Record<string, unknown> = {
        keypairs: rows.map((r) => ({
          keypair: pick(r, withType, ['name', 'public_key', 'fingerprint']),
        })),
      }
      if (paged) {
        const links = nextLinks(request, 'os-keypairs', rows.length, rows[rows.length - 1]?.name)
        if (links.length > 0) body['keypairs_links'] = links
      }
      return body
    })

    app.post<{ Body: { keypair: KeypairCreateInput } }>(
      '/os-keypairs',
      { schema: { body: keypairBody } },
      async (request, reply) => {
        const input = { ...request.body.keypair }
        // type arrived in 2.2 and user_id in 2.10: Nova's older schemas refuse them.
        if (!atLeast(request, 2) && 'type' in input) badField('type')
        if (!atLeast(request, 10) && 'user_id' in input) badField('user_id')
        const { row, privateKey } = await createKeypair(ctx, request.auth, input)
        const keypair = pick(row, atLeast(request, 2), [
          'name',
          'public_key',
          'fingerprint',
          'user_id',
        ])
        reply.status(atLeast(request, 2) ? 201 : 200)
        return {
          keypair: privateKey === undefined ? keypair : { private_key: privateKey, ...keypair },
        }
      },
    )

    app.get<NameParams>('/os-keypairs/:name', async (request) => {
      const row = await showKeypair(ctx, request.auth, request.params.name, userParam(request))
      return {
        keypair: pick(row, atLeast(request, 2), [
          'name',
          'public_key',
          'fingerprint',
          'user_id',
          'created_at',
          'deleted',
          'deleted_at',
          'id',
          'updated_at',
        ]),
      }
    })

    app.delete<NameParams>('/os-keypairs/:name', async (request, reply) => {
      await deleteKeypair(ctx, request.auth, request.params.name, userParam(request))
      return reply.status(atLeast(request, 2) ? 204 : 202).send()
    })
  }
}

function badField(field: string): never {
  throw new BadRequestError(
    `Invalid input for field/attribute keypair. Value: ${field}. Additional properties are not allowed ('${field}' was unexpected)`,
  )
}
