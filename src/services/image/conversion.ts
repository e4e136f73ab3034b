import { rename, unlink } from 'node:fs/promises'
import { qemuFormat, qemuImgConvert, qemuImgInfo } from './qemu-img.js'

/** vmware_disktype → qemu-img vmdk subformat (vSphere reads both as-is from a datastore). */
const VMDK_SUBFORMAT: Readonly<Record<string, string>> = {
  streamOptimized: 'streamOptimized',
  sparse: 'monolithicSparse',
  thin: 'monolithicSparse',
  preallocated: 'monolithicSparse',
  eagerZeroedThick: 'monolithicSparse',
}

export interface ConversionResult {
  readonly diskFormat: string
  /** Properties the converted image should carry (vmware_disktype for vmdk). */
  readonly properties: Readonly<Record<string, string>>
}

/**
 * Glance's image_conversion step on a staged file: checks that the data
 * really is its declared format with no backing or external data file (a
 * qcow2 pointing at a host file must never be converted), converts in place
 * with `qemu-img convert`, and verifies the result with `qemu-img info`.
 */
export async function convertStaged(
  path: string,
  from: string,
  to: string,
  props: Readonly<Record<string, string>>,
): Promise<ConversionResult> {
  const src = qemuFormat(from)
  const dst = qemuFormat(to)
  if (!src) throw new Error(`cannot convert from disk format ${from}`)
  if (!dst) throw new Error(`cannot convert to disk format ${to}`)
  let info
  try {
    info = await qemuImgInfo(path, src)
  } catch (err) {
    throw new Error(
      `image data is not a valid ${from} image: ${(err as Error).message.split('\n')[0] ?? ''}`,
      { cause: err },
    )
  }
  if (info.backingFile !== undefined || info.dataFile !== undefined) {
    throw new Error('image has a backing or external data file; refusing to convert it')
  }
  if (src === dst) return { diskFormat: to, properties: {} }
  const properties: Record<string, string> = {}
  const options: Record<string, string> = {}
  if (to === 'vmdk') {
    const disktype = props['vmware_disktype'] ?? 'sparse'
    options['subformat'] = VMDK_SUBFORMAT[disktype] ?? 'monolithicSparse'
    if (!props['vmware_disktype']) properties['vmware_disktype'] = 'sparse'
  }
  const out = `${path}.${to}`
  try {
    await qemuImgConvert({ path, format: src }, { path: out, format: dst, options })
    const check = await qemuImgInfo(out, dst)
    if (check.virtualSize < info.virtualSize)
      throw new Error('converted image is smaller than its source')
    await rename(out, path)
  } catch (err) {
    await unlink(out).catch(() => undefined)
    throw err
  }
  return { diskFormat: to, properties }
}
