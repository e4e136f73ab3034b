import type { InstanceTable } from '../../db/compute-schema.js'
import type { BlockDevice, FlavorSpec, ImageSpec, InstanceSpec } from '../../virt/driver.js'
import type { ComputeContext } from '../compute/compute-context.js'
import { serviceAuth } from './service-auth.js'

type Json = Record<string, unknown>

function parse(text: string | null): Json {
  if (!text) return {}
  try {
    const v: unknown = JSON.parse(text)
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {}
  } catch {
    return {}
  }
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0)
function str(v: unknown): string {
  if (v === undefined || v === null) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return `${v}`
  return JSON.stringify(v)
}

/** The flavor snapshot of an instance row (camelCase FlavorSpec or Nova's snake_case). */
export function flavorOf(text: string | null): FlavorSpec {
  const f = parse(text)
  const extra = (f['extraSpecs'] ?? f['extra_specs'] ?? {}) as Record<string, unknown>
  return {
    id: str(f['id'] ?? f['flavorid']),
    name: str(f['name']),
    vcpus: num(f['vcpus']),
    memoryMb: num(f['memoryMb'] ?? f['memory_mb'] ?? f['ram']),
    rootGb: num(f['rootGb'] ?? f['root_gb'] ?? f['disk']),
    ephemeralGb: num(f['ephemeralGb'] ?? f['ephemeral_gb'] ?? f['OS-FLV-EXT-DATA:ephemeral']),
    swapMb: num(f['swapMb'] ?? f['swap_mb'] ?? f['swap']),
    extraSpecs: Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, str(v)])),
  }
}

/** The image of an instance from the image service, or from its system_metadata when gone. */
async function imageOf(ctx: ComputeContext, inst: InstanceTable): Promise<ImageSpec | undefined> {
  if (!inst.image_ref) return undefined
  try {
    const img = await ctx.image.show(serviceAuth(inst.project_id, inst.user_id), inst.image_ref)
    return {
      id: img.id,
      name: img.name ?? '',
      diskFormat: img.diskFormat ?? 'raw',
      containerFormat: img.containerFormat ?? 'bare',
      sizeBytes: img.size ?? 0,
      minDiskGb: img.minDisk,
      minRamMb: img.minRam,
      properties: img.properties,
    }
  } catch {
    // The image may be deleted since boot: Nova keeps its properties in system_metadata.
    const sys = parse(inst.system_metadata)
    const props: Record<string, string> = {}
    for (const [k, v] of Object.entries(sys))
      if (k.startsWith('image_')) props[k.slice('image_'.length)] = str(v)
    return {
      id: inst.image_ref,
      name: props['name'] ?? '',
      diskFormat: props['disk_format'] ?? 'raw',
      containerFormat: props['container_format'] ?? 'bare',
      sizeBytes: num(props['size']),
      minDiskGb: num(props['min_disk']),
      minRamMb: num(props['min_ram']),
      properties: props,
    }
  }
}

/** The driver-facing view of an instance. */
export async function buildInstanceSpec(
  ctx: ComputeContext,
  inst: InstanceTable,
): Promise<InstanceSpec> {
  const image = await imageOf(ctx, inst)
  const meta = parse(inst.metadata)
  return {
    uuid: inst.uuid,
    name: inst.display_name,
    hostname: inst.hostname,
    projectId: inst.project_id,
    userId: inst.user_id,
    node: inst.node ?? '',
    flavor: flavorOf(inst.flavor),
    ...(image ? { image } : {}),
    metadata: Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, str(v)])),
    ...(inst.user_data !== null ? { userData: inst.user_data } : {}),
    ...(inst.key_data !== null ? { keyData: inst.key_data } : {}),
    configDrive: inst.config_drive !== '' && inst.config_drive !== 'False',
  }
}

/** Block devices of an instance as the driver sees them (boot order first). */
export async function blockDevicesOf(ctx: ComputeContext, uuid: string): Promise<BlockDevice[]> {
  const rows = await ctx.db
    .selectFrom('block_device_mappings')
    .selectAll()
    .where('instance_uuid', '=', uuid)
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    ...(r.volume_id !== null ? { volumeId: r.volume_id } : {}),
    deviceName: r.device_name ?? '',
    bootIndex: r.boot_index,
    sourceType: (['image', 'volume', 'blank', 'snapshot'].includes(r.source_type)
      ? r.source_type
      : 'blank') as BlockDevice['sourceType'],
    destinationType: r.destination_type === 'volume' ? 'volume' : 'local',
    ...(r.volume_size !== null ? { sizeGb: r.volume_size } : {}),
    ...(r.connection_info !== null ? { connectionInfo: parse(r.connection_info) } : {}),
    deleteOnTermination: r.delete_on_termination === 1,
  }))
}
