import { Type, type Static } from '@sinclair/typebox'

const properties = {
  blob: Type.String(),
  project_id: Type.String(),
  type: Type.String(),
  user_id: Type.String(),
}

/** keystone/credential/schema.py credential_create (the ec2 ⇒ project_id rule is checked in the service). */
export const credentialCreateSchema = Type.Object(
  { ...properties, project_id: Type.Optional(properties.project_id) },
  { additionalProperties: true },
)
export type CredentialBody = Static<typeof credentialCreateSchema> & Record<string, unknown>

/**
 * The update schema Tempest and the openstack CLI rely on (blob, project_id,
 * type, user_id). NOTE: Keystone's newest releases accept only `blob`; we keep
 * the documented API and guard ownership and ec2 scope keys in the service.
 */
export const credentialUpdateSchema = Type.Object(
  {
    blob: Type.Optional(properties.blob),
    project_id: Type.Optional(Type.Union([properties.project_id, Type.Null()])),
    type: Type.Optional(properties.type),
    user_id: Type.Optional(properties.user_id),
  },
  { additionalProperties: true, minProperties: 1 },
)
export type CredentialUpdateBody = Static<typeof credentialUpdateSchema> & Record<string, unknown>

/** POST /v3/users/{id}/credentials/OS-EC2 */
export const ec2CreateSchema = Type.Object(
  { tenant_id: Type.Optional(Type.String()) },
  { additionalProperties: true },
)
