import { randomUUID } from 'node:crypto'

/** A dashed UUID, the form Nova, Neutron, Glance and Cinder use for ids. */
export function newUuid(): string {
  return randomUUID()
}

/** Keystone's id form: a UUID4 in hex without dashes. */
export function newHexId(): string {
  return randomUUID().replaceAll('-', '')
}
