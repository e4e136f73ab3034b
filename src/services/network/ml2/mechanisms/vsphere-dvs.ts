import { createHash } from 'node:crypto'
import type { Logger } from 'pino'
import type { GroupValues } from '../../../../config/option.js'
import type { ml2VmwareGroup, vmwareGroup } from '../../../../config/groups/vmware.js'
import type { Db } from '../../../../db/database.js'
import { filteredPortsBoundAs } from '../../../../db/repositories/network/ports.js'
import {
  groupMemberAddresses,
  rulesOfGroups,
  statelessGroupIds,
} from '../../../../db/repositories/network/security-groups.js'
import {
  ensurePortGroup,
  findSwitch,
  listPortGroups,
  removePortGroup,
  type PortGroup,
  type Switch,
} from '../../../../virt/vmware/vim25/dvs.js'
import type { PortRange, TrafficRule } from '../../../../virt/vmware/vim25/dvs-filter.js'
import { findVmByInstanceUuid, moveNicToPortGroup } from '../../../../virt/vmware/vim25/vm-nic.js'
import { retrieveByType } from '../../../../virt/vmware/vim25/property-collector.js'
import { Vim25Session } from '../../../../virt/vmware/vim25/session.js'
import { segmentsOf } from '../../ipam/ml2-hooks.js'
import type {
  MechanismDriver,
  NetworkHookContext,
  PortHookContext,
  Resource,
  Segment,
} from '../mechanism-driver.js'
import { trafficRules } from './dvs-security-rules.js'

export interface VsphereDvsOptions {
  /** vCenter connection ([vmware] host_ip, host_port, host_username, …). */
  readonly vmware: Pick<
    GroupValues<typeof vmwareGroup>,
    | 'host_ip'
    | 'host_port'
    | 'host_username'
    | 'host_password'
    | 'insecure'
    | 'ca_file'
    | 'api_retry_count'
    | 'integration_bridge'
  >
  readonly ml2: GroupValues<typeof ml2VmwareGroup>
}

let configured: VsphereDvsOptions | undefined

/**
 * Gives the registry's `vsphere_dvs` entry its settings. The process that
 * builds the network service calls this before the chain is built (the ML2
 * registry hands drivers no configuration of their own).
 */
export function configureVsphereDvs(options: VsphereDvsOptions): void {
  configured = options
}

const BINDABLE = new Set(['vlan', 'flat'])

/** `min:max` of [ml2_vmware] security_group_reply_ports. */
function parseRange(v: string): PortRange {
  const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(v)
  const min = Number(m?.[1])
  const max = Number(m?.[2])
  if (!m || min < 1 || max > 65535 || min > max)
    throw new Error(`[ml2_vmware] security_group_reply_ports: '${v}' is not min:max within 1-65535`)
  return { min, max }
}

const portSecured = (port: Resource): boolean =>
  port['port_security_enabled'] === 1 || port['port_security_enabled'] === true
const groupsOf = (port: Resource | undefined): string[] =>
  Array.isArray(port?.['security_groups'])
    ? (port['security_groups'] as unknown[]).map(String).sort()
    : []

/**
 * networking-vsphere's DVS mechanism driver, as seed 001 proposes: a vlan or
 * flat network gets a distributed port group named after the network id,
 * with the segment's VLAN id, on the DVS its physnet maps to
 * ([ml2_vmware] network_maps, else dvs_name) — created in postcommit, removed
 * on delete. Ports on a vSphere compute node (`<cluster moref>.<vCenter
 * uuid>`) bind with vif_type 'dvs' and the port group in vif_details, which
 * the vsphere compute driver plugs the NIC into.
 *
 * Security groups: vCenter filters traffic per port group (or per port, which
 * vcsim cannot reconfigure), so a port with port security gets a port group
 * of its own network and security-group set, `<network port group>.sg-<hash
 * of the sorted group ids>`, whose traffic filter is the translation of the
 * groups' rules (dvs-security-rules.ts) and whose ports refuse MAC changes
 * and forged transmits. Rule changes, and port changes that alter a remote
 * group's members, reconfigure every such group in use whose rules differ.
 */
export function createVsphereDvsDriver(
  options: VsphereDvsOptions | undefined = configured,
): MechanismDriver & {
  close(): Promise<void>
  /** The session (tests count its SOAP calls). */
  session(): Promise<Vim25Session>
} {
  let log: Logger | undefined
  let session: Promise<Vim25Session> | undefined
  let nodes: Promise<Set<string>> | undefined
  const switches = new Map<string, Promise<Switch>>()
  const need = (): VsphereDvsOptions => {
    if (!options)
      throw new Error('vsphere_dvs: not configured ([vmware] host_ip and [ml2_vmware] dvs_name)')
    return options
  }
  const connect = (): Promise<Vim25Session> => {
    const o = need().vmware
    session ??= Vim25Session.create({
      url: `https://${o.host_ip}:${o.host_port}`,
      username: o.host_username,
      password: o.host_password,
      insecure: o.insecure && !o.ca_file,
      ...(o.ca_file ? { caFile: o.ca_file } : {}),
      retries: o.api_retry_count,
    }).catch((err: unknown) => {
      session = undefined
      throw err
    })
    return session
  }
  /** The DVS for a physnet: network_maps entry, else dvs_name. */
  const switchName = (physnet: string | null): string | undefined => {
    const o = need().ml2
    for (const m of o.network_maps) {
      const [p, dvs] = m.split(':').map((x) => x.trim())
      if (p && dvs && p === physnet) return dvs
    }
    return o.dvs_name || undefined
  }
  const switchFor = (name: string): Promise<Switch> => {
    let p = switches.get(name)
    if (!p) {
      p = connect()
        .then((s) => findSwitch(s, name))
        .then((sw) => {
          if (!sw) throw new Error(`vsphere_dvs: vCenter has no distributed switch named ${name}`)
          return sw
        })
      p.catch(() => switches.delete(name))
      switches.set(name, p)
    }
    return p
  }
  const pgName = (networkId: string): string => `${need().ml2.port_group_prefix}${networkId}`
  const usable = (segs: readonly Segment[]): Segment | undefined =>
    segs.find((s) => BINDABLE.has(s.network_type) && switchName(s.physical_network) !== undefined)
  /** Compute node names of vSphere clusters: `<cluster moref>.<vCenter instance uuid>`. */
  const vsphereNodes = (): Promise<Set<string>> => {
    nodes ??= connect()
      .then(async (s) => {
        const clusters = await retrieveByType(s, s.content.rootFolder, 'ClusterComputeResource', [
          'name',
        ])
        return new Set(clusters.map((c) => `${c.obj.value}.${s.content.instanceUuid}`))
      })
      .catch((err: unknown) => {
        nodes = undefined
        throw err
      })
    return nodes
  }
  const ensure = async (networkId: string, seg: Segment) => {
    const sw = await switchFor(switchName(seg.physical_network)!)
    const pg = await ensurePortGroup(
      await connect(),
      sw,
      pgName(networkId),
      seg.segmentation_id ?? 0,
    )
    return { sw, pg }
  }
  const filteredName = (networkId: string, groups: readonly string[]): string =>
    `${pgName(networkId)}.sg-${createHash('sha256').update(groups.join(',')).digest('hex').slice(0, 12)}`
  /** The traffic rules of a port-group set, from the database. */
  const wantedRules = async (db: Db, groups: readonly string[]): Promise<TrafficRule[]> => {
    const rules = await rulesOfGroups(db, groups)
    const remote = [
      ...new Set(rules.flatMap((r) => (r.remote_group_id ? [r.remote_group_id] : []))),
    ]
    return trafficRules({
      rules,
      statelessGroups: await statelessGroupIds(db, groups),
      members: await groupMemberAddresses(db, remote),
      ephemeral: parseRange(need().ml2.security_group_reply_ports),
    })
  }
  // One reconfiguration per port group at a time: vCenter refuses a stale configVersion.
  const queues = new Map<string, Promise<unknown>>()
  const serial = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const next = (queues.get(key) ?? Promise.resolve()).then(fn, fn)
    const settled = next.catch(() => undefined)
    queues.set(key, settled)
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key)
    })
    return next
  }
  const ensureFiltered = (
    db: Db,
    networkId: string,
    seg: Segment,
    groups: readonly string[],
    known?: readonly PortGroup[],
  ): Promise<{ sw: Switch; pg: PortGroup }> => {
    const name = filteredName(networkId, groups)
    return serial(name, async () => {
      const sw = await switchFor(switchName(seg.physical_network)!)
      const rules = await wantedRules(db, groups)
      const vlan = seg.segmentation_id ?? 0
      const pg = await ensurePortGroup(await connect(), sw, name, vlan, rules, known)
      return { sw, pg }
    })
  }
  /**
   * Brings the filtered port groups in use up to date after `changed` groups
   * changed: those carrying one of them and, unless `remoteOnly`, those whose
   * rules name one of them as remote group (its members changed).
   */
  const refresh = async (db: Db, changed: ReadonlySet<string>, remoteOnly: boolean) => {
    if (changed.size === 0) return
    const sets = new Map<string, { networkId: string; groups: string[] }>()
    for (const p of await filteredPortsBoundAs(db, 'dvs')) {
      const groups = [...p.groups].sort()
      sets.set(`${p.network_id} ${groups.join(',')}`, { networkId: p.network_id, groups })
    }
    let known: PortGroup[] | undefined
    for (const { networkId, groups } of sets.values()) {
      const carries = !remoteOnly && groups.some((g) => changed.has(g))
      const names =
        carries ||
        (await rulesOfGroups(db, groups)).some(
          (r) => r.remote_group_id !== null && changed.has(r.remote_group_id),
        )
      if (!names) continue
      const seg = usable(await segmentsOf(db, networkId))
      if (!seg) continue
      // One listing for the whole refresh; a group made meanwhile is found by name again.
      known ??= await listPortGroups(await connect())
      const { pg } = await ensureFiltered(db, networkId, seg, groups, known)
      log?.info(
        { network: networkId, portGroup: pg.key, rules: pg.rules.length },
        'port group filter updated',
      )
    }
  }
  /**
   * A port bound before to another port group of this driver (its security
   * groups or port security changed, so the API re-binds it): the server's
   * NIC in vCenter moves to the new group. No VM yet: nothing to move.
   */
  const replug = async (port: Resource, sw: Switch, pg: PortGroup) => {
    if (port['binding_vif_type'] !== 'dvs' || typeof port['binding_vif_details'] !== 'string')
      return
    const before = (JSON.parse(port['binding_vif_details']) as Record<string, unknown>)[
      'dvs_port_group_key'
    ]
    const device = typeof port['device_id'] === 'string' ? port['device_id'] : ''
    if (before === undefined || before === pg.key || !device) return
    const session = await connect()
    const vm = await findVmByInstanceUuid(session, device)
    if (!vm) return
    if (await moveNicToPortGroup(session, vm, String(port['mac_address']), sw.uuid, pg.key))
      log?.info({ port: port['id'], vm: vm.value, portGroup: pg.key }, 'NIC moved to port group')
  }
  /** A port's addresses or groups changed: port groups naming its groups as remote follow. */
  const portChanged = async (ctx: PortHookContext) => {
    const touched = new Set([...groupsOf(ctx.current), ...groupsOf(ctx.original)])
    if (ctx.original) {
      const same =
        JSON.stringify(ctx.original['fixed_ips']) === JSON.stringify(ctx.current['fixed_ips']) &&
        ctx.original['allowed_address_pairs'] === ctx.current['allowed_address_pairs'] &&
        groupsOf(ctx.original).join() === groupsOf(ctx.current).join()
      if (same) return
    }
    try {
      await refresh(ctx.db, touched, true)
    } catch (err) {
      log?.error(
        { err, port: ctx.current['id'] },
        'remote group members not applied to port groups',
      )
    }
  }

  return {
    name: 'vsphere_dvs',
    initialize(logger) {
      log = logger.child({ mechanism: 'vsphere_dvs' })
      parseRange(need().ml2.security_group_reply_ports)
    },
    async createNetworkPostcommit(ctx: NetworkHookContext) {
      const seg = usable(ctx.segments)
      if (!seg) return
      const id = String(ctx.current['id'])
      const { pg } = await ensure(id, seg)
      log?.info({ network: id, portGroup: pg.key, vlan: pg.vlanId }, 'port group created')
    },
    async deleteNetworkPostcommit(ctx: NetworkHookContext) {
      if (!usable(ctx.segments)) return
      const id = String(ctx.current['id'])
      const base = pgName(id)
      const session = await connect()
      // The network's own group and its security-group variants.
      const names = (await listPortGroups(session))
        .map((p) => p.name)
        .filter((n) => n === base || n.startsWith(`${base}.sg-`))
      for (const name of names)
        if (await removePortGroup(session, name))
          log?.info({ network: id, portGroup: name }, 'port group removed')
    },
    async securityGroupRulesChanged(ctx) {
      await refresh(ctx.db, new Set(ctx.securityGroupIds), false)
    },
    createPortPostcommit: portChanged,
    updatePortPostcommit: portChanged,
    deletePortPostcommit: portChanged,
    async bindPort(ctx) {
      if (!(await vsphereNodes()).has(ctx.host)) return
      const seg = usable(ctx.segmentsToBind)
      const networkId = ctx.port['network_id']
      if (!seg || typeof networkId !== 'string') {
        const bridge = need().vmware.integration_bridge
        const first = ctx.segmentsToBind[0]
        if (bridge && first)
          ctx.setBinding({
            segmentId: first.id,
            vifType: 'ovs',
            vifDetails: { port_group: bridge, port_filter: false },
          })
        return
      }
      // Also heals networks made before this driver was enabled.
      const secured = portSecured(ctx.port)
      const { sw, pg } = secured
        ? await ensureFiltered(ctx.db, networkId, seg, groupsOf(ctx.port))
        : await ensure(networkId, seg)
      await replug(ctx.port, sw, pg)
      ctx.setBinding({
        segmentId: seg.id,
        vifType: 'dvs',
        vifDetails: {
          dvs_port_group_key: pg.key,
          dvs_port_group_name: pg.name,
          dvs_uuid: sw.uuid,
          dvs_name: sw.name,
          segmentation_id: seg.segmentation_id ?? 0,
          port_filter: secured,
        },
      })
    },
    session: connect,
    async close() {
      const s = await session?.catch(() => undefined)
      await s?.close()
    },
  }
}
