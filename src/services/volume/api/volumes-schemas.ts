import { Type } from '@sinclair/typebox'

const nullableString = (max: number) => Type.Union([Type.String({ maxLength: max }), Type.Null()])
const metadata = Type.Record(
  Type.String({ minLength: 1, maxLength: 255 }),
  Type.String({ maxLength: 255 }),
)

/** cinder/api/schemas/volumes.py create (extra attributes ignored before 3.53, as Cinder does). */
export const volumeCreateSchema = Type.Object(
  {
    volume: Type.Object({
      name: Type.Optional(nullableString(255)),
      description: Type.Optional(nullableString(255)),
      display_name: Type.Optional(nullableString(255)),
      display_description: Type.Optional(nullableString(255)),
      volume_type: Type.Optional(nullableString(255)),
      metadata: Type.Optional(Type.Union([metadata, Type.Null()])),
      snapshot_id: Type.Optional(nullableString(36)),
      source_volid: Type.Optional(nullableString(36)),
      consistencygroup_id: Type.Optional(nullableString(36)),
      group_id: Type.Optional(nullableString(255)),
      backup_id: Type.Optional(nullableString(36)),
      size: Type.Optional(
        Type.Union([
          Type.Integer({ minimum: 1, maximum: 2147483647 }),
          Type.String({ pattern: '^[0-9]+$' }),
          Type.Null(),
        ]),
      ),
      availability_zone: Type.Optional(nullableString(255)),
      multiattach: Type.Optional(Type.Union([Type.Boolean(), Type.String(), Type.Null()])),
      image_id: Type.Optional(nullableString(255)),
      imageRef: Type.Optional(nullableString(255)),
    }),
    'OS-SCH-HNT:scheduler_hints': Type.Optional(Type.Union([Type.Object({}), Type.Null()])),
  },
  { additionalProperties: false },
)

export const volumeUpdateSchema = Type.Object(
  {
    volume: Type.Object(
      {
        name: Type.Optional(nullableString(255)),
        description: Type.Optional(nullableString(255)),
        display_name: Type.Optional(nullableString(255)),
        display_description: Type.Optional(nullableString(255)),
        metadata: Type.Optional(metadata),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)

export const metadataBodySchema = Type.Object(
  { metadata: metadata },
  { additionalProperties: false },
)
export const metaItemSchema = Type.Object({ meta: metadata }, { additionalProperties: false })
