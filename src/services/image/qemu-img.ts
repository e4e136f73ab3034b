import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Glance disk_format → qemu-img format name (only vhd differs). */
const QEMU_FORMAT: Readonly<Record<string, string>> = {
  raw: 'raw',
  qcow2: 'qcow2',
  vmdk: 'vmdk',
  vhd: 'vpc',
  vhdx: 'vhdx',
  vdi: 'vdi',
  qed: 'qed',
}

/** The disk formats qemu-img can inspect and convert. */
export function qemuFormat(diskFormat: string | null | undefined): string | undefined {
  return diskFormat ? QEMU_FORMAT[diskFormat] : undefined
}

export interface QemuImgInfo {
  /** qemu-img's name, e.g. qcow2, raw, vpc. */
  readonly format: string
  readonly virtualSize: number
  /** Set when the image refers to another file: never safe to convert or boot as is. */
  readonly backingFile?: string | undefined
  readonly dataFile?: string | undefined
  /** vmdk create type (monolithicSparse, streamOptimized, …). */
  readonly vmdkCreateType?: string | undefined
}

/**
 * `qemu-img info --output=json` on a local file. `format` pins the format
 * (no probing); without it qemu-img probes, which is safe because the result
 * is only compared with the declared disk_format. Rejects when qemu-img
 * cannot read the file as that format.
 */
export async function qemuImgInfo(path: string, format?: string): Promise<QemuImgInfo> {
  const args = ['info', '--output=json', '--force-share', ...(format ? ['-f', format] : []), path]
  const { stdout } = await run('qemu-img', args, { timeout: 60_000, maxBuffer: 4 * 1024 * 1024 })
  const j = JSON.parse(stdout) as Record<string, unknown>
  const specific = (j['format-specific'] as { data?: Record<string, unknown> } | undefined)?.data
  const dataFile = specific?.['data-file']
  const createType = specific?.['create-type']
  return {
    format: String(j['format']),
    virtualSize: Number(j['virtual-size']),
    backingFile: typeof j['backing-filename'] === 'string' ? j['backing-filename'] : undefined,
    dataFile: typeof dataFile === 'string' ? dataFile : undefined,
    vmdkCreateType: typeof createType === 'string' ? createType : undefined,
  }
}

/**
 * `qemu-img convert` between two local files. The source format is always
 * given explicitly: probing a converted file is how qcow2-backing-file
 * attacks read host files. `options` become `-o key=value,…`.
 */
export async function qemuImgConvert(
  src: { path: string; format: string },
  dst: { path: string; format: string; options?: Readonly<Record<string, string>> },
): Promise<void> {
  const opts = Object.entries(dst.options ?? {}).map(([k, v]) => `${k}=${v}`)
  const args = [
    'convert',
    '-f',
    src.format,
    '-O',
    dst.format,
    ...(opts.length ? ['-o', opts.join(',')] : []),
  ]
  await run('qemu-img', [...args, src.path, dst.path], {
    timeout: 3_600_000,
    maxBuffer: 4 * 1024 * 1024,
  })
}
