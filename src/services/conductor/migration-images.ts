import { Readable } from 'node:stream'
import type { ImageSpec } from '../../virt/driver.js'
import { conductorMethod } from './conductor-method.js'
import { requireInstance } from './instance-store.js'
import { serviceAuth } from './service-auth.js'

export interface UploadSnapshotArgs {
  readonly instanceUuid: string
  readonly imageId: string
  /** The disk bytes, base64 (the bus carries JSON). */
  readonly data: string
  readonly diskFormat: string
  readonly containerFormat: string
}

/**
 * A worker's snapshot bytes into the image service (workers have no image
 * service access): formats set as the driver says, then the data, which makes
 * the image active.
 */
export const uploadSnapshot = conductorMethod<UploadSnapshotArgs>(async (c, a) => {
  const inst = await requireInstance(c.db, a.instanceUuid)
  const auth = serviceAuth(inst.project_id, inst.user_id)
  const img = await c.image.show(auth, a.imageId)
  const ops = []
  if (img.diskFormat !== a.diskFormat)
    ops.push({ op: img.diskFormat ? 'replace' : 'add', path: '/disk_format', value: a.diskFormat })
  if (img.containerFormat !== a.containerFormat)
    ops.push({
      op: img.containerFormat ? 'replace' : 'add',
      path: '/container_format',
      value: a.containerFormat,
    })
  if (ops.length > 0)
    await c.image.update(auth, a.imageId, 'application/openstack-images-v2.1-json-patch', ops)
  await c.image.upload(auth, a.imageId, Readable.from([Buffer.from(a.data, 'base64')]))
})

/** Describes an image for a driver (rescue image, shelved snapshot). */
export const imageSpec = conductorMethod<{ instanceUuid: string; imageId: string }>(
  async (c, a) => {
    const inst = await requireInstance(c.db, a.instanceUuid)
    const img = await c.image.show(serviceAuth(inst.project_id, inst.user_id), a.imageId)
    const spec: ImageSpec = {
      id: img.id,
      name: img.name ?? '',
      diskFormat: img.diskFormat ?? 'raw',
      containerFormat: img.containerFormat ?? 'bare',
      sizeBytes: img.size ?? 0,
      minDiskGb: img.minDisk,
      minRamMb: img.minRam,
      properties: img.properties,
    }
    return { ...spec, properties: { ...spec.properties } }
  },
)

/** Deletes an image Nova made for the instance (shelve snapshot after unshelve, failed snapshot). */
export const deleteInstanceImage = conductorMethod<{ instanceUuid: string; imageId: string }>(
  async (c, a) => {
    const inst = await requireInstance(c.db, a.instanceUuid)
    try {
      await c.image.delete(serviceAuth(inst.project_id, inst.user_id), a.imageId)
    } catch (err) {
      c.logger.info({ err: String(err), image: a.imageId }, 'image already gone')
    }
  },
)
