import { BadRequestError, ForbiddenError, NotFoundError } from '../../common/errors.js'
import {
  addTag as addTagRow,
  deleteTag as deleteTagRow,
  setTags,
} from '../../db/repositories/identity/project-tags.js'
import type { IdentityContext } from './identity-context.js'
import { getProject } from './projects-service.js'
import { isImmutable } from './resource-model.js'

const MAX_TAGS = 80

/** keystone/resource/schema.py `_project_tag_name_properties`, as jsonschema words it. */
function tagProblem(tag: string): string | undefined {
  if (tag.length < 1) return `'${tag}' is too short`
  if (tag.length > 255) return `'${tag}' is too long`
  if (/[,/]/.test(tag)) return `'${tag}' does not match '^[^,/]*$'`
  return undefined
}

const tagNotFound = (tag: string): NotFoundError =>
  new NotFoundError(`Could not find project tag: ${tag}.`)

/** Keystone refuses tag changes on an immutable project; the wording (with "creating") is its own. */
function assertMutable(
  extra: Readonly<Record<string, unknown>>,
  id: string,
  verb: 'create' | 'update' | 'delete',
): void {
  if (isImmutable(extra)) {
    throw new ForbiddenError(
      `Cannot ${verb} project tags for ${id}, project is immutable. Set "immutable" option to false before creating project tags.`,
    )
  }
}

/** GET /v3/projects/{id}/tags */
export async function listProjectTags(
  ctx: IdentityContext,
  id: string,
): Promise<readonly string[]> {
  return (await getProject(ctx, id)).tags
}

/** PUT /v3/projects/{id}/tags: replaces them all (DELETE passes an empty list). */
export async function replaceProjectTags(
  ctx: IdentityContext,
  id: string,
  tags: readonly string[],
): Promise<string[]> {
  const p = await getProject(ctx, id)
  assertMutable(p.extra, id, 'update')
  const list = tags.map((t) => t.trim())
  await setTags(ctx.db, id, [...new Set(list)])
  ctx.changed()
  return list
}

/** GET /v3/projects/{id}/tags/{tag}: 404 unless present. */
export async function checkProjectTag(
  ctx: IdentityContext,
  id: string,
  tag: string,
): Promise<void> {
  if (!(await getProject(ctx, id)).tags.includes(tag)) throw tagNotFound(tag)
}

/** PUT /v3/projects/{id}/tags/{tag} */
export async function addProjectTag(
  ctx: IdentityContext,
  id: string,
  tag: string,
): Promise<string> {
  const problem = tagProblem(tag)
  if (problem !== undefined) throw new BadRequestError(problem)
  const p = await getProject(ctx, id)
  const name = tag.trim()
  // Keystone validates the old list plus the new tag: a repeat or an 81st tag is a 400.
  const next = JSON.stringify([...p.tags, name])
  if (p.tags.includes(name)) throw new BadRequestError(`${next} has non-unique elements`)
  if (p.tags.length + 1 > MAX_TAGS) throw new BadRequestError(`${next} is too long`)
  assertMutable(p.extra, id, 'create')
  await addTagRow(ctx.db, id, name)
  ctx.changed()
  return name
}

/** DELETE /v3/projects/{id}/tags/{tag} */
export async function deleteProjectTag(
  ctx: IdentityContext,
  id: string,
  tag: string,
): Promise<void> {
  const p = await getProject(ctx, id)
  assertMutable(p.extra, id, 'delete')
  if (!(await deleteTagRow(ctx.db, id, tag))) throw tagNotFound(tag)
  ctx.changed()
}
