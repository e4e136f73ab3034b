import { Type, type Static } from '@sinclair/typebox'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import {
  createServerGroup,
  deleteServerGroupFor,
  listServerGroupsFor,
  showServerGroup,
  type ServerGroupRecord,
} from '../servers-groups.js'
import { MAX_LIMIT } from '../servers-list.js'
import { all, last, type RawQuery } from '../servers-list-query.js'
import { checkName, invalidField } from './servers-formats.js'

const POLICIES = ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity']

// Both request shapes are accepted by the route schema; which one a request
// must use depends on its microversion, checked in the handler (Nova swaps the
// schema at 2.64).
const createBody = Type.Object(
  {
    server_group: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 255 }),
        policies: Type.Optional(
          Type.Array(Type.String({ enum: POLICIES }), {
            minItems: 1,
            maxItems: 1,
            uniqueItems: true,
          }),
        ),
        policy: Type.Optional(Type.String({ enum: POLICIES })),
        rules: Type.Optional(
          Type.Object(
            {
              // Nova's positive_integer: an integer or a string of digits, at least 1.
              max_server_per_host: Type.Optional(
                Type.Union([
                  Type.Integer({ minimum: 1 }),
                  Type.String({ pattern: '^[0-9]*$', minLength: 1 }),
                ]),
              ),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
type CreateBody = Static<typeof createBody>['server_group']

function parseRules(text: string): Record<string, number> {
  try {
    const r = JSON.parse(text) as Record<string, unknown>
    return Object.fromEntries(
      Object.entries(r).filter((e): e is [string, number] => typeof e[1] === 'number'),
    )
  } catch {
    return {}
  }
}

/**
 * Nova's group view: before 2.64 `policies` as a one-item list and an empty
 * `metadata`; from 2.64 `policy` and `rules` instead.
 */
function groupView(rec: ServerGroupRecord, mv: number): Record<string, unknown> {
  return {
    id: rec.row.uuid,
    name: rec.row.name,
    ...(mv >= 64
      ? { policy: rec.row.policy, rules: parseRules(rec.row.rules) }
      : { policies: [rec.row.policy], metadata: {} }),
    members: [...rec.members],
    ...(mv >= 13 ? { project_id: rec.row.project_id, user_id: rec.row.user_id } : {}),
  }
}

/** The policy and rules of a create request, with Nova's per-microversion validation. */
function policyAndRules(
  body: CreateBody,
  mv: number,
): { policy: string; rules: Record<string, number> } {
  if (mv >= 64) {
    if (body.policies !== undefined)
      throw new BadRequestError(
        "Invalid input for field/attribute server_group. Value: policies. Additional properties are not allowed ('policies' was unexpected)",
      )
    if (body.policy === undefined)
      throw new BadRequestError(
        "Invalid input for field/attribute server_group. Value: {}. 'policy' is a required property",
      )
    const rules: Record<string, number> = {}
    if (body.rules?.max_server_per_host !== undefined) {
      const n = Number(body.rules.max_server_per_host)
      if (!Number.isInteger(n) || n < 1)
        throw invalidField(
          'max_server_per_host',
          `${String(body.rules.max_server_per_host)}. 0 is less than the minimum of 1`,
        )
      rules['max_server_per_host'] = n
    }
    if (body.policy !== 'anti-affinity' && body.rules && Object.keys(body.rules).length > 0)
      throw new BadRequestError('Only anti-affinity policy supports rules.')
    return { policy: body.policy, rules }
  }
  if (body.policy !== undefined || body.rules !== undefined)
    throw new BadRequestError(
      `Invalid input for field/attribute server_group. Value: ${body.policy !== undefined ? 'policy' : 'rules'}. Additional properties are not allowed`,
    )
  if (body.policies === undefined)
    throw new BadRequestError(
      "Invalid input for field/attribute server_group. Value: {}. 'policies' is a required property",
    )
  const policy = body.policies[0] as string
  if (mv < 15 && policy.startsWith('soft-'))
    throw new BadRequestError(
      `Invalid input for field/attribute 0. Value: ${policy}. '${policy}' is not one of ['anti-affinity', 'affinity']`,
    )
  return { policy, rules: {} }
}

function nonNegative(q: RawQuery, key: string): number | undefined {
  const v = last(q, key)
  if (v === undefined) return undefined
  if (!/^[0-9]+$/.test(v))
    throw new BadRequestError(
      `Invalid input for query parameters ${key}. Value: ${v}. '${v}' does not match '^[0-9]*$'`,
    )
  return Number(v)
}

/** /os-server-groups (Nova's ServerGroupController; `policy` + `rules` from 2.64). */
export function serverGroupsRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: Static<typeof createBody> }>(
      '/os-server-groups',
      { schema: { body: createBody } },
      async (request: FastifyRequest<{ Body: Static<typeof createBody> }>) => {
        const mv = request.computeMicroversion
        const body = request.body.server_group
        checkName('name', body.name)
        const { policy, rules } = policyAndRules(body, mv)
        const rec = await createServerGroup(ctx, request.auth, body.name, policy, rules)
        return { server_group: groupView(rec, mv) }
      },
    )

    app.get('/os-server-groups', async (request) => {
      const q = request.query as RawQuery
      const offset = nonNegative(q, 'offset') ?? 0
      const limit = Math.min(MAX_LIMIT, nonNegative(q, 'limit') || MAX_LIMIT)
      const recs = await listServerGroupsFor(
        ctx,
        request.auth,
        all(q, 'all_projects').length > 0,
        offset,
        limit,
      )
      return { server_groups: recs.map((r) => groupView(r, request.computeMicroversion)) }
    })

    app.get<{ Params: { id: string } }>('/os-server-groups/:id', async (request) => ({
      server_group: groupView(
        await showServerGroup(ctx, request.auth, request.params.id),
        request.computeMicroversion,
      ),
    }))

    app.delete<{ Params: { id: string } }>('/os-server-groups/:id', async (request, reply) => {
      await deleteServerGroupFor(ctx, request.auth, request.params.id)
      return reply.status(204).send()
    })
  }
}
