import { BadRequestError } from '../../../common/errors.js'
import type { ProviderSegment } from '../ml2/type-driver.js'

/** A network create or update request after Neutron's attribute checks. */
export interface NetworkInput {
  name?: string
  description?: string
  admin_state_up?: boolean
  shared?: boolean
  external?: boolean
  project_id?: string
  mtu?: number
  port_security_enabled?: boolean
  availability_zone_hints?: string[]
  /** provider:* given (create) — a single segment. */
  provider?: ProviderSegment
  /** multi-provider `segments`. */
  segments?: ProviderSegment[]
  /** Which provider attributes were named (policy checks and update refusal). */
  providerKeys: string[]
}

const PROVIDER_KEYS = [
  'provider:network_type',
  'provider:physical_network',
  'provider:segmentation_id',
]
const POST = [
  'name',
  'description',
  'admin_state_up',
  'shared',
  'router:external',
  'tenant_id',
  'project_id',
  'mtu',
  'port_security_enabled',
  'availability_zone_hints',
  'segments',
  ...PROVIDER_KEYS,
]
const PUT = [
  'name',
  'description',
  'admin_state_up',
  'shared',
  'router:external',
  'mtu',
  'port_security_enabled',
  'segments',
  ...PROVIDER_KEYS,
]
/** Known attributes that exist on a network but may not be written. */
const READ_ONLY = [
  'id',
  'status',
  'subnets',
  'availability_zones',
  'created_at',
  'updated_at',
  'revision_number',
  'tags',
  'tenant_id',
  'project_id',
  'availability_zone_hints',
]

const bad = (msg: string): BadRequestError => new BadRequestError(msg, { type: 'HTTPBadRequest' })
const invalid = (attr: string, reason: string): BadRequestError =>
  bad(`Invalid input for ${attr}. Reason: ${reason}.`)
const repr = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))

function str(attr: string, v: unknown, max: number): string {
  if (typeof v !== 'string') throw invalid(attr, `'${repr(v)}' is not a valid string`)
  if (v.length > max) throw invalid(attr, `'${v}' exceeds maximum length of ${max}`)
  return v
}

function bool(attr: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw invalid(attr, `'${repr(v)}' is not a valid boolean value`)
  return v
}

function int(attr: string, v: unknown): number {
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isInteger(n))
    throw invalid(attr, `'${repr(v)}' is not an integer`)
  return n
}

/** One provider segment from `provider:*` keys (or a `segments` entry). */
function segment(o: Record<string, unknown>, where: string): ProviderSegment {
  for (const k of Object.keys(o)) {
    if (!PROVIDER_KEYS.includes(k))
      throw bad(`Invalid input for operation: Unrecognized attribute(s) '${k}' in ${where}.`)
  }
  const type = o['provider:network_type']
  if (type === undefined || type === null || type === '')
    throw bad('Invalid input for operation: network_type required.')
  const physnet = o['provider:physical_network']
  const segId = o['provider:segmentation_id']
  return {
    network_type: str('provider:network_type', type, 255),
    physical_network:
      physnet === undefined || physnet === null || physnet === ''
        ? null
        : str('provider:physical_network', physnet, 64),
    segmentation_id:
      segId === undefined || segId === null ? null : int('provider:segmentation_id', segId),
  }
}

/**
 * Checks one `network` object of a POST (create) or PUT (update) with
 * Neutron's messages: unknown attribute, read-only attribute, bad types.
 */
export function parseNetworkBody(raw: unknown, create: boolean): NetworkInput {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw bad("Object 'network' contains invalid data")
  const body = raw as Record<string, unknown>
  const allowed = create ? POST : PUT
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k) && !READ_ONLY.includes(k))
  if (unknown.length) throw bad(`Unrecognized attribute(s) '${unknown.join(', ')}'`)
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k))
      throw bad(
        create ? `Attribute '${k}' not allowed in POST` : `Cannot update read-only attribute ${k}`,
      )
  }
  const out: NetworkInput = { providerKeys: PROVIDER_KEYS.filter((k) => k in body) }
  if ('name' in body) out.name = str('name', body['name'], 255)
  if ('description' in body) out.description = str('description', body['description'], 255)
  if ('admin_state_up' in body) out.admin_state_up = bool('admin_state_up', body['admin_state_up'])
  if ('shared' in body) out.shared = bool('shared', body['shared'])
  if ('router:external' in body) out.external = bool('router:external', body['router:external'])
  if ('port_security_enabled' in body)
    out.port_security_enabled = bool('port_security_enabled', body['port_security_enabled'])
  if ('mtu' in body) {
    out.mtu = int('mtu', body['mtu'])
    if (out.mtu < 0) throw invalid('mtu', `'${out.mtu}' should be non-negative`)
  }
  const tenant = body['tenant_id']
  const project = body['project_id']
  if (tenant !== undefined && project !== undefined && tenant !== project)
    throw bad("'project_id' and 'tenant_id' do not match")
  const owner = project ?? tenant
  if (owner !== undefined) out.project_id = str('project_id', owner, 255)
  if ('availability_zone_hints' in body) {
    const v = body['availability_zone_hints']
    if (!Array.isArray(v)) throw invalid('availability_zone_hints', `'${repr(v)}' is not a list`)
    out.availability_zone_hints = v.map((x) => str('availability_zone_hints', x, 255))
  }
  if (out.providerKeys.length)
    out.provider = segment(Object.fromEntries(out.providerKeys.map((k) => [k, body[k]])), 'network')
  if ('segments' in body) {
    const v = body['segments']
    if (!Array.isArray(v) || v.length === 0)
      throw invalid('segments', `'${repr(v)}' is not a valid list of segments`)
    if (out.provider)
      throw bad('Invalid input for operation: Segments and provider values cannot both be set.')
    out.segments = v.map((s) => {
      if (s === null || typeof s !== 'object' || Array.isArray(s))
        throw invalid('segments', `'${repr(s)}' is not a dictionary`)
      return segment(s as Record<string, unknown>, 'segments')
    })
    const keys = out.segments.map(
      (s) => `${s.network_type}/${s.physical_network}/${s.segmentation_id}`,
    )
    if (new Set(keys).size !== keys.length)
      throw bad('Invalid input for operation: Duplicate segment entry in request.')
  }
  return out
}

/** The `network` or `networks` (bulk) items of a POST body. */
export function createItems(body: unknown): { items: unknown[]; bulk: boolean } {
  if (body === undefined || body === null || body === '') throw bad('Resource body required')
  if (typeof body !== 'object' || Array.isArray(body)) throw bad('Body contains invalid data')
  const b = body as Record<string, unknown>
  if ('networks' in b) {
    const list = b['networks']
    if (!Array.isArray(list)) throw bad('Body contains invalid data')
    if (list.length === 0) throw bad('Resources required')
    return {
      items: list.map((x: unknown) =>
        x && typeof x === 'object' && 'network' in x
          ? (x as Record<string, unknown>)['network']
          : x,
      ),
      bulk: true,
    }
  }
  if (!('network' in b) || b['network'] === null)
    throw bad("Unable to find 'network' in request body")
  return { items: [b['network']], bulk: false }
}

/** The `network` object of a PUT body. */
export function updateItem(body: unknown): unknown {
  if (body === undefined || body === null || body === '') throw bad('Resource body required')
  if (typeof body !== 'object' || Array.isArray(body)) throw bad('Body contains invalid data')
  const b = body as Record<string, unknown>
  if (!('network' in b) || b['network'] === null)
    throw bad("Unable to find 'network' in request body")
  return b['network']
}
