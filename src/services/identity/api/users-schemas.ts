import { Type, type Static, type TSchema } from '@sinclair/typebox'

/** Keystone's parameter_types, as TypeBox schemas (checked without coercion, see list-query.ts). */
const nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()])
export const idString = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' })
export const identityName = Type.String({ minLength: 1, maxLength: 255, pattern: '[\\S]+' })

/** keystone/identity/backends/resource_options.py: every option is nullable (null removes it). */
export const userOptions = Type.Object(
  {
    ignore_change_password_upon_first_use: Type.Optional(nullable(Type.Boolean())),
    ignore_password_expiry: Type.Optional(nullable(Type.Boolean())),
    ignore_lockout_failure_attempts: Type.Optional(nullable(Type.Boolean())),
    lock_password: Type.Optional(nullable(Type.Boolean())),
    ignore_user_inactivity: Type.Optional(nullable(Type.Boolean())),
    multi_factor_auth_rules: Type.Optional(
      nullable(
        Type.Array(Type.Array(Type.String(), { minItems: 1, uniqueItems: true }), {
          uniqueItems: true,
        }),
      ),
    ),
    multi_factor_auth_enabled: Type.Optional(nullable(Type.Boolean())),
  },
  { additionalProperties: false },
)
export type UserOptions = Static<typeof userOptions>

const federated = Type.Array(
  Type.Object({
    idp_id: Type.String(),
    protocols: Type.Array(Type.Object({ protocol_id: Type.String(), unique_id: Type.String() }), {
      minItems: 1,
    }),
  }),
)

const userProperties = {
  default_project_id: Type.Optional(nullable(idString)),
  description: Type.Optional(nullable(Type.String())),
  domain_id: Type.Optional(idString),
  enabled: Type.Optional(Type.Boolean()),
  federated: Type.Optional(federated),
  password: Type.Optional(nullable(Type.String())),
  options: Type.Optional(userOptions),
}

/** keystone/identity/schema.py user_create: unknown attributes are kept (in `extra`). */
export const userCreateSchema = Type.Object(
  { ...userProperties, name: identityName },
  { additionalProperties: true },
)
export type UserCreateBody = Static<typeof userCreateSchema> & Record<string, unknown>

export const userUpdateSchema = Type.Object(
  { ...userProperties, name: Type.Optional(identityName) },
  { additionalProperties: true, minProperties: 1 },
)
export type UserUpdateBody = Static<typeof userUpdateSchema> & Record<string, unknown>

/** POST /v3/users/{id}/password */
export const passwordChangeSchema = Type.Object(
  { original_password: Type.String(), password: Type.String() },
  { additionalProperties: false },
)

const groupProperties = {
  description: Type.Optional(nullable(Type.String())),
  domain_id: Type.Optional(idString),
}
export const groupCreateSchema = Type.Object(
  { ...groupProperties, name: identityName },
  { additionalProperties: true },
)
export type GroupCreateBody = Static<typeof groupCreateSchema> & Record<string, unknown>
export const groupUpdateSchema = Type.Object(
  { ...groupProperties, name: Type.Optional(identityName) },
  { additionalProperties: true, minProperties: 1 },
)
export type GroupUpdateBody = Static<typeof groupUpdateSchema> & Record<string, unknown>
