import type { OauthConsumerRow } from '../../../db/repositories/identity/oauth-consumers.js'
import { withExtra, type Ref } from '../extras.js'

/** A consumer as Keystone renders it; `secret` is added only by the create call. */
export function consumerView(c: OauthConsumerRow, base: string, secret?: string): Ref {
  return {
    ...withExtra(c.extra, { id: c.id, description: c.description }),
    ...(secret !== undefined ? { secret } : {}),
    links: { self: `${base}/OS-OAUTH1/consumers/${c.id}` },
  }
}
