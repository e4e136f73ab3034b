import type { Db } from '../../../db/database.js'

/** A segment as requested through provider:* attributes or `segments` (null = not given). */
export interface ProviderSegment {
  readonly network_type: string
  readonly physical_network: string | null
  readonly segmentation_id: number | null
}

/** A segment as a type driver hands it out (to be stored in network_segments). */
export interface SegmentSpec {
  readonly network_type: string
  readonly physical_network: string | null
  readonly segmentation_id: number | null
}

/**
 * An ML2 type driver (neutron_lib/plugins/ml2/api.py `TypeDriver`): owns one
 * network_type, validates provider requests and hands out segments. All
 * methods that take `db` run inside the network create/delete transaction.
 */
export interface TypeDriver {
  /** The network_type it handles: 'local', 'flat', 'vlan', 'vxlan', 'gre'. */
  readonly type: string
  /** 400 InvalidInput (Neutron's message) for a malformed provider segment. */
  validateProviderSegment(segment: ProviderSegment): void
  /**
   * Reserves an admin-requested segment; a partial one (no segmentation_id)
   * gets a free id. Throws 409 (VlanIdInUse, TunnelIdInUse, FlatNetworkInUse)
   * when taken, 503 NoNetworkAvailable when nothing is free.
   */
  reserveProviderSegment(db: Db, segment: ProviderSegment, networkId: string): Promise<SegmentSpec>
  /** A segment for a tenant network, or undefined when the type's ranges are exhausted. */
  allocateTenantSegment(db: Db, networkId: string): Promise<SegmentSpec | undefined>
  /** Frees the segment when its network is deleted. */
  releaseSegment(db: Db, segment: SegmentSpec): Promise<void>
  /** The MTU the type allows on the physical network (0 = unknown). */
  getMtu(physicalNetwork: string | null): number
}
