import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import { BadRequestError, ForbiddenError } from '../../../common/errors.js'
import { classLimits, projectLimits, projectUsage } from '../quota.js'
import type { VolumeContext } from '../volume-context.js'
import { boolParam, q1, type Query } from './common.js'

type P = { Params: { target: string } }

function mayRead(r: FastifyRequest, project: string): void {
  if (!isAdmin(r.auth) && r.auth.project?.id !== project)
    throw new ForbiddenError('Policy does not allow volume_extension:quotas:show to be performed.')
}

/** os-quota-sets: show (with ?usage), defaults, update and delete (admin). */
export function quotasRoutes(ctx: VolumeContext): FastifyPluginAsync {
  return async (app) => {
    app.get<P>('/os-quota-sets/:target/defaults', async (r) => ({
      quota_set: {
        id: r.params.target,
        ...(await projectLimits(ctx, ctx.db, r.params.target, true)),
      },
    }))
    app.get<P>('/os-quota-sets/:target', async (r) => {
      const project = r.params.target
      mayRead(r, project)
      const limits = await projectLimits(ctx, ctx.db, project)
      if (boolParam(q1(r.query as Query, 'usage') ?? 'false') === true) {
        const used = await projectUsage(ctx, ctx.db, project)
        const out: Record<string, unknown> = { id: project }
        for (const [k, l] of Object.entries(limits))
          out[k] = { limit: l, in_use: used[k] ?? 0, reserved: 0 }
        return { quota_set: out }
      }
      return { quota_set: { id: project, ...limits } }
    })
    app.put<P>('/os-quota-sets/:target', async (r) => {
      if (!isAdmin(r.auth))
        throw new ForbiddenError(
          'Policy does not allow volume_extension:quotas:update to be performed.',
        )
      const body = r.body as { quota_set?: Record<string, unknown> } | undefined
      const set = body?.quota_set
      if (!set || typeof set !== 'object')
        throw new BadRequestError('Missing required element quota_set in request body.')
      const project = r.params.target
      const limits = await projectLimits(ctx, ctx.db, project)
      const used = await projectUsage(ctx, ctx.db, project)
      const skip =
        set['skip_validation'] === undefined
          ? true
          : set['skip_validation'] !== false && set['skip_validation'] !== 'false'
      const bad = Object.keys(set).filter(
        (k) => k !== 'skip_validation' && k !== 'tenant_id' && !(k in limits),
      )
      if (bad.length) throw new BadRequestError(`Bad key(s) ${bad.join(',')} in quota_set`)
      const updates: [string, number][] = []
      for (const [k, raw] of Object.entries(set)) {
        if (k === 'skip_validation' || k === 'tenant_id') continue
        const n = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw
        if (typeof n !== 'number' || !Number.isInteger(n) || n < -1 || n > 2147483647)
          throw new BadRequestError(
            `Invalid input received: Quota value for key '${k}' must be an integer between -1 and 2147483647.`,
          )
        if (!skip && n !== -1 && k !== 'per_volume_gigabytes' && n < (used[k] ?? 0))
          throw new BadRequestError(
            `Invalid input received: Quota ${k} limit must be equal or greater than existing resources. Current usage is ${used[k] ?? 0} and the requested limit is ${n}.`,
          )
        updates.push([k, n])
      }
      for (const [resource, hard] of updates)
        await ctx.db
          .insertInto('volume_quotas')
          .values({ project_id: project, resource, hard_limit: hard })
          .onConflict((oc) =>
            oc.columns(['project_id', 'resource']).doUpdateSet({ hard_limit: hard }),
          )
          .execute()
      return { quota_set: await projectLimits(ctx, ctx.db, project) }
    })
    app.delete<P>('/os-quota-sets/:target', async (r, reply) => {
      if (!isAdmin(r.auth))
        throw new ForbiddenError(
          'Policy does not allow volume_extension:quotas:delete to be performed.',
        )
      await ctx.db.deleteFrom('volume_quotas').where('project_id', '=', r.params.target).execute()
      // Cinder answers 200 with no body (Tempest checks there is none).
      return reply.send()
    })
    app.get<P>('/os-quota-class-sets/:target', async (r) => {
      if (!isAdmin(r.auth))
        throw new ForbiddenError(
          'Policy does not allow volume_extension:quota_classes to be performed.',
        )
      return {
        quota_class_set: {
          id: r.params.target,
          ...(await classLimits(ctx, ctx.db, r.params.target)),
        },
      }
    })
    app.put<P>('/os-quota-class-sets/:target', async (r) => {
      if (!isAdmin(r.auth))
        throw new ForbiddenError(
          'Policy does not allow volume_extension:quota_classes:update to be performed.',
        )
      const name = r.params.target
      if (name.length < 1 || name.length > 255)
        throw new BadRequestError('Invalid input received: quota_class_name has a length of 1-255.')
      const body = r.body as Record<string, unknown> | undefined
      const set = body?.['quota_class_set']
      if (!body || !set || typeof set !== 'object' || Array.isArray(set))
        throw new BadRequestError(
          "Invalid input for field/attribute quota_class_set. 'quota_class_set' is a required property",
        )
      const extra = Object.keys(body).filter((k) => k !== 'quota_class_set')
      if (extra.length)
        throw new BadRequestError(
          `Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} were unexpected)`,
        )
      const known = await classLimits(ctx, ctx.db, name)
      const entries = Object.entries(set as Record<string, unknown>)
      const bad = entries.map(([k]) => k).filter((k) => !(k in known))
      if (bad.length)
        throw new BadRequestError(
          `Invalid input received: Bad key(s) in quota class set: ${bad.join(', ')}`,
        )
      const updates = entries.map(([k, raw]): [string, number] => {
        const n = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw
        if (typeof n !== 'number' || !Number.isInteger(n) || n < -1 || n > 2147483647)
          throw new BadRequestError(
            `Invalid input received: Quota value for key '${k}' must be an integer between -1 and 2147483647.`,
          )
        return [k, n]
      })
      await ctx.db.transaction().execute(async (trx) => {
        for (const [resource, hard] of updates)
          await trx
            .insertInto('volume_quota_classes')
            .values({ class_name: name, resource, hard_limit: hard })
            .onConflict((oc) =>
              oc.columns(['class_name', 'resource']).doUpdateSet({ hard_limit: hard }),
            )
            .execute()
      })
      // Cinder answers the class's values without an id.
      return { quota_class_set: await classLimits(ctx, ctx.db, name) }
    })
  }
}
