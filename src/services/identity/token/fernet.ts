import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto'

/**
 * Fernet (https://github.com/fernet/spec): AES-128-CBC + HMAC-SHA256,
 * version 0x80, 64-bit timestamp, 128-bit IV, base64url. The same
 * construction Keystone's tokens use; implemented with node:crypto because it
 * is 40 lines and on the validation hot path.
 */
const VERSION = 0x80

export function fernetEncrypt(
  key: Buffer,
  plaintext: Buffer,
  nowSeconds = Math.floor(Date.now() / 1000),
): string {
  const signing = key.subarray(0, 16)
  const encryption = key.subarray(16, 32)
  const iv = randomBytes(16)
  const cipher = createCipheriv('aes-128-cbc', encryption, iv)
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()])
  const header = Buffer.alloc(9)
  header.writeUInt8(VERSION, 0)
  header.writeBigUInt64BE(BigInt(nowSeconds), 1)
  const body = Buffer.concat([header, iv, ct])
  const mac = createHmac('sha256', signing).update(body).digest()
  return Buffer.concat([body, mac]).toString('base64url')
}

/** Tries each key; returns the plaintext or undefined when no key authenticates the token. */
export function fernetDecrypt(keys: readonly Buffer[], token: string): Buffer | undefined {
  if (token.length < 80 || token.length > 4096 || !/^[A-Za-z0-9_-]+=*$/.test(token))
    return undefined
  const raw = Buffer.from(token.replace(/=+$/, ''), 'base64url')
  if (raw.length < 1 + 8 + 16 + 16 + 32 || raw[0] !== VERSION) return undefined
  const body = raw.subarray(0, raw.length - 32)
  const mac = raw.subarray(raw.length - 32)
  for (const key of keys) {
    const expected = createHmac('sha256', key.subarray(0, 16)).update(body).digest()
    if (!timingSafeEqual(expected, mac)) continue
    try {
      const decipher = createDecipheriv('aes-128-cbc', key.subarray(16, 32), body.subarray(9, 25))
      return Buffer.concat([decipher.update(body.subarray(25)), decipher.final()])
    } catch {
      return undefined
    }
  }
  return undefined
}
