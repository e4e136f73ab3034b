import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ForbiddenError } from '../../common/errors.js'
import { newHexId } from '../../common/ids.js'
import { getDomain as getDomainRow } from '../../db/repositories/identity/domains.js'
import { setTags } from '../../db/repositories/identity/project-tags.js'
import {
  getProject as getProjectRow,
  getProjectByName,
  insertProject,
  listAncestors,
  type ProjectRow,
} from '../../db/repositories/identity/projects.js'
import { toBool } from '../../db/repositories/identity/rows.js'
import { createDomain } from './domains-service.js'
import type { IdentityContext } from './identity-context.js'
import { getProject, withoutProjectKeys, type ProjectBody } from './projects-service.js'
import { isUniqueViolation, projectNameConflict } from './resource-errors.js'
import { domainAsProject, mergeExtra, type ProjectRecord } from './resource-model.js'

/** Keystone's [DEFAULT] max_project_tree_depth; the domain adds one level on top. */
const MAX_PROJECT_TREE_DEPTH = 5

/** POST /v3/projects. Without domain_id the project lands in the token's domain, else the default one. */
export async function createProject(
  ctx: IdentityContext,
  auth: AuthContext,
  body: ProjectBody,
): Promise<ProjectRecord> {
  if (body.is_domain === true) {
    if (body.parent_id)
      throw new BadRequestError('only root projects are allowed to act as domains.')
    return domainAsProject(await createDomain(ctx, withoutProjectKeys(body)))
  }
  const domainId = body.domain_id || auth.domain?.id || ctx.config.identity.default_domain_id
  const domain = await getDomainRow(ctx.db, domainId)
  if (!domain) throw new BadRequestError(`Could not find domain: ${domainId}.`)
  const parentId = body.parent_id || domainId
  // The branch above the new project, nearest first, ending with its domain.
  const branch: { id: string; enabled: number }[] = []
  if (parentId !== domainId) {
    const parent = await getProjectRow(ctx.db, parentId)
    if (!parent) {
      if (await getDomainRow(ctx.db, parentId)) {
        throw new BadRequestError(
          `Cannot create project, the parent (${parentId}) is acting as a domain, but this project's domain id (${domainId}) does not match the parent's id.`,
        )
      }
      throw new BadRequestError(`Could not find project: ${parentId}.`)
    }
    if (parent.domain_id !== domainId) {
      throw new BadRequestError(
        `Cannot create project, since it specifies its domain_id ${domainId}, but specifies a parent in a different domain (${parent.domain_id}).`,
      )
    }
    branch.push(parent, ...(await listAncestors(ctx.db, parent)))
  }
  branch.push(domain)
  const disabled = branch.find((p) => p.enabled !== 1)
  if (disabled)
    throw new BadRequestError(
      `cannot create a project in a branch containing a disabled project: ${disabled.id}`,
    )
  if (branch.length + 1 > MAX_PROJECT_TREE_DEPTH + 1) {
    throw new ForbiddenError(`Max hierarchy depth reached for ${parentId} branch.`)
  }
  const id = newHexId()
  const name = (body.name ?? '').trim()
  if (await getProjectByName(ctx.db, domainId, name)) throw projectNameConflict(name, id)
  const row: ProjectRow = {
    id,
    name,
    domain_id: domainId,
    parent_id: parentId,
    description: body.description ?? '',
    enabled: toBool(body.enabled ?? true),
    is_domain: 0,
    extra: JSON.stringify(mergeExtra({}, body)),
  }
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertProject(trx, row)
      await setTags(
        trx,
        id,
        (body.tags ?? []).map((t) => t.trim()),
      )
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw projectNameConflict(name, id)
    throw err
  }
  ctx.changed()
  return getProject(ctx, id)
}
