import { Type, type Static, type TSchema } from '@sinclair/typebox'

const idString = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' })
const name = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' })
// NOTE: a JSON-schema type list, not anyOf: with Ajv's type coercion anyOf would turn null
// into '' (or 0 into null) and let it through.
const nullable = <T extends TSchema & { type: string }>(t: T) =>
  Type.Unsafe<Static<T> | null>({ ...t, type: [t.type, 'null'] })

/** A role by id or by name, exactly one of the two (both Keystone schemas). */
const roleRefs = Type.Array(
  Type.Object(
    { id: Type.Optional(idString), name: Type.Optional(name) },
    { additionalProperties: false, minProperties: 1, maxProperties: 1 },
  ),
)

/** POST /v3/users/{user_id}/application_credentials (Keystone's application_credential_create). */
export const appCredCreateBody = Type.Object({
  application_credential: Type.Object(
    {
      name,
      description: Type.Optional(nullable(Type.String())),
      secret: Type.Optional(nullable(Type.String())),
      expires_at: Type.Optional(nullable(Type.String())),
      unrestricted: Type.Optional(Type.Boolean()),
      roles: Type.Optional(roleRefs),
      access_rules: Type.Optional(
        Type.Array(
          Type.Object(
            {
              path: Type.Optional(Type.String({ maxLength: 225, pattern: '^/' })),
              method: Type.Optional(Type.String({ pattern: '^(POST|GET|HEAD|PATCH|PUT|DELETE)$' })),
              service: Type.Optional(idString),
              id: Type.Optional(idString),
            },
            { additionalProperties: false },
          ),
        ),
      ),
    },
    { additionalProperties: true },
  ),
})

/** POST /v3/OS-TRUST/trusts (Keystone's trust_create); unknown keys are kept as extras. */
export const trustCreateBody = Type.Object({
  trust: Type.Object(
    {
      trustor_user_id: Type.String({ minLength: 1, maxLength: 64 }),
      trustee_user_id: Type.String({ minLength: 1, maxLength: 64 }),
      impersonation: Type.Boolean(),
      project_id: Type.Optional(nullable(idString)),
      remaining_uses: Type.Optional(nullable(Type.Integer({ minimum: 1 }))),
      expires_at: Type.Optional(nullable(Type.String())),
      allow_redelegation: Type.Optional(nullable(Type.Boolean())),
      redelegation_count: Type.Optional(nullable(Type.Integer({ minimum: 0 }))),
      roles: Type.Optional(roleRefs),
    },
    { additionalProperties: true },
  ),
})
