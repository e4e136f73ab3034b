import { retrieveByType } from '../../../virt/vmware/vim25/property-collector.js'
import type { Vim25Session } from '../../../virt/vmware/vim25/session.js'
import { bool, child, list, num, text, type MoRef } from '../../../virt/vmware/vim25/soap.js'

/** A datastore volumes may live on, with the datacenter every disk call must name. */
export interface VolumeDatastore {
  readonly name: string
  readonly capacityBytes: number
  readonly freeBytes: number
  readonly dcName: string
  readonly dcRef: MoRef
}

/** Which datacenter holds each datastore (by moref value); kept between reads. */
export type DatacenterOf = Map<string, { readonly name: string; readonly ref: MoRef }>

/**
 * The accessible datastores matching `regex` (and mounted in one of
 * `clusters` when any are named), each with its datacenter. Capacity is read
 * fresh (free space decides where a new volume goes); the datacenters are
 * re-read only when a datastore not in `dcOf` shows up, since a datastore
 * never changes datacenter.
 */
export async function volumeDatastores(
  session: Vim25Session,
  regex: RegExp | undefined,
  clusters: readonly string[] = [],
  dcOf: DatacenterOf = new Map(),
): Promise<VolumeDatastore[]> {
  const root = session.content.rootFolder
  const inClusters = clusters.length ? await clusterDatastores(session, clusters) : undefined
  const all = await retrieveByType(session, root, 'Datastore', [
    'name',
    'summary.capacity',
    'summary.freeSpace',
    'summary.accessible',
  ])
  if (all.some((d) => !dcOf.has(d.obj.value))) {
    const dcs = await retrieveByType(session, root, 'Datacenter', ['name', 'datastore'])
    for (const dc of dcs)
      for (const ds of list(child(dc.props.get('datastore'), 'ManagedObjectReference')))
        dcOf.set(text(ds) ?? '', { name: text(dc.props.get('name')) ?? '', ref: dc.obj })
  }
  const out: VolumeDatastore[] = []
  for (const d of all) {
    const name = text(d.props.get('name')) ?? ''
    const dc = dcOf.get(d.obj.value)
    if (!dc || bool(d.props.get('summary.accessible')) === false) continue
    if (regex && !regex.test(name)) continue
    if (inClusters && !inClusters.has(d.obj.value)) continue
    out.push({
      name,
      capacityBytes: num(d.props.get('summary.capacity')) ?? 0,
      freeBytes: num(d.props.get('summary.freeSpace')) ?? 0,
      dcName: dc.name,
      dcRef: dc.ref,
    })
  }
  return out
}

/** Datastore moref values mounted in the clusters named (an unknown name is an error). */
async function clusterDatastores(
  session: Vim25Session,
  names: readonly string[],
): Promise<Set<string>> {
  const all = await retrieveByType(session, session.content.rootFolder, 'ClusterComputeResource', [
    'name',
    'datastore',
  ])
  const out = new Set<string>()
  for (const name of names) {
    const c = all.find((x) => text(x.props.get('name')) === name)
    if (!c) throw new Error(`vmware_cluster_name: no cluster named ${name} in vCenter.`)
    for (const ds of list(child(c.props.get('datastore'), 'ManagedObjectReference')))
      out.add(text(ds) ?? '')
  }
  return out
}

/** `[ds] dir/file.vmdk` → its parts; undefined for anything else. */
export function parseDsPath(p: string): { ds: string; path: string } | undefined {
  const m = /^\[([^\]]+)\] (.+\.vmdk)$/.exec(p)
  return m ? { ds: m[1] as string, path: m[2] as string } : undefined
}
