import type { Db } from '../../database.js'

/** Adds one recent build failure to a compute host (BuildFailureWeigher). */
export async function bumpBuildFailures(db: Db, host: string, now: string): Promise<void> {
  await db
    .insertInto('compute_build_failures')
    .values({ host, failed_builds: 1, updated_at: now })
    .onConflict((oc) =>
      oc.column('host').doUpdateSet((eb) => ({
        failed_builds: eb('compute_build_failures.failed_builds', '+', 1),
        updated_at: now,
      })),
    )
    .execute()
}

/** A successful build on the host forgives its failures (Nova's compute manager does the same). */
export async function resetBuildFailures(db: Db, host: string): Promise<void> {
  await db.deleteFrom('compute_build_failures').where('host', '=', host).execute()
}

export async function allBuildFailures(db: Db): Promise<Map<string, number>> {
  const rows = await db.selectFrom('compute_build_failures').selectAll().execute()
  return new Map(rows.map((r) => [r.host, Number(r.failed_builds)]))
}
