import { createHash, createPublicKey, generateKeyPair, X509Certificate } from 'node:crypto'
import { promisify } from 'node:util'
import { BadRequestError } from '../../common/errors.js'

const generate = promisify(generateKeyPair)

/** Key types an OpenSSH public key line may carry (what pyca/cryptography loads). */
const SSH_TYPES = new Set([
  'ssh-rsa',
  'ssh-dss',
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
])

function invalid(reason: string): never {
  throw new BadRequestError(`Keypair data is invalid: ${reason}`)
}

const colonHex = (hex: string): string => hex.match(/../g)!.join(':')

/** Reads the SSH wire strings of a public key blob; undefined when malformed. */
function sshStrings(blob: Buffer): Buffer[] | undefined {
  const out: Buffer[] = []
  let at = 0
  while (at < blob.length) {
    if (at + 4 > blob.length) return undefined
    const len = blob.readUInt32BE(at)
    at += 4
    if (at + len > blob.length) return undefined
    out.push(blob.subarray(at, at + len))
    at += len
  }
  return out
}

/**
 * Nova's crypto.generate_fingerprint: checks the OpenSSH public key parses,
 * then MD5 of its blob as colon-separated hex.
 */
export function sshFingerprint(publicKey: string): string {
  const parts = publicKey.trim().split(/\s+/)
  const [type, data] = parts
  if (!type || !data || !SSH_TYPES.has(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(data))
    invalid('failed to generate fingerprint')
  const blob = Buffer.from(data, 'base64')
  const fields = sshStrings(blob)
  const minFields = type === 'ssh-dss' ? 5 : type === 'ssh-rsa' || type.startsWith('ecdsa') ? 3 : 2
  if (!fields || fields.length < minFields || fields[0]!.toString('latin1') !== type)
    invalid('failed to generate fingerprint')
  if (type === 'ssh-ed25519' && fields[1]!.length !== 32) invalid('failed to generate fingerprint')
  return colonHex(createHash('md5').update(blob).digest('hex'))
}

/** Nova's generate_x509_fingerprint: SHA-1 of the certificate, lower-case colon hex. */
export function x509Fingerprint(pem: string): string {
  try {
    return new X509Certificate(pem).fingerprint.toLowerCase()
  } catch (err) {
    return invalid(`failed to generate X509 fingerprint. Error message: ${(err as Error).message}`)
  }
}

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(b.length)
  return Buffer.concat([len, b])
}

/** An SSH mpint: big-endian, with a leading zero when the top bit is set. */
function mpint(b: Buffer): Buffer {
  let v = b
  while (v.length > 1 && v[0] === 0) v = v.subarray(1)
  return sshString(v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v)
}

/** A new RSA-2048 pair as Nova makes it: PEM private key, `ssh-rsa … Generated-by-Nova`. */
export async function generateSshKeyPair(): Promise<{
  privateKey: string
  publicKey: string
  fingerprint: string
}> {
  const { publicKey, privateKey } = await generate('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  })
  const jwk = createPublicKey(publicKey).export({ format: 'jwk' })
  const blob = Buffer.concat([
    sshString(Buffer.from('ssh-rsa')),
    mpint(Buffer.from(jwk.e!, 'base64url')),
    mpint(Buffer.from(jwk.n!, 'base64url')),
  ])
  const line = `ssh-rsa ${blob.toString('base64')} Generated-by-Nova`
  return { privateKey, publicKey: line, fingerprint: sshFingerprint(line) }
}
