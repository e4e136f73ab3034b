/**
 * Typed option declarations, one module per config group (nova/conf/*.py).
 * A group declares its options with help text and defaults; load.ts turns the
 * raw INI strings into these types and rejects anything undeclared.
 */
export type OptionType = 'string' | 'int' | 'float' | 'bool' | 'list'

interface OptionBase<T> {
  readonly type: OptionType
  readonly default: T
  readonly help: string
  /** Masked by `nubis config show` and never logged. */
  readonly secret?: boolean
  /** Other names accepted in the file for this option (deprecated spellings). */
  readonly aliases?: readonly string[]
  readonly choices?: readonly string[]
  readonly min?: number
  readonly max?: number
}

export interface Option<T> extends OptionBase<T> {
  /** Phantom marker that carries T; never set at run time. */
  readonly __type?: T
}

type Extra = Partial<Pick<OptionBase<unknown>, 'secret' | 'aliases' | 'choices' | 'min' | 'max'>>

export const opt = {
  string: (help: string, def: string, extra: Extra = {}): Option<string> => ({
    type: 'string',
    default: def,
    help,
    ...extra,
  }),
  int: (help: string, def: number, extra: Extra = {}): Option<number> => ({
    type: 'int',
    default: def,
    help,
    ...extra,
  }),
  float: (help: string, def: number, extra: Extra = {}): Option<number> => ({
    type: 'float',
    default: def,
    help,
    ...extra,
  }),
  bool: (help: string, def: boolean, extra: Extra = {}): Option<boolean> => ({
    type: 'bool',
    default: def,
    help,
    ...extra,
  }),
  list: (help: string, def: readonly string[], extra: Extra = {}): Option<readonly string[]> => ({
    type: 'list',
    default: def,
    help,
    ...extra,
  }),
}

export type OptionMap = Record<string, Option<unknown>>

export interface Group<N extends string = string, O extends OptionMap = OptionMap> {
  readonly name: N
  readonly help: string
  readonly options: O
}

export type GroupValues<G extends Group> = {
  readonly [K in keyof G['options']]: G['options'][K] extends Option<infer T> ? T : never
}

export function defineGroup<N extends string, O extends OptionMap>(
  name: N,
  help: string,
  options: O,
): Group<N, O> {
  return { name, help, options }
}

/** Parses one raw string into the option's type; throws a message without the option name. */
export function parseValue(option: Option<unknown>, raw: string): unknown {
  const s = raw.trim()
  let value: unknown
  switch (option.type) {
    case 'string':
      value = s
      break
    case 'int': {
      if (!/^[-+]?\d+$/.test(s)) throw new Error(`expected an integer, got ${JSON.stringify(raw)}`)
      value = Number.parseInt(s, 10)
      break
    }
    case 'float': {
      const n = Number(s)
      if (s === '' || !Number.isFinite(n))
        throw new Error(`expected a number, got ${JSON.stringify(raw)}`)
      value = n
      break
    }
    case 'bool': {
      const l = s.toLowerCase()
      if (['true', 'yes', 'on', '1'].includes(l)) value = true
      else if (['false', 'no', 'off', '0'].includes(l)) value = false
      else throw new Error(`expected true or false, got ${JSON.stringify(raw)}`)
      break
    }
    case 'list':
      value =
        s === ''
          ? []
          : s
              .split(',')
              .map((x) => x.trim())
              .filter((x) => x !== '')
      break
  }
  if (option.choices && typeof value === 'string' && !option.choices.includes(value)) {
    throw new Error(`must be one of ${option.choices.join(', ')}, got ${JSON.stringify(raw)}`)
  }
  if (typeof value === 'number') {
    if (option.min !== undefined && value < option.min)
      throw new Error(`must be >= ${option.min}, got ${value}`)
    if (option.max !== undefined && value > option.max)
      throw new Error(`must be <= ${option.max}, got ${value}`)
  }
  return value
}
