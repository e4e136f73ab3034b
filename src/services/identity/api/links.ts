import type { FastifyRequest } from 'fastify'

/** http(s)://host[:port]/identity/v3 as the client reached us (Keystone builds links the same way). */
export function identityBase(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/identity/v3`
}

/** The `links` block of a collection. */
export function collectionLinks(request: FastifyRequest): {
  self: string
  previous: null
  next: null
} {
  return { self: `${request.protocol}://${request.host}${request.url}`, previous: null, next: null }
}
