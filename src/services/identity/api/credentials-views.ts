import { parseJson } from '../../../db/repositories/identity/rows.js'
import type { CredentialRow } from '../../../db/repositories/identity/credentials.js'

/** A credential: `blob` is the JSON string the client stored. */
export function credentialView(row: CredentialRow, base: string): Record<string, unknown> {
  return {
    ...parseJson<Record<string, unknown>>(row.extra, {}),
    id: row.id,
    user_id: row.user_id,
    project_id: row.project_id,
    type: row.type,
    blob: row.blob,
    links: { self: `${base}/credentials/${row.id}` },
  }
}

/** The OS-EC2 form of an `ec2` credential (keystone.api.users._convert_v3_to_ec2_credential). */
export function ec2View(row: CredentialRow, base: string): Record<string, unknown> {
  const blob = parseJson<Record<string, unknown>>(row.blob, {})
  const access = typeof blob['access'] === 'string' ? blob['access'] : null
  return {
    user_id: row.user_id,
    tenant_id: row.project_id,
    access,
    secret: blob['secret'] ?? null,
    trust_id: blob['trust_id'] ?? null,
    links: { self: `${base}/users/${row.user_id}/credentials/OS-EC2/${access}` },
  }
}
