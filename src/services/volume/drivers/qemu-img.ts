import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)
const OPTS = { timeout: 3_600_000, maxBuffer: 4 * 1024 * 1024 }

/** Glance disk_format → qemu-img format name. */
export function qemuFormatOf(diskFormat: string | null | undefined): string | undefined {
  const m: Record<string, string> = {
    raw: 'raw',
    qcow2: 'qcow2',
    vmdk: 'vmdk',
    vhd: 'vpc',
    vhdx: 'vhdx',
    vdi: 'vdi',
  }
  return diskFormat ? m[diskFormat] : undefined
}

export async function qemuCreate(path: string, format: string, sizeGb: number): Promise<void> {
  await run('qemu-img', ['create', '-q', '-f', format, path, `${sizeGb}G`], OPTS)
}

export async function qemuResize(path: string, format: string, sizeGb: number): Promise<void> {
  await run('qemu-img', ['resize', '-q', '-f', format, path, `${sizeGb}G`], OPTS)
}

/** Source format is always explicit: probing is how backing-file tricks read host files. */
export async function qemuConvert(
  src: string,
  srcFormat: string,
  dst: string,
  dstFormat: string,
): Promise<void> {
  await run('qemu-img', ['convert', '-q', '-f', srcFormat, '-O', dstFormat, src, dst], OPTS)
}

export interface QemuInfo {
  readonly format: string
  readonly virtualSize: number
  readonly backingFile?: string | undefined
}

export async function qemuInfo(path: string, format?: string): Promise<QemuInfo> {
  const args = ['info', '--output=json', '--force-share', ...(format ? ['-f', format] : []), path]
  const { stdout } = await run('qemu-img', args, OPTS)
  const j = JSON.parse(stdout) as Record<string, unknown>
  return {
    format: String(j['format']),
    virtualSize: Number(j['virtual-size']),
    backingFile: typeof j['backing-filename'] === 'string' ? j['backing-filename'] : undefined,
  }
}
