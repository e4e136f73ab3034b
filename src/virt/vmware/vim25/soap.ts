import { XMLParser } from 'fast-xml-parser'
import { vimFault, Vim25Fault } from './faults.js'

export { Vim25Fault } from './faults.js'

/** A managed object reference: `<_this type="Datacenter">datacenter-2</_this>`. */
export interface MoRef {
  readonly type: string
  readonly value: string
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
}

export const xmlEscape = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)

/** `<name>value</name>` with the value escaped; arrays repeat the element. */
export function el(name: string, value: string | number | boolean | readonly string[]): string {
  if (typeof value === 'object') return value.map((v) => el(name, v)).join('')
  return `<${name}>${xmlEscape(String(value))}</${name}>`
}

/** `<name type="T">value</name>` for a moref argument. */
export const ref = (name: string, r: MoRef): string =>
  `<${name} type="${xmlEscape(r.type)}">${xmlEscape(r.value)}</${name}>`

/** `<name xsi:type="T">inner</name>`: a polymorphic data object (inner is raw XML). */
export const typed = (name: string, type: string, inner: string): string =>
  `<${name} xsi:type="${xmlEscape(type)}">${inner}</${name}>`

/** The SOAP envelope of one vim25 call. */
export function envelope(method: string, self: MoRef, args: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Body><${method} xmlns="urn:vim25">${ref('_this', self)}${args}</${method}></soapenv:Body></soapenv:Envelope>`
  )
}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance'

// NOTE: prefixes are kept on attributes: vcsim sends both a moref's plain
// `type` and `XMLSchema-instance:type` on one element, which removeNSPrefix
// would collapse into one key. normalize() resolves them below.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: false,
  transformTagName: (t) => t.replace(/^[^:]*:/, ''),
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
})

/**
 * A parsed XML node: text, or an object of child nodes (repeated children
 * become arrays). Attributes: `@_type` (a moref's type), `@_xsiType` (the
 * element's xsi:type, prefix-free, whatever prefix the sender declared).
 */
export type XmlNode = string | { readonly [k: string]: XmlNode | XmlNode[] | undefined }

type Mutable = Record<string, unknown>

/** Resolves `P:type` where P is bound to the XML Schema instance namespace, drops xmlns attributes. */
function normalize(node: unknown, xsiPrefixes: ReadonlySet<string>): unknown {
  if (Array.isArray(node)) return node.map((n) => normalize(n, xsiPrefixes))
  if (node === null || typeof node !== 'object') return node
  const o = node as Mutable
  let prefixes = xsiPrefixes
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith('@_xmlns:') && v === XSI) {
      if (prefixes === xsiPrefixes) prefixes = new Set(xsiPrefixes)
      ;(prefixes as Set<string>).add(k.slice(8))
    }
  }
  const out: Mutable = {}
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith('@_xmlns')) continue
    const m = /^@_([^:]+):type$/.exec(k)
    if (m) {
      if (m[1] && prefixes.has(m[1])) out['@_xsiType'] = String(v).replace(/^[^:]*:/, '')
      continue
    }
    out[k] = k.startsWith('@_') ? v : normalize(v, prefixes)
  }
  return out
}

/** Parses any vim25 XML document into normalized nodes. */
export function parseXml(xml: string): XmlNode {
  return normalize(parser.parse(xml), new Set(['xsi'])) as XmlNode
}

/**
 * Parses a response and returns `<methodResponse>/returnval` (undefined for
 * void methods). Faults become typed Vim25Fault subclasses, named by their
 * detail's xsi:type (any prefix) or the detail element's name.
 */
export function parseResponse(method: string, xml: string): XmlNode | XmlNode[] | undefined {
  const doc = parseXml(xml) as { Envelope?: { Body?: Record<string, unknown> } }
  const body = doc.Envelope?.Body
  if (!body) throw vimFault('HttpError', `vCenter sent no SOAP body for ${method}`)
  const fault = body['Fault'] as
    { faultstring?: string; detail?: Record<string, unknown> } | undefined
  if (fault) {
    const [tag, detail] = Object.entries(fault.detail ?? {})[0] ?? []
    const d = detail as Record<string, unknown> | undefined
    const name =
      typeof d?.['@_xsiType'] === 'string' ? d['@_xsiType'] : (tag ?? 'Fault').replace(/Fault$/, '')
    const msg =
      typeof fault.faultstring === 'string' && fault.faultstring ? fault.faultstring : name
    throw vimFault(name, `${method}: ${msg}`, d)
  }
  const res = body[`${method}Response`] as Record<string, unknown> | string | undefined
  if (res === undefined || typeof res === 'string') return undefined
  return res['returnval'] as XmlNode | XmlNode[] | undefined
}

/** The text of a node (a moref's value, a string property). */
export function text(node: XmlNode | XmlNode[] | undefined): string | undefined {
  if (node === undefined) return undefined
  if (typeof node === 'string') return node
  if (Array.isArray(node)) return text(node[0])
  const t = node['#text']
  return typeof t === 'string' ? t : undefined
}

/** A moref from a node like `<returnval type="Task">task-12</returnval>`. */
export function moRef(node: XmlNode | XmlNode[] | undefined): MoRef | undefined {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined
  const type = node['@_type']
  const value = node['#text']
  return typeof type === 'string' && typeof value === 'string' ? { type, value } : undefined
}

/** A node or list of nodes as a list (fast-xml-parser gives one child as a bare node). */
export function list(node: XmlNode | XmlNode[] | undefined): XmlNode[] {
  if (node === undefined || node === '') return []
  return Array.isArray(node) ? node : [node]
}

/** A child of an object node. */
export function child(
  node: XmlNode | XmlNode[] | undefined,
  key: string,
): XmlNode | XmlNode[] | undefined {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined
  return node[key]
}

/** `a.b.c` inside an object node. */
export function at(
  node: XmlNode | XmlNode[] | undefined,
  path: string,
): XmlNode | XmlNode[] | undefined {
  let n = node
  for (const k of path.split('.')) n = child(n, k)
  return n
}

export const num = (node: XmlNode | XmlNode[] | undefined): number | undefined => {
  const t = text(node)
  if (t === undefined || t === '') return undefined
  const n = Number(t)
  return Number.isFinite(n) ? n : undefined
}

export const bool = (node: XmlNode | XmlNode[] | undefined): boolean | undefined => {
  const t = text(node)
  return t === 'true' ? true : t === 'false' ? false : undefined
}

/** The xsi:type of a node. */
export const xsiType = (node: XmlNode | XmlNode[] | undefined): string | undefined => {
  const t = child(node, '@_xsiType')
  return typeof t === 'string' ? t : undefined
}

/** Throws a typed fault unless `cond`; used for malformed answers. */
export function expect<T>(value: T | undefined, what: string): T {
  if (value === undefined)
    throw new Vim25Fault('InvalidResponse', `vCenter answered without ${what}`)
  return value
}
