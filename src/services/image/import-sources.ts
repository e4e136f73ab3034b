import { Readable } from 'node:stream'
import { BadRequestError } from '../../common/errors.js'
import type { ImageContext } from './image-context.js'

const TIMEOUT_MS = 60_000
const MAX_REDIRECTS = 5

/** True when web-download may fetch `uri` (Glance's import_filtering_opts). */
export function uriPassesFilter(ctx: ImageContext, uri: string): boolean {
  let u: URL
  try {
    u = new URL(uri)
  } catch {
    return false
  }
  const c = ctx.config.image
  const scheme = u.protocol.replace(/:$/, '')
  if (!c.import_allowed_schemes.includes(scheme)) return false
  const host = u.hostname.replace(/^\[|\]$/g, '')
  if (c.import_disallowed_hosts.includes(host)) return false
  if (c.import_allowed_hosts.length > 0 && !c.import_allowed_hosts.includes(host)) return false
  const port = u.port !== '' ? u.port : scheme === 'https' ? '443' : '80'
  return c.import_allowed_ports.length === 0 || c.import_allowed_ports.includes(port)
}

/** 400 unless `uri` is a string that passes the filter. */
export function checkWebDownloadUrl(ctx: ImageContext, uri: unknown): void {
  if (typeof uri !== 'string' || !uriPassesFilter(ctx, uri)) {
    throw new BadRequestError(`URI for web-download does not pass filtering: ${String(uri)}`)
  }
}

/** GETs a URL as a stream, re-checking the filter on every redirect (web-download). */
export async function openUrl(
  ctx: ImageContext,
  uri: string,
  headers: Record<string, string> = {},
): Promise<Readable> {
  let url = uri
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const res = await fetch(url, {
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
    if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
      await res.body?.cancel()
      url = new URL(res.headers.get('location')!, url).href
      if (!uriPassesFilter(ctx, url)) throw new Error(`redirect to ${url} does not pass filtering`)
      continue
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel()
      throw new Error(`GET ${url} returned ${res.status}`)
    }
    return Readable.fromWeb(res.body)
  }
  throw new Error(`too many redirects from ${uri}`)
}

/** Where glance-download finds the remote image service: the catalog seen with the user's token. */
export async function remoteImageEndpoint(
  ctx: ImageContext,
  token: string | undefined,
  region: string,
  iface: string,
): Promise<string> {
  if (!token) throw new Error('no token to read the service catalog with')
  const res = await fetch(`${ctx.publicUrl.replace(/\/+$/, '')}/identity/v3/auth/catalog`, {
    headers: { 'x-auth-token': token, accept: 'application/json' },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  })
  if (!res.ok) throw new Error(`reading the catalog returned ${res.status}`)
  const body = (await res.json()) as {
    catalog?: {
      type?: string
      endpoints?: { region_id?: string; region?: string; interface?: string; url?: string }[]
    }[]
  }
  for (const svc of body.catalog ?? []) {
    if (svc.type !== 'image') continue
    const ep = (svc.endpoints ?? []).find(
      (e) => (e.region_id ?? e.region) === region && e.interface === iface,
    )
    if (ep?.url) return ep.url.replace(/\/+$/, '')
  }
  throw new Error(
    `no image endpoint in region ${JSON.stringify(region)} with interface ${JSON.stringify(iface)}`,
  )
}

/** glance-download: the remote image's record and a stream of its data. */
export async function openRemoteImage(
  ctx: ImageContext,
  token: string | undefined,
  method: Readonly<Record<string, unknown>>,
): Promise<{ image: Record<string, unknown>; data: Readable }> {
  const base = await remoteImageEndpoint(
    ctx,
    token,
    String(method['glance_region']),
    typeof method['glance_service_interface'] === 'string'
      ? method['glance_service_interface']
      : 'public',
  )
  const id = String(method['glance_image_id'])
  const headers = { 'x-auth-token': token ?? '', accept: 'application/json' }
  const res = await fetch(`${base}/v2/images/${encodeURIComponent(id)}`, {
    headers,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  })
  if (!res.ok) throw new Error(`remote image ${id}: ${res.status}`)
  const image = (await res.json()) as Record<string, unknown>
  if (image['status'] !== 'active')
    throw new Error(`remote image ${id} is ${String(image['status'])}, not active`)
  const data = await openUrl(ctx, `${base}/v2/images/${encodeURIComponent(id)}/file`, {
    'x-auth-token': token ?? '',
  }).catch((err: unknown) => {
    throw new Error(`remote image ${id} data: ${(err as Error).message}`)
  })
  return { image, data }
}
