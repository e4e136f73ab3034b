import {
  deleteConfigOptions,
  listConfigOptions,
  upsertConfigOptions,
} from '../../db/repositories/identity/domain-configs.js'
import { getDomain as getDomainRow } from '../../db/repositories/identity/domains.js'
import { WHITELISTED } from './domain-config-options.js'
import {
  assertValidConfig,
  assertValidGroupAndOption,
  describeTarget,
  invalid,
  notFound,
  toDict,
  toList,
  type ConfigDict,
} from './domain-config-rules.js'
import type { IdentityContext } from './identity-context.js'

export type { ConfigDict }
import { domainNotFound } from './resource-errors.js'

async function requireDomain(ctx: IdentityContext, domainId: string): Promise<void> {
  if (!(await getDomainRow(ctx.db, domainId))) throw domainNotFound(domainId)
}

/** GET /v3/domains/{id}/config[/{group}[/{option}]]: the non-sensitive options; 404 when none match. */
export async function getConfig(
  ctx: IdentityContext,
  domainId: string,
  group?: string,
  option?: string,
): Promise<ConfigDict> {
  await requireDomain(ctx, domainId)
  assertValidGroupAndOption(group, option)
  const list = await listConfigOptions(ctx.db, domainId, { group, option, sensitive: false })
  if (list.length === 0) throw notFound(domainId, describeTarget(group, option))
  return toDict(list, option)
}

/** PUT /v3/domains/{id}/config: replaces the whole config; `created` when there was none. */
export async function createConfig(
  ctx: IdentityContext,
  domainId: string,
  config: ConfigDict,
): Promise<{ config: ConfigDict; created: boolean }> {
  await requireDomain(ctx, domainId)
  assertValidConfig(config)
  const created = (await listConfigOptions(ctx.db, domainId)).length === 0
  await ctx.db.transaction().execute(async (trx) => {
    await deleteConfigOptions(trx, domainId)
    await upsertConfigOptions(trx, domainId, toList(config))
  })
  ctx.changed()
  return {
    config: toDict(await listConfigOptions(ctx.db, domainId, { sensitive: false })),
    created,
  }
}

/**
 * PATCH /v3/domains/{id}/config[/{group}[/{option}]]: merges into the stored
 * config. With a group (or option) the body must hold just that one, and it
 * must already exist (Keystone's `_assert_valid_update`).
 */
export async function updateConfig(
  ctx: IdentityContext,
  domainId: string,
  body: ConfigDict,
  group?: string,
  option?: string,
): Promise<ConfigDict> {
  await requireDomain(ctx, domainId)
  const config = group !== undefined && option !== undefined ? { [group]: body } : body
  assertValidConfig(config)
  assertValidGroupAndOption(group, option)
  if (group !== undefined) {
    const inGroup = config[group] as Record<string, unknown> | undefined
    const only =
      Object.keys(config).length === 1 &&
      (option === undefined || Object.keys(Object.values(config)[0] as object).length === 1)
    if (!only) {
      throw invalid(
        option !== undefined
          ? `Trying to update option ${option} in group ${group}, so that, and only that, option must be specified  in the config`
          : `Trying to update group ${group}, so that, and only that, group must be specified in the config`,
      )
    }
    if (inGroup === undefined) {
      throw invalid(
        `request to update group ${group}, but config provided contains group ${Object.keys(config)[0]} instead`,
      )
    }
    if (option !== undefined && !(option in inGroup)) {
      throw invalid(
        `Trying to update option ${option} in group ${group}, but config provided contains option ${Object.keys(inGroup)[0]} instead`,
      )
    }
    if ((await listConfigOptions(ctx.db, domainId, { group, option })).length === 0)
      throw notFound(domainId, describeTarget(group, option))
  }
  await upsertConfigOptions(ctx.db, domainId, toList(config))
  ctx.changed()
  return getConfig(ctx, domainId)
}

/** DELETE /v3/domains/{id}/config[/{group}[/{option}]]: 404 when the group or option is not set. */
export async function deleteConfig(
  ctx: IdentityContext,
  domainId: string,
  group?: string,
  option?: string,
): Promise<void> {
  await requireDomain(ctx, domainId)
  assertValidGroupAndOption(group, option)
  if (
    group !== undefined &&
    (await listConfigOptions(ctx.db, domainId, { group, option })).length === 0
  ) {
    throw notFound(domainId, describeTarget(group, option))
  }
  await deleteConfigOptions(ctx.db, domainId, group, option)
  ctx.changed()
}

/** GET /v3/domains/config[/{group}[/{option}]]/default */
export function getDefaultConfig(group?: string, option?: string): ConfigDict {
  assertValidGroupAndOption(group, option)
  if (group !== undefined && option !== undefined) {
    const options = WHITELISTED[group] ?? {}
    if (!Object.hasOwn(options, option))
      throw invalid(`Reading the default for option ${option} in group ${group} is not supported`)
    return { [option]: options[option] }
  }
  if (group !== undefined) return { [group]: { ...WHITELISTED[group] } }
  return Object.fromEntries(Object.entries(WHITELISTED).map(([g, o]) => [g, { ...o }]))
}

/** GET /v3/domains/{default}/config/security_compliance[/{option}]: the password rules anyone may read. */
export async function getSecurityComplianceConfig(
  ctx: IdentityContext,
  domainId: string,
  option?: string,
): Promise<ConfigDict> {
  await requireDomain(ctx, domainId)
  if (domainId !== ctx.config.identity.default_domain_id) {
    throw invalid(
      'Reading security compliance information for any domain other than the default domain is not allowed or supported.',
    )
  }
  const s = ctx.config.security
  const values: Record<string, string | null> = {
    password_regex: s.password_regex === '' ? null : s.password_regex,
    password_regex_description:
      s.password_regex_description === '' ? null : s.password_regex_description,
  }
  if (option === undefined) return { security_compliance: values }
  if (!Object.hasOwn(values, option)) {
    throw invalid(
      'Reading security compliance values other than password_regex and password_regex_description is not allowed.',
    )
  }
  return { [option]: values[option] }
}
