import { vimFault } from './faults.js'
import type { Vim25Session } from './session.js'
import { child, el, list, moRef, text, xsiType, type MoRef, type XmlNode } from './soap.js'

/** One object of a RetrievePropertiesEx / WaitForUpdatesEx answer. */
export interface ObjectContent {
  readonly obj: MoRef
  readonly props: Map<string, XmlNode | XmlNode[]>
  /** Paths vCenter could not read, with the fault's type name. */
  readonly missing: ReadonlyArray<{ readonly path: string; readonly fault: string }>
}

/** The fault name inside a `missingSet` (`<fault><fault xsi:type="…">`). */
export function missingFault(m: XmlNode): string {
  const outer = child(m, 'fault')
  const inner = child(outer, 'fault')
  return xsiType(inner) ?? xsiType(outer) ?? 'InvalidProperty'
}

/** Parses `<objects>` (or an ObjectUpdate's obj/changeSet) into ObjectContent. */
export function objectContent(node: XmlNode): ObjectContent {
  const obj = moRef(child(node, 'obj'))
  if (!obj) throw vimFault('InvalidResponse', 'ObjectContent without obj')
  const props = new Map<string, XmlNode | XmlNode[]>()
  for (const p of list(child(node, 'propSet'))) {
    const name = text(child(p, 'name'))
    const val = child(p, 'val')
    if (name !== undefined && val !== undefined) props.set(name, val)
  }
  const missing = list(child(node, 'missingSet')).map((m) => ({
    path: text(child(m, 'path')) ?? '',
    fault: missingFault(m),
  }))
  return { obj, props, missing }
}

/**
 * RetrievePropertiesEx + ContinueRetrievePropertiesEx to the last page. An
 * expired session shows up as NotAuthenticated in every object's missingSet
 * (vcsim does not fault): re-login and start over, once.
 */
export async function retrieveAll(
  session: Vim25Session,
  specSet: string,
  maxObjects: number,
): Promise<ObjectContent[]> {
  for (let attempt = 0; ; attempt++) {
    const out: ObjectContent[] = []
    let res = await session.call(
      'RetrievePropertiesEx',
      session.content.propertyCollector,
      `${specSet}<options>${el('maxObjects', maxObjects)}</options>`,
    )
    for (;;) {
      for (const o of list(child(res, 'objects'))) out.push(objectContent(o))
      const token = text(child(res, 'token'))
      if (!token) break
      res = await session.call(
        'ContinueRetrievePropertiesEx',
        session.content.propertyCollector,
        el('token', token),
      )
    }
    const expired = out.some((o) => o.missing.some((m) => m.fault === 'NotAuthenticated'))
    if (!expired) return out
    if (attempt >= 1)
      throw vimFault('NotAuthenticated', 'vCenter session expired and re-login did not help')
    await session.relogin()
  }
}

/** A PropertySpec + ObjectSpec over a ContainerView of `type` (recursive). */
export function viewSpec(view: MoRef, type: string, paths: readonly string[]): string {
  return (
    `<specSet><propSet><type>${type}</type>${el('pathSet', paths)}</propSet>` +
    `<objectSet><obj type="${view.type}">${view.value}</obj><skip>true</skip>` +
    '<selectSet xsi:type="TraversalSpec"><name>view</name><type>ContainerView</type>' +
    '<path>view</path><skip>false</skip></selectSet></objectSet></specSet>'
  )
}

/** Properties of every object of one type under `container`, through a temporary ContainerView. */
export async function retrieveByType(
  session: Vim25Session,
  container: MoRef,
  type: string,
  paths: readonly string[],
  maxObjects?: number,
): Promise<ObjectContent[]> {
  const view = await session.callRef(
    'CreateContainerView',
    session.content.viewManager,
    `<container type="${container.type}">${container.value}</container>${el('type', type)}${el('recursive', true)}`,
  )
  try {
    return await session.retrieve(viewSpec(view, type, paths), maxObjects)
  } finally {
    await session.call('DestroyView', view).catch(() => undefined)
  }
}
