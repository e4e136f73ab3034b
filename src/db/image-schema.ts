/**
 * Row types of the image service's tables (migration 0007-images), merged
 * into `Database` by schema.ts. Same conventions: booleans 0/1, ISO-8601 text
 * times, JSON as text. `size`/`virtual_size` are BIGINT: PostgreSQL returns
 * them as strings, so repositories convert with Number().
 */
import type { Generated } from 'kysely'

export interface ImageTable {
  id: string
  name: string | null
  disk_format: string | null
  container_format: string | null
  size: number | string | null
  virtual_size: number | string | null
  status: string
  visibility: string
  protected: 0 | 1
  os_hidden: 0 | 1
  min_disk: number
  min_ram: number
  owner: string | null
  checksum: string | null
  os_hash_algo: string | null
  os_hash_value: string | null
  created_at: string
  updated_at: string
  deleted_at: string | null
  deleted: 0 | 1
}

export interface ImagePropertyTable {
  image_id: string
  name: string
  value: string
}

export interface ImageTagTable {
  image_id: string
  value: string
  created_at: string
}

export interface ImageMemberTable {
  image_id: string
  member: string
  status: string
  created_at: string
  updated_at: string
}

export interface ImageLocationTable {
  id: Generated<number>
  image_id: string
  url: string
  metadata: string
  status: string
  created_at: string
}

export interface ImageTaskTable {
  id: string
  type: string
  status: string
  owner: string | null
  user_id: string | null
  request_id: string | null
  image_id: string | null
  input: string
  result: string | null
  message: string
  created_at: string
  updated_at: string
  expires_at: string | null
}

export interface MetadefNamespaceTable {
  namespace: string
  display_name: string | null
  description: string | null
  visibility: string
  protected: 0 | 1
  owner: string | null
  created_at: string
  updated_at: string
}

export interface MetadefResourceTypeTable {
  name: string
  protected: 0 | 1
  created_at: string
  updated_at: string
}

export interface MetadefNamespaceResourceTypeTable {
  namespace: string
  resource_type: string
  prefix: string | null
  properties_target: string | null
  created_at: string
  updated_at: string
}

/** metadef_properties, metadef_objects and metadef_tags share this shape. */
export interface MetadefItemTable {
  namespace: string
  name: string
  body: string
  created_at: string
  updated_at: string
}

export interface ImageTables {
  images: ImageTable
  image_properties: ImagePropertyTable
  image_tags: ImageTagTable
  image_members: ImageMemberTable
  image_locations: ImageLocationTable
  image_tasks: ImageTaskTable
  metadef_namespaces: MetadefNamespaceTable
  metadef_resource_types: MetadefResourceTypeTable
  metadef_namespace_resource_types: MetadefNamespaceResourceTypeTable
  metadef_properties: MetadefItemTable
  metadef_objects: MetadefItemTable
  metadef_tags: MetadefItemTable
}
