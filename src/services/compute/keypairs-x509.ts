import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NotImplementedError } from '../../common/errors.js'
import { x509Fingerprint } from './keypairs-crypto.js'

function run(args: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'openssl',
      args,
      { encoding: 'buffer', timeout: 30_000 },
      (err, stdout) => {
        if (err) reject(new Error(err.message, { cause: err }))
        else resolve(stdout)
      },
    )
    if (input) child.stdin?.end(input)
    else child.stdin?.end()
  })
}

/**
 * Nova's generate_winrm_x509_cert: a self-signed client-auth certificate for
 * CN=<user> with the WinRM UPN, valid ten years; the private key is the
 * PKCS#12 bundle (empty password) in base64. Like Nova it runs the openssl
 * command; without it the request is 501.
 */
export async function generateX509KeyPair(userId: string): Promise<{
  privateKey: string
  publicKey: string
  fingerprint: string
}> {
  const cn = userId.replace(/[^A-Za-z0-9_.@-]/g, '_')
  const dir = await mkdtemp(join(tmpdir(), 'nubis-x509-'))
  try {
    const conf = join(dir, 'temp.conf')
    const key = join(dir, 'temp.key')
    await writeFile(
      conf,
      [
        '[ req ]',
        'distinguished_name = req_distinguished_name',
        'req_extensions = v3_req_client',
        '[ req_distinguished_name ]',
        '[ v3_req_client ]',
        'extendedKeyUsage = clientAuth',
        `subjectAltName = otherName:1.3.6.1.4.1.311.20.2.3;UTF8:${cn}@localhost`,
        '',
      ].join('\n'),
    )
    let cert: Buffer
    let p12: Buffer
    try {
      cert = await run([
        'req',
        '-x509',
        '-nodes',
        '-days',
        '3650',
        '-config',
        conf,
        '-newkey',
        'rsa:2048',
        '-outform',
        'PEM',
        '-keyout',
        key,
        '-subj',
        `/CN=${cn}`,
        '-extensions',
        'v3_req_client',
      ])
      p12 = await run(['pkcs12', '-export', '-inkey', key, '-password', 'pass:'], cert)
    } catch (err) {
      throw new NotImplementedError(
        `Generating x509 key pairs needs the openssl command: ${(err as Error).message}`,
      )
    }
    const publicKey = cert.toString('utf8')
    return {
      privateKey: p12.toString('base64'),
      publicKey,
      fingerprint: x509Fingerprint(publicKey),
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
