import type { Db } from '../../db/database.js'
import { fromBool, parseJson } from '../../db/repositories/identity/rows.js'

export interface CatalogEntry {
  readonly id: string
  readonly type: string
  readonly name: string
  readonly endpoints: ReadonlyArray<{
    readonly id: string
    readonly interface: string
    readonly region: string | null
    readonly region_id: string | null
    readonly url: string
  }>
}

/** The service catalog as tokens render it: enabled services with their enabled endpoints. */
export async function loadCatalog(db: Db): Promise<CatalogEntry[]> {
  const services = await db.selectFrom('services').selectAll().orderBy('type').execute()
  const endpoints = await db.selectFrom('endpoints').selectAll().where('enabled', '=', 1).execute()
  const out: CatalogEntry[] = []
  for (const s of services) {
    if (!fromBool(s.enabled)) continue
    const extra = parseJson<{ name?: string }>(s.extra, {})
    out.push({
      id: s.id,
      type: s.type,
      name: extra.name ?? '',
      endpoints: endpoints
        .filter((e) => e.service_id === s.id)
        .map((e) => ({
          id: e.id,
          interface: e.interface,
          region: e.region_id,
          region_id: e.region_id,
          url: e.url,
        })),
    })
  }
  return out
}

/**
 * The catalog as one token sees it (Keystone's format_url): `$(project_id)s`
 * and `$(tenant_id)s` become the token's project, `$(user_id)s` its user; an
 * endpoint whose URL needs a project is left out of tokens without one.
 */
export function catalogForToken(
  catalog: readonly CatalogEntry[],
  who: { readonly projectId?: string | undefined; readonly userId: string },
): CatalogEntry[] {
  const needsProject = /\$\((project_id|tenant_id)\)s/
  return catalog.map((s) => ({
    ...s,
    endpoints: s.endpoints
      .filter((e) => who.projectId !== undefined || !needsProject.test(e.url))
      .map((e) => ({
        ...e,
        url: e.url
          .replaceAll('$(project_id)s', who.projectId ?? '')
          .replaceAll('$(tenant_id)s', who.projectId ?? '')
          .replaceAll('$(user_id)s', who.userId),
      })),
  }))
}
