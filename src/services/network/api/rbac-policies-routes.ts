import type { FastifyPluginAsync } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import type { RbacPolicyRow } from '../../../db/repositories/network/rbac.js'
import type { NetworkContext } from '../network-context.js'
import {
  createPolicy,
  deletePolicy,
  listPolicies,
  showPolicy,
  updatePolicyTarget,
} from '../rbac-service.js'
import { applyListQuery, listBody, showFields } from './list-query.js'
import { createProject, optString, resourceBody } from './sg-body.js'

type IdParams = { Params: { id: string } }

/** An RBAC policy as Neutron renders it (target_tenant is the legacy name of target_project). */
export function rbacPolicyView(p: RbacPolicyRow): Record<string, unknown> {
  return {
    id: p.id,
    project_id: p.project_id,
    tenant_id: p.project_id,
    object_type: p.object_type,
    object_id: p.object_id,
    action: p.action,
    target_tenant: p.target_project,
    target_project: p.target_project,
  }
}

function required(r: Record<string, unknown>, attr: string): string {
  const v = optString(r, attr)
  if (v === undefined)
    throw new BadRequestError(`Failed to parse request. Required attribute '${attr}' not specified`)
  return v
}

/** Neutron v2.0 rbac-policies API. */
export function rbacPoliciesRoutes(ctx: NetworkContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/rbac-policies', async (request) => {
      const rows = await listPolicies(ctx, request.auth)
      return listBody(
        'rbac_policies',
        applyListQuery(request, rows.map(rbacPolicyView), { collection: 'rbac_policies' }),
      )
    })

    app.get<IdParams>('/rbac-policies/:id', async (request) => ({
      rbac_policy: showFields(
        request,
        rbacPolicyView(await showPolicy(ctx, request.auth, request.params.id)),
      ),
    }))

    app.post('/rbac-policies', async (request, reply) => {
      const r = resourceBody(request, 'rbac_policy', [
        'object_type',
        'object_id',
        'action',
        'target_tenant',
        'target_project',
      ])
      const target = optString(r, 'target_project') ?? required(r, 'target_tenant')
      const row = await createPolicy(ctx, request.auth, {
        projectId: createProject(request.auth, r),
        objectType: required(r, 'object_type'),
        objectId: required(r, 'object_id'),
        action: required(r, 'action'),
        target,
      })
      return reply.status(201).send({ rbac_policy: rbacPolicyView(row) })
    })

    app.put<IdParams>('/rbac-policies/:id', async (request) => {
      const r = resourceBody(request, 'rbac_policy', ['target_tenant', 'target_project'], true)
      const target = optString(r, 'target_project') ?? required(r, 'target_tenant')
      return {
        rbac_policy: rbacPolicyView(
          await updatePolicyTarget(ctx, request.auth, request.params.id, target),
        ),
      }
    })

    app.delete<IdParams>('/rbac-policies/:id', async (request, reply) => {
      await deletePolicy(ctx, request.auth, request.params.id)
      return reply.status(204).send()
    })
  }
}
