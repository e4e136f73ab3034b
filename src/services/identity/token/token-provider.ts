import { randomBytes } from 'node:crypto'
import { fernetDecrypt, fernetEncrypt } from './fernet.js'
import type { KeyRepository } from './key-repository.js'
import { decodePayload, encodePayload, type TokenPayload } from './token-payload.js'

/** Signs and opens self-contained tokens with the key repository's keys. */
export class TokenProvider {
  readonly #repo: KeyRepository
  #keys: { primary: Buffer; all: Buffer[] }

  constructor(repo: KeyRepository) {
    this.#repo = repo
    repo.ensure()
    this.#keys = repo.load()
  }

  /** Re-reads the key files (after `nubis token rotate`). */
  reload(): void {
    this.#keys = this.#repo.load()
  }

  issue(payload: TokenPayload): string {
    return fernetEncrypt(this.#keys.primary, encodePayload(payload))
  }

  /** The payload, or undefined for a token no key of ours signed. */
  open(token: string): TokenPayload | undefined {
    const plain = fernetDecrypt(this.#keys.all, token)
    return plain ? decodePayload(plain) : undefined
  }
}

/** Keystone's audit id form: 16 random bytes, urlsafe base64 without padding. */
export function newAuditId(): string {
  return randomBytes(16).toString('base64url')
}
