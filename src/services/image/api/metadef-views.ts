import type {
  AssociationRecord,
  ItemRecord,
  NamespaceRecord,
} from '../../../db/repositories/image/metadefs.js'
import type { NamespaceDetail } from '../metadef-namespaces-service.js'
import { isoTime } from './image-views.js'

const enc = encodeURIComponent

/** A namespace; with `detail`, its properties, objects, tags and associations when it has any. */
export function namespaceView(
  ns: NamespaceRecord,
  detail?: Omit<NamespaceDetail, 'namespace'>,
): Record<string, unknown> {
  const v: Record<string, unknown> = {
    namespace: ns.namespace,
    ...(ns.displayName !== null ? { display_name: ns.displayName } : {}),
    ...(ns.description !== null ? { description: ns.description } : {}),
    visibility: ns.visibility,
    protected: ns.protected,
    owner: ns.owner,
    created_at: isoTime(ns.createdAt),
    updated_at: isoTime(ns.updatedAt),
    schema: '/v2/schemas/metadefs/namespace',
    self: `/v2/metadefs/namespaces/${enc(ns.namespace)}`,
  }
  if (detail?.associations.length)
    v['resource_type_associations'] = detail.associations.map(associationView)
  if (detail?.properties.length) v['properties'] = propertiesView(detail.properties)
  if (detail?.objects.length) v['objects'] = detail.objects.map((o) => objectView(ns.namespace, o))
  if (detail?.tags.length) v['tags'] = detail.tags.map(tagView)
  return v
}

export function propertyView(p: ItemRecord): Record<string, unknown> {
  return { name: p.name, ...p.body }
}

export function propertiesView(ps: readonly ItemRecord[]): Record<string, unknown> {
  return Object.fromEntries(ps.map((p) => [p.name, propertyView(p)]))
}

export function objectView(ns: string, o: ItemRecord): Record<string, unknown> {
  return {
    name: o.name,
    ...o.body,
    created_at: isoTime(o.createdAt),
    updated_at: isoTime(o.updatedAt),
    schema: '/v2/schemas/metadefs/object',
    self: `/v2/metadefs/namespaces/${enc(ns)}/objects/${enc(o.name)}`,
  }
}

export function tagView(t: ItemRecord): Record<string, unknown> {
  return { name: t.name, created_at: isoTime(t.createdAt), updated_at: isoTime(t.updatedAt) }
}

export function associationView(a: AssociationRecord): Record<string, unknown> {
  return {
    name: a.name,
    ...(a.prefix !== null ? { prefix: a.prefix } : {}),
    ...(a.propertiesTarget !== null ? { properties_target: a.propertiesTarget } : {}),
    created_at: isoTime(a.createdAt),
    updated_at: isoTime(a.updatedAt),
  }
}
