import type { MechanismDriver } from '../mechanism-driver.js'

/**
 * A driver without a data plane: ignores every change and binds any port on
 * any host to its network's first segment with vif_type 'other', so the
 * control plane (and compute's port binding) works with no switch behind it.
 * Put it LAST in [ml2] mechanism_drivers: real drivers get the first chance.
 */
export function createNoopDriver(): MechanismDriver {
  return {
    name: 'noop',
    bindPort(ctx) {
      const segment = ctx.segmentsToBind[0]
      if (!segment) return
      ctx.setBinding({
        segmentId: segment.id,
        vifType: 'other',
        vifDetails: { port_filter: false },
      })
    },
  }
}
