import type { Db } from '../../../db/database.js'
import type { ProviderSegment, SegmentSpec, TypeDriver } from './type-driver.js'
import { invalidInput, noNetworkAvailable } from './types/errors.js'

/** The [ml2]/[ml2_type_*] options the type drivers read. */
export interface TypeConfig {
  readonly globalPhysnetMtu: number
  readonly pathMtu: number
  readonly physicalNetworkMtus: readonly string[]
  readonly typeDrivers: readonly string[]
  readonly tenantNetworkTypes: readonly string[]
  readonly flatNetworks: readonly string[]
  readonly networkVlanRanges: readonly string[]
  readonly vniRanges: readonly string[]
  readonly tunnelIdRanges: readonly string[]
}

type Factory = (
  c: TypeConfig,
  physnetMtu: (p: string | null) => number,
  underlay: number,
) => Promise<TypeDriver>

/** Type drivers by [ml2] type_drivers name, loaded lazily. */
const TYPE_DRIVERS: Readonly<Record<string, Factory>> = {
  local: async (c) => (await import('./types/local.js')).createLocalTypeDriver(c.globalPhysnetMtu),
  flat: async (c, m) => (await import('./types/flat.js')).createFlatTypeDriver(c.flatNetworks, m),
  vlan: async (c, m) =>
    (await import('./types/vlan.js')).createVlanTypeDriver(c.networkVlanRanges, m),
  vxlan: async (c, _m, u) =>
    (await import('./types/vxlan.js')).createVxlanTypeDriver(c.vniRanges, u),
  gre: async (c, _m, u) =>
    (await import('./types/gre.js')).createGreTypeDriver(c.tunnelIdRanges, u),
}

/**
 * neutron/plugins/ml2/managers.py `TypeManager`: the loaded type drivers,
 * tenant allocation in [ml2] tenant_network_types order, provider requests.
 */
export class TypeManager {
  readonly #drivers: ReadonlyMap<string, TypeDriver>
  readonly #tenantTypes: readonly string[]
  readonly #defaultMtu: number

  private constructor(
    drivers: ReadonlyMap<string, TypeDriver>,
    tenantTypes: readonly string[],
    defaultMtu: number,
  ) {
    this.#drivers = drivers
    this.#tenantTypes = tenantTypes
    this.#defaultMtu = defaultMtu
  }

  /** Loads the configured drivers; unknown names fail fast listing the known ones. */
  static async create(c: TypeConfig): Promise<TypeManager> {
    const physnetMtus = new Map<string, number>()
    for (const e of c.physicalNetworkMtus) {
      const [name, mtu] = e.split(':')
      if (!name || !mtu || !Number.isInteger(Number(mtu)))
        throw new Error(`invalid [ml2] physical_network_mtus entry ${JSON.stringify(e)}`)
      physnetMtus.set(name, Number(mtu))
    }
    const physnetMtu = (p: string | null): number => {
      const all = [c.globalPhysnetMtu, p ? (physnetMtus.get(p) ?? 0) : 0].filter((x) => x > 0)
      return all.length ? Math.min(...all) : 0
    }
    const underlayList = [c.globalPhysnetMtu, c.pathMtu].filter((x) => x > 0)
    const underlay = underlayList.length ? Math.min(...underlayList) : 0
    const drivers = new Map<string, TypeDriver>()
    for (const name of c.typeDrivers) {
      const f = TYPE_DRIVERS[name]
      if (!f)
        throw new Error(
          `unknown [ml2] type_drivers entry ${JSON.stringify(name)}; known: ${Object.keys(TYPE_DRIVERS).join(', ')}`,
        )
      drivers.set(name, await f(c, physnetMtu, underlay))
    }
    for (const t of c.tenantNetworkTypes) {
      if (!drivers.has(t))
        throw new Error(
          `[ml2] tenant_network_types entry ${JSON.stringify(t)} is not in [ml2] type_drivers`,
        )
    }
    return new TypeManager(drivers, c.tenantNetworkTypes, c.globalPhysnetMtu)
  }

  #driver(type: string): TypeDriver {
    const d = this.#drivers.get(type)
    if (!d) throw invalidInput(`network_type value '${type}' not supported`)
    return d
  }

  /** 400 for a provider segment no loaded driver accepts. */
  validateProviderSegment(s: ProviderSegment): void {
    this.#driver(s.network_type).validateProviderSegment(s)
  }

  /**
   * The segments of a new network: the requested provider segments
   * (validated and reserved), or one tenant segment from the first
   * tenant_network_type with a free id. 503 NoNetworkAvailable when none.
   */
  async allocateSegments(
    db: Db,
    networkId: string,
    requested: readonly ProviderSegment[] | undefined,
  ): Promise<SegmentSpec[]> {
    if (requested && requested.length > 0) {
      const out: SegmentSpec[] = []
      for (const s of requested) {
        const d = this.#driver(s.network_type)
        d.validateProviderSegment(s)
        out.push(await d.reserveProviderSegment(db, s, networkId))
      }
      return out
    }
    for (const t of this.#tenantTypes) {
      const got = await this.#driver(t).allocateTenantSegment(db, networkId)
      if (got) return [got]
    }
    throw noNetworkAvailable()
  }

  /** Releases segments of a deleted network (types no longer loaded are skipped). */
  async releaseSegments(db: Db, segments: readonly SegmentSpec[]): Promise<void> {
    for (const s of segments) await this.#drivers.get(s.network_type)?.releaseSegment(db, s)
  }

  /** The network's MTU: the smallest its segments allow (Ml2Plugin._get_network_mtu). */
  networkMtu(segments: readonly SegmentSpec[]): number {
    const mtus = segments
      .map((s) => this.#drivers.get(s.network_type)?.getMtu(s.physical_network) ?? 0)
      .filter((m) => m > 0)
    return mtus.length ? Math.min(...mtus) : this.#defaultMtu
  }
}
