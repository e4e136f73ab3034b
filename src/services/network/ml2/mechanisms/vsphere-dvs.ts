import type { Logger } from 'pino'
import type { GroupValues } from '../../../../config/option.js'
import type { ml2VmwareGroup, vmwareGroup } from '../../../../config/groups/vmware.js'
import {
  ensurePortGroup,
  findSwitch,
  removePortGroup,
  type Switch,
} from '../../../../virt/vmware/vim25/dvs.js'
import { retrieveByType } from '../../../../virt/vmware/vim25/property-collector.js'
import { Vim25Session } from '../../../../virt/vmware/vim25/session.js'
import type { MechanismDriver, NetworkHookContext, Segment } from '../mechanism-driver.js'

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

/**
 * networking-vsphere's DVS mechanism driver, as seed 001 proposes: a vlan or
 * flat network gets a distributed port group named after the network id,
 * with the segment's VLAN id, on the DVS its physnet maps to
 * ([ml2_vmware] network_maps, else dvs_name) — created in postcommit, removed
 * on delete. Ports on a vSphere compute node (`<cluster moref>.<vCenter
 * uuid>`) bind with vif_type 'dvs' and the port group in vif_details, which
 * the vsphere compute driver plugs the NIC into.
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

  return {
    name: 'vsphere_dvs',
    initialize(logger) {
      log = logger.child({ mechanism: 'vsphere_dvs' })
      need()
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
      if (await removePortGroup(await connect(), pgName(id)))
        log?.info({ network: id }, 'port group removed')
    },
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
      const { sw, pg } = await ensure(networkId, seg)
      ctx.setBinding({
        segmentId: seg.id,
        vifType: 'dvs',
        vifDetails: {
          dvs_port_group_key: pg.key,
          dvs_port_group_name: pg.name,
          dvs_uuid: sw.uuid,
          dvs_name: sw.name,
          segmentation_id: seg.segmentation_id ?? 0,
          port_filter: false,
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
