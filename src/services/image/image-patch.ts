import { BadRequestError, ForbiddenError, UnsupportedMediaTypeError } from '../../common/errors.js'
import type { JsonSchema } from './json-schema.js'
import { validate } from './json-schema.js'
import { RESERVED_PREFIX } from './image-rules.js'

/** PATCH media types and the JSON-schema draft their operations follow. */
export const PATCH_TYPES: Readonly<Record<string, 4 | 10>> = {
  'application/openstack-images-v2.0-json-patch': 4,
  'application/openstack-images-v2.1-json-patch': 10,
}

export type PatchOp = 'add' | 'remove' | 'replace'

/** One decoded change: `path` is the JSON pointer split into tokens. */
export interface Change {
  readonly op: PatchOp
  readonly path: readonly string[]
  readonly value?: unknown
  readonly draft: 4 | 10
}

const OPS: readonly PatchOp[] = ['add', 'remove', 'replace']
const READ_ONLY = [
  'created_at',
  'updated_at',
  'status',
  'checksum',
  'size',
  'virtual_size',
  'direct_url',
  'self',
  'file',
  'schema',
  'id',
  'os_hash_algo',
  'os_hash_value',
]
const RESERVED = ['location', 'deleted', 'deleted_at']
/** Only `locations` takes a second pointer token (a position). */
const DEPTH: Readonly<Record<string, Partial<Record<PatchOp, number>>>> = {
  locations: { add: 2, remove: 2, replace: 1 },
}

function decodePointer(pointer: unknown): string[] {
  if (typeof pointer !== 'string')
    throw new BadRequestError(`Pointer \`${String(pointer)}\` does not start with "/".`)
  if (!pointer.startsWith('/'))
    throw new BadRequestError(`Pointer \`${pointer}\` does not start with "/".`)
  if (/\/\s*?\//.test(pointer.slice(1)))
    throw new BadRequestError(`Pointer \`${pointer}\` contains adjacent "/".`)
  if (pointer.length > 1 && pointer.endsWith('/'))
    throw new BadRequestError(`Pointer \`${pointer}\` end with "/".`)
  if (pointer.slice(1).trim() === '/')
    throw new BadRequestError(`Pointer \`${pointer}\` does not contains valid token.`)
  if (/~[^01]/.test(pointer) || pointer.endsWith('~')) {
    throw new BadRequestError(
      `Pointer \`${pointer}\` contains "~" not part of a recognized escape sequence.`,
    )
  }
  return pointer
    .replace(/^\/+/, '')
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~').trim())
}

function parseOne(raw: unknown, draft: 4 | 10, schema: JsonSchema): Change {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new BadRequestError('Operations must be JSON objects.')
  const r = raw as Record<string, unknown>
  let op: PatchOp
  let pointer: unknown
  if (draft === 10) {
    if (r['op'] === undefined) {
      throw new BadRequestError(
        `Unable to find \`op\` in JSON Schema change. It must be one of the following: ${OPS.join(', ')}.`,
      )
    }
    if (!OPS.includes(r['op'] as PatchOp)) {
      throw new BadRequestError(
        `Invalid operation: \`${JSON.stringify(r['op'])}\`. It must be one of the following: ${OPS.join(', ')}.`,
      )
    }
    op = r['op'] as PatchOp
    if (!('path' in r)) throw new BadRequestError("Unable to find 'path' in JSON Schema change")
    pointer = r['path']
  } else {
    const present = OPS.filter((o) => o in r)
    if (present.length > 1)
      throw new BadRequestError(
        'Operation objects must contain only one member named "add", "remove", or "replace".',
      )
    if (present.length === 0)
      throw new BadRequestError(
        'Operation objects must contain exactly one member named "add", "remove", or "replace".',
      )
    op = present[0]!
    pointer = r[op]
  }
  const path = decodePointer(pointer)
  const root = path[0] ?? ''
  if (path.length !== (DEPTH[root]?.[op] ?? 1))
    throw new BadRequestError(`Invalid JSON pointer for this resource: '/${path.join('/')}'`)
  if (op !== 'remove' && !('value' in r))
    throw new BadRequestError(`Operation "${op}" requires a member named "value".`)
  if (READ_ONLY.includes(root)) throw new ForbiddenError(`Attribute '${root}' is read-only.`)
  if (RESERVED.includes(root) || root.startsWith(RESERVED_PREFIX))
    throw new ForbiddenError(`Attribute '${root}' is reserved.`)
  const value = r['value']
  if (op !== 'remove') {
    const partial =
      path.length === 1
        ? { [root]: value }
        : root === 'locations'
          ? { locations: [value] }
          : undefined
    const err = partial ? validate(partial, schema) : undefined
    if (err) throw new BadRequestError(`Provided object does not match schema 'image': ${err}`)
  }
  return op === 'remove' ? { op, path, draft } : { op, path, value, draft }
}

/** Decodes a PATCH body (Glance's RequestDeserializer.update); 415 for an unknown media type. */
export function parsePatch(
  contentType: string | undefined,
  body: unknown,
  schema: JsonSchema,
): Change[] {
  const draft = PATCH_TYPES[(contentType ?? '').split(';')[0]!.trim().toLowerCase()]
  if (draft === undefined) {
    throw new UnsupportedMediaTypeError(
      `The request has a media type that is not supported: ${contentType ?? 'none'}`,
    )
  }
  if (body === undefined) throw new BadRequestError('Body expected in request.')
  if (!Array.isArray(body))
    throw new BadRequestError('Request body must be a JSON array of operation objects.')
  return body.map((raw) => parseOne(raw, draft, schema))
}
