import type { FastifyPluginAsync } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import type { NetworkContext } from '../network-context.js'
import {
  createSecurityGroup,
  deleteSecurityGroupRecord,
  listSecurityGroupRecords,
  showSecurityGroup,
  updateSecurityGroupRecord,
} from '../security-groups-service.js'
import { createRule, deleteRuleRecord, listRuleRows, showRule } from '../sg-rules-service.js'
import { applyListQuery, listBody, showFields, type Query } from './list-query.js'
import { createProject, optBool, optString, resourceBody } from './sg-body.js'
import { ruleView, securityGroupView } from './security-groups-views.js'

type IdParams = { Params: { id: string } }

const first = (v: string | string[] | undefined): string | undefined =>
  Array.isArray(v) ? v[0] : v

/** Neutron v2.0 security-groups and security-group-rules APIs. */
export function securityGroupsRoutes(ctx: NetworkContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/security-groups', async (request) => {
      const q = request.query as Query
      const recs = await listSecurityGroupRecords(
        ctx,
        request.auth,
        first(q['project_id'] ?? q['tenant_id']),
      )
      return listBody(
        'security_groups',
        applyListQuery(request, recs.map(securityGroupView), { collection: 'security_groups' }),
      )
    })

    app.get<IdParams>('/security-groups/:id', async (request) => {
      const rec = await showSecurityGroup(ctx, request.auth, request.params.id)
      return { security_group: showFields(request, securityGroupView(rec)) }
    })

    app.post('/security-groups', async (request, reply) => {
      const r = resourceBody(request, 'security_group', ['name', 'description', 'stateful'])
      const input = {
        name: optString(r, 'name'),
        description: optString(r, 'description'),
        stateful: optBool(r, 'stateful'),
      }
      const rec = await createSecurityGroup(
        ctx,
        request.auth,
        createProject(request.auth, r),
        defined(input),
      )
      return reply.status(201).send({ security_group: securityGroupView(rec) })
    })

    app.put<IdParams>('/security-groups/:id', async (request) => {
      const r = resourceBody(request, 'security_group', ['name', 'description', 'stateful'], true)
      const input = {
        name: optString(r, 'name'),
        description: optString(r, 'description'),
        stateful: optBool(r, 'stateful'),
      }
      const rec = await updateSecurityGroupRecord(
        ctx,
        request.auth,
        request.params.id,
        defined(input),
      )
      return { security_group: securityGroupView(rec) }
    })

    app.delete<IdParams>('/security-groups/:id', async (request, reply) => {
      await deleteSecurityGroupRecord(ctx, request.auth, request.params.id)
      return reply.status(204).send()
    })

    app.get('/security-group-rules', async (request) => {
      const q = request.query as Query
      const rows = await listRuleRows(ctx, request.auth, first(q['project_id'] ?? q['tenant_id']))
      return listBody(
        'security_group_rules',
        applyListQuery(request, rows.map(ruleView), { collection: 'security_group_rules' }),
      )
    })

    app.get<IdParams>('/security-group-rules/:id', async (request) => {
      return {
        security_group_rule: showFields(
          request,
          ruleView(await showRule(ctx, request.auth, request.params.id)),
        ),
      }
    })

    app.post('/security-group-rules', async (request, reply) => {
      const r = resourceBody(request, 'security_group_rule', RULE_ATTRS)
      const sg = optString(r, 'security_group_id', 36)
      if (sg === undefined) throw requiredAttr('security_group_id')
      if (r['direction'] === undefined) throw requiredAttr('direction')
      const description = optString(r, 'description')
      const row = await createRule(ctx, request.auth, {
        ...r,
        security_group_id: sg,
        direction: r['direction'],
        project_id: createProject(request.auth, r),
        ...(description !== undefined ? { description } : {}),
      })
      return reply.status(201).send({ security_group_rule: ruleView(row) })
    })

    app.delete<IdParams>('/security-group-rules/:id', async (request, reply) => {
      await deleteRuleRecord(ctx, request.auth, request.params.id)
      return reply.status(204).send()
    })
  }
}

const RULE_ATTRS = [
  'security_group_id',
  'direction',
  'ethertype',
  'protocol',
  'port_range_min',
  'port_range_max',
  'remote_ip_prefix',
  'remote_group_id',
  'description',
]

function requiredAttr(attr: string): Error {
  return new BadRequestError(
    `Failed to parse request. Required attribute '${attr}' not specified`,
    { type: 'HTTPBadRequest' },
  )
}

/** Drops undefined values (exactOptionalPropertyTypes). */
function defined<T extends Record<string, unknown>>(
  o: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>
  }
}
