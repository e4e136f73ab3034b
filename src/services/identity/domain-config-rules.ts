import { ForbiddenError, NotFoundError } from '../../common/errors.js'
import type { DomainConfigOption } from '../../db/repositories/identity/domain-configs.js'
import { isKnownGroup, isKnownOption, isSensitive } from './domain-config-options.js'

/** Validation and shape of domain-specific configuration, as Keystone's DomainConfigManager does it. */

/** `{group: {option: value}}`, or `{option: value}` when one option was asked for. */
export type ConfigDict = Record<string, unknown>

export const invalid = (reason: string): ForbiddenError =>
  new ForbiddenError(`Invalid domain specific configuration: ${reason}.`)
export const notFound = (domainId: string, what: string): NotFoundError =>
  new NotFoundError(`Could not find ${what} in domain configuration for domain ${domainId}.`)
export const describeTarget = (group?: string, option?: string): string =>
  option !== undefined
    ? `option ${option} in group ${group}`
    : group !== undefined
      ? `group ${group}`
      : 'any options'

/** Keystone's `_assert_valid_group_and_option`. */
export function assertValidGroupAndOption(group?: string, option?: string): void {
  if (group === undefined) return
  if (!isKnownGroup(group))
    throw invalid(`Group ${group} is not supported for domain specific configurations`)
  if (option !== undefined && !isKnownOption(group, option)) {
    throw invalid(
      `Option ${option} in group ${group} is not supported for domain specific configurations`,
    )
  }
}

/** Keystone's `_assert_valid_config`: non-empty, every group a non-empty object of known options. */
export function assertValidConfig(config: ConfigDict): void {
  if (Object.keys(config).length === 0) throw invalid('No options specified')
  for (const [group, options] of Object.entries(config)) {
    if (
      typeof options !== 'object' ||
      options === null ||
      Array.isArray(options) ||
      Object.keys(options).length === 0
    ) {
      throw invalid(
        `The value of group ${group} specified in the config should be a dictionary of options`,
      )
    }
    for (const option of Object.keys(options)) assertValidGroupAndOption(group, option)
  }
}

export function toList(config: ConfigDict): DomainConfigOption[] {
  return Object.entries(config).flatMap(([group, options]) =>
    Object.entries(options as Record<string, unknown>).map(([option, value]) => ({
      group,
      option,
      value,
      sensitive: isSensitive(group, option),
    })),
  )
}

export function toDict(list: readonly DomainConfigOption[], option?: string): ConfigDict {
  if (option !== undefined) return Object.fromEntries(list.map((o) => [o.option, o.value]))
  const out: Record<string, Record<string, unknown>> = {}
  for (const o of list) (out[o.group] ??= {})[o.option] = o.value
  return out
}
