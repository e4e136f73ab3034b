import { BadRequestError } from '../../common/errors.js'

const BAD_FORMAT =
  'Timestamp not in expected format. The server could not comply with the request since it is ' +
  'either malformed or otherwise incorrect. The client is assumed to be in error.'
const IN_THE_PAST =
  "The 'expires_at' must not be before now. The server could not comply with the request since " +
  'it is either malformed or otherwise incorrect. The client is assumed to be in error.'

// NOTE: Keystone appends 'Z' when missing and parses with iso8601, which accepts a date alone,
// minutes without seconds, any number of fraction digits and an explicit UTC offset.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?Z?$/

/**
 * Parses a client's `expires_at` the way Keystone's parse_expiration_date does and returns the
 * stored form: UTC with microseconds, `2015-02-17T17:34:01.907051Z` (JS dates keep only
 * milliseconds, and Tempest compares the microseconds it sent). Throws Keystone's 400 for a
 * malformed timestamp or one in the past.
 */
export function parseExpiresAt(value: string, now: number = Date.now()): string {
  const m = ISO.exec(value.trim())
  if (!m) throw new BadRequestError(BAD_FORMAT)
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', tz = 'Z'] = m
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  const check = new Date(ms)
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    throw new BadRequestError(BAD_FORMAT)
  }
  if (tz !== 'Z') {
    const sign = tz.startsWith('-') ? -1 : 1
    const digits = tz.slice(1).replace(':', '')
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000
  }
  const micros = (frac + '000000').slice(0, 6)
  if (ms + Number(micros) / 1000 < now) throw new BadRequestError(IN_THE_PAST)
  return `${new Date(ms).toISOString().slice(0, 19)}.${micros}Z`
}

/** Keystone's isotime(subsecond=True): `2015-02-17T17:34:01.907051Z` (trusts, tokens). */
export function isoMicros(stored: string): string {
  return /\.\d{6}Z$/.test(stored)
    ? stored
    : new Date(stored).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
}

/** oslo.serialization's datetime form, no zone: `2015-02-17T17:34:01.907051` (app credentials). */
export function naiveMicros(stored: string): string {
  return isoMicros(stored).slice(0, -1)
}
