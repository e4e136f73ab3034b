import { randomInt } from 'node:crypto'

// Nova's default_password_symbols minus look-alikes.
const SYMBOLS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'

/** nova.utils.generate_password: 12 random characters, [DEFAULT] password_length. */
export function generatePassword(length = 12): string {
  let out = ''
  for (let i = 0; i < length; i++) out += SYMBOLS[randomInt(SYMBOLS.length)]
  return out
}
