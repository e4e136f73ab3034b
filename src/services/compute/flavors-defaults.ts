import type { Db } from '../../db/database.js'
import {
  flavorByFlavorid,
  flavorByName,
  insertFlavor,
} from '../../db/repositories/compute/flavors.js'

/** Nova's historical default flavors: [flavorid, name, vcpus, MiB, root GiB]. */
const DEFAULT_FLAVORS = [
  ['1', 'm1.tiny', 1, 512, 1],
  ['2', 'm1.small', 1, 2048, 20],
  ['3', 'm1.medium', 2, 4096, 40],
  ['4', 'm1.large', 4, 8192, 80],
  ['5', 'm1.xlarge', 8, 16384, 160],
] as const

/**
 * Creates the m1.* flavors on first start ([compute] create_default_flavors):
 * only while the flavor table is empty, so flavors an admin deleted later stay
 * deleted. Idempotent, and safe when two processes start together.
 */
export async function ensureDefaultFlavors(db: Db): Promise<void> {
  if (await db.selectFrom('flavors').select('id').limit(1).executeTakeFirst()) return
  for (const [flavorid, name, vcpus, memory_mb, root_gb] of DEFAULT_FLAVORS) {
    if ((await flavorByFlavorid(db, flavorid)) || (await flavorByName(db, name))) continue
    try {
      await insertFlavor(db, {
        flavorid,
        name,
        vcpus,
        memory_mb,
        root_gb,
        ephemeral_gb: 0,
        swap: 0,
        rxtx_factor: 1,
        is_public: 1,
        disabled: 0,
        description: null,
      })
    } catch (err) {
      // Another process starting at the same moment created it first.
      if (!(await flavorByFlavorid(db, flavorid))) throw err
    }
  }
}
