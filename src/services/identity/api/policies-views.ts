import type { PolicyRow } from '../../../db/repositories/identity/policies.js'
import { withExtra, type Ref } from '../extras.js'

/** A policy as Keystone renders it: extras, then id, type, blob and links. */
export function policyView(p: PolicyRow, base: string): Ref {
  return {
    ...withExtra(p.extra, { id: p.id, type: p.type, blob: p.blob }),
    links: { self: `${base}/policies/${p.id}` },
  }
}
