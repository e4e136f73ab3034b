import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * Password hashing with scrypt (r=8, p=1). The stored form carries its own
 * parameters (`$scrypt$ln=17,r=8,p=1$<salt>$<hash>`), so raising the cost
 * later keeps old hashes verifiable.
 *
 * NOTE: log2(N)=17 costs ~128 MiB and a few hundred ms per hash: memory-hard
 * and at least as slow to guess as Keystone's bcrypt cost 12.
 */
export class PasswordHasher {
  readonly #logN: number
  /** A hash of a random password, verified against when the user does not exist, to keep timing equal. */
  #decoy: Promise<string> | undefined

  constructor(logN: number) {
    this.#logN = logN
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16)
    const key = await derive(password, salt, this.#logN, 8, 1)
    return `$scrypt$ln=${this.#logN},r=8,p=1$${salt.toString('base64')}$${key.toString('base64')}`
  }

  /** Constant-time check; false for malformed stored hashes. */
  async verify(password: string, stored: string): Promise<boolean> {
    const m = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/.exec(stored)
    if (!m) return false
    const expected = Buffer.from(m[5] ?? '', 'base64')
    const key = await derive(
      password,
      Buffer.from(m[4] ?? '', 'base64'),
      Number(m[1]),
      Number(m[2]),
      Number(m[3]),
      expected.length,
    )
    return key.length === expected.length && timingSafeEqual(key, expected)
  }

  /** Spends the same time as a real verify, for unknown users. */
  async verifyDecoy(password: string): Promise<false> {
    this.#decoy ??= this.hash(randomBytes(16).toString('hex'))
    await this.verify(password, await this.#decoy)
    return false
  }
}

function derive(
  password: string,
  salt: Buffer,
  logN: number,
  r: number,
  p: number,
  keylen = 32,
): Promise<Buffer> {
  const N = 2 ** logN
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      keylen,
      { N, r, p, maxmem: 256 * N * r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    )
  })
}
