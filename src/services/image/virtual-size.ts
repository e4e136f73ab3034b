import type { Logger } from 'pino'
import { qemuFormat, qemuImgInfo } from './qemu-img.js'
import type { ImageStore } from './store/store.js'

/**
 * virtual_size as Glance computes it after an upload: only for `bare`
 * containers; raw is its own size; other formats are read with
 * `qemu-img info` and trusted only when qemu-img sees the declared format
 * (random bytes labelled qcow2 get no virtual size, as in Glance).
 */
export async function virtualSizeOf(
  store: ImageStore,
  url: string,
  image: { diskFormat: string | null; containerFormat: string | null },
  size: number,
  logger: Logger,
  head?: Buffer,
): Promise<number | null> {
  if (image.containerFormat !== 'bare') return null
  if (image.diskFormat === 'raw') return size
  const want = qemuFormat(image.diskFormat)
  const path = store.localPath(url)
  if (!want) return null
  if (!path) return head ? sniffVirtualSize(head, want) : null
  try {
    const info = await qemuImgInfo(path)
    if (info.format !== want) {
      logger.warn(
        { declared: image.diskFormat, detected: info.format },
        'image format did not match; no virtual size',
      )
      return null
    }
    return Number.isFinite(info.virtualSize) ? info.virtualSize : null
  } catch (err) {
    logger.warn({ err }, 'qemu-img info failed; no virtual size')
    return null
  }
}

/**
 * virtual_size from the header alone, for stores without a local file
 * (vSphere datastores): qcow2 keeps it at offset 24 (big-endian bytes),
 * sparse and streamOptimized vmdk keep the capacity at offset 12
 * (little-endian 512-byte sectors). Other formats: unknown.
 */
export function sniffVirtualSize(head: Buffer, qemuFormatName: string): number | null {
  if (qemuFormatName === 'qcow2' && head.length >= 32 && head.readUInt32BE(0) === 0x514649fb) {
    return Number(head.readBigUInt64BE(24))
  }
  if (qemuFormatName === 'vmdk' && head.length >= 20 && head.toString('latin1', 0, 4) === 'KDMV') {
    return Number(head.readBigUInt64LE(12)) * 512
  }
  return null
}
