import type { FastifyRequest } from 'fastify'

/** Nova's [api] max_limit: the page size cap of every paginated list. */
export const MAX_LIMIT = 1000

/** http(s)://host/compute as the client addressed us. */
export function computeBase(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/compute`
}

/** Nova's self + bookmark links of one resource (`flavors`, `images`, ...). */
export function resourceLinks(
  request: FastifyRequest,
  collection: string,
  id: string,
): Array<{ rel: string; href: string }> {
  const base = computeBase(request)
  return [
    { rel: 'self', href: `${base}/v2.1/${collection}/${id}` },
    { rel: 'bookmark', href: `${base}/${collection}/${id}` },
  ]
}

/**
 * Nova's `<collection>_links` next link: present when the page is full
 * (limit given and reached, or max_limit reached); the query is kept, sorted,
 * with marker set to the last item.
 */
export function nextLinks(
  request: FastifyRequest,
  collectionPath: string,
  count: number,
  lastId: string | undefined,
): Array<{ rel: string; href: string }> {
  const query = request.query as Record<string, unknown>
  const rawLimit = query['limit']
  const limit = Math.min(rawLimit === undefined ? MAX_LIMIT : Number(rawLimit), MAX_LIMIT)
  if (!limit || limit !== count || lastId === undefined) return []
  const params = new URLSearchParams()
  for (const key of Object.keys(query).sort()) {
    if (key === 'marker') continue
    const v = query[key]
    for (const one of Array.isArray(v) ? v : [v]) params.append(key, String(one))
  }
  params.set('marker', lastId)
  const entries = [...params.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const qs = new URLSearchParams(entries).toString()
  return [{ rel: 'next', href: `${computeBase(request)}/v2.1/${collectionPath}?${qs}` }]
}
