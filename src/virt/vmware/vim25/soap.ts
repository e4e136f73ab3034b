import { XMLParser } from 'fast-xml-parser'

/** A managed object reference: `<_this type="Datacenter">datacenter-2</_this>`. */
export interface MoRef {
  readonly type: string
  readonly value: string
}

/** A SOAP fault from vCenter; `faultName` is the vim25 fault type (NotAuthenticated, FileNotFound, …). */
export class Vim25Fault extends Error {
  constructor(
    readonly faultName: string,
    message: string,
  ) {
    super(message)
    this.name = 'Vim25Fault'
  }
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

/** The SOAP envelope of one vim25 call. */
export function envelope(method: string, self: MoRef, args: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Body><${method} xmlns="urn:vim25">${ref('_this', self)}${args}</${method}></soapenv:Body></soapenv:Envelope>`
  )
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
})

/** A parsed XML node: text, or an object of child nodes (repeated children become arrays). */
export type XmlNode = string | { readonly [k: string]: XmlNode | XmlNode[] | undefined }

/**
 * Parses a response and returns `<methodResponse>/returnval` (undefined for
 * void methods). Faults become Vim25Fault, named by their detail type
 * (`xsi:type` with any namespace prefix) or the first detail element.
 */
export function parseResponse(method: string, xml: string): XmlNode | XmlNode[] | undefined {
  const doc = parser.parse(xml) as { Envelope?: { Body?: Record<string, unknown> } }
  const body = doc.Envelope?.Body
  if (!body) throw new Vim25Fault('InvalidResponse', `vCenter sent no SOAP body for ${method}`)
  const fault = body['Fault'] as
    { faultstring?: string; detail?: Record<string, unknown> } | undefined
  if (fault) {
    const detail = Object.entries(fault.detail ?? {})[0]
    const typed = detail?.[1] as Record<string, unknown> | undefined
    const typeAttr =
      typed && Object.entries(typed).find(([k]) => k.endsWith(':type') || k === '@_type')?.[1]
    const name =
      typeof typeAttr === 'string'
        ? typeAttr.replace(/^.*:/, '')
        : (detail?.[0] ?? 'Fault').replace(/Fault$/, '')
    throw new Vim25Fault(name, `${method}: ${fault.faultstring ?? name}`)
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
