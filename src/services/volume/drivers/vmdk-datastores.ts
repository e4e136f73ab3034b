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

/**
 * The accessible datastores matching `regex`, each with its datacenter, read
 * fresh (two property calls): free space decides where a new volume goes.
 */
export async function volumeDatastores(
  session: Vim25Session,
  regex: RegExp | undefined,
): Promise<VolumeDatastore[]> {
  const root = session.content.rootFolder
  const dcs = await retrieveByType(session, root, 'Datacenter', ['name', 'datastore'])
  const dcOf = new Map<string, { name: string; ref: MoRef }>()
  for (const dc of dcs)
    for (const ds of list(child(dc.props.get('datastore'), 'ManagedObjectReference')))
      dcOf.set(text(ds) ?? '', { name: text(dc.props.get('name')) ?? '', ref: dc.obj })
  const all = await retrieveByType(session, root, 'Datastore', [
    'name',
    'summary.capacity',
    'summary.freeSpace',
    'summary.accessible',
  ])
  const out: VolumeDatastore[] = []
  for (const d of all) {
    const name = text(d.props.get('name')) ?? ''
    const dc = dcOf.get(d.obj.value)
    if (!dc || bool(d.props.get('summary.accessible')) === false) continue
    if (regex && !regex.test(name)) continue
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

/** `[ds] dir/file.vmdk` → its parts; undefined for anything else. */
export function parseDsPath(p: string): { ds: string; path: string } | undefined {
  const m = /^\[([^\]]+)\] (.+\.vmdk)$/.exec(p)
  return m ? { ds: m[1] as string, path: m[2] as string } : undefined
}
