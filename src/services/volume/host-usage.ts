import type { Db } from '../../db/database.js'

export interface HostUsage {
  readonly projectId: string
  readonly volumes: number
  readonly volumeGb: number
  readonly snapshots: number
  readonly snapshotGb: number
}

/**
 * Volumes and snapshots on a backend host (`host@backend`, its pools
 * included: a volume's host is `host@backend#pool`), per project — what
 * Cinder's os-hosts show answers.
 */
export async function hostUsage(db: Db, host: string): Promise<HostUsage[]> {
  // LIKE narrows (its wildcards can only widen the match); the exact test is below.
  const vols = (
    await db
      .selectFrom('volumes')
      .select(['id', 'project_id', 'size', 'host'])
      .where('host', 'like', `${host}%`)
      .execute()
  ).filter((v) => v.host === host || v.host?.startsWith(`${host}#`) === true)
  const ids = vols.map((v) => v.id)
  const snaps = ids.length
    ? await db
        .selectFrom('volume_snapshots')
        .select(['project_id', 'size', 'volume_id'])
        .where('volume_id', 'in', ids)
        .execute()
    : []
  const out = new Map<
    string,
    { volumes: number; volumeGb: number; snapshots: number; snapshotGb: number }
  >()
  const of = (p: string) => {
    let u = out.get(p)
    if (!u) out.set(p, (u = { volumes: 0, volumeGb: 0, snapshots: 0, snapshotGb: 0 }))
    return u
  }
  for (const v of vols) {
    const u = of(v.project_id)
    u.volumes += 1
    u.volumeGb += v.size
  }
  for (const s of snaps) {
    const u = of(s.project_id)
    u.snapshots += 1
    u.snapshotGb += s.size
  }
  return [...out.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([projectId, u]) => ({ projectId, ...u }))
}
