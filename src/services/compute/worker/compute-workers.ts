import type { Logger } from 'pino'
import type { Bus } from '../../../bus/bus.js'
import type { computeGroup } from '../../../config/groups/compute.js'
import type { GroupValues } from '../../../config/option.js'
import type { ComputeDriver } from '../../../virt/driver.js'
import { hostOfNode, loadComputeDriver, type DriverConfigSource } from '../../../virt/registry.js'
import { ComputeManager } from './compute-manager.js'

export interface ComputeWorkers {
  readonly driver: ComputeDriver
  /** One manager per node of the driver, by nodename. */
  readonly managers: ReadonlyMap<string, ComputeManager>
  close(): Promise<void>
}

/**
 * Starts `[compute] compute_driver` and one ComputeManager per node it
 * serves, routing the driver's events to the manager of the node. Needs only
 * the bus and configuration (no database): used by `nubis serve` and `nubis compute`.
 */
export async function startComputeWorkers(o: {
  readonly bus: Bus
  readonly compute: GroupValues<typeof computeGroup>
  readonly driverConfig: DriverConfigSource
  readonly logger: Logger
}): Promise<ComputeWorkers> {
  const driver = await loadComputeDriver(o.compute.compute_driver, o.driverConfig)
  const managers = new Map<string, ComputeManager>()
  const logger = o.logger.child({ driver: driver.name })
  let closing = false
  await driver.init({
    // One lookup per event, then the manager of the instance's node handles it.
    instanceChanged: (uuid, info) => {
      const any = managers.values().next().value
      if (!any || closing) return
      // Tracked by a manager, so close() waits for it before the conductor goes.
      void any
        .track(
          (async () => {
            const inst = await any.ctx.conductor.getInstance(uuid)
            const m = inst?.node ? managers.get(inst.node) : undefined
            if (inst && m) await m.onInstanceChanged(inst, info)
          })(),
        )
        .catch((err: unknown) => {
          if (!closing)
            logger.warn({ err: String(err), instance: uuid }, 'power state event failed')
        })
    },
    resourcesChanged: (nodename) => {
      void managers.get(nodename)?.reportResources()
    },
  })
  try {
    for (const nodename of driver.nodes()) {
      managers.set(
        nodename,
        await ComputeManager.start({
          bus: o.bus,
          driver,
          nodename,
          host: hostOfNode(driver, nodename),
          logger,
          options: {
            reportInterval: o.compute.report_interval,
            resourceReportInterval: o.compute.resource_report_interval,
            syncPowerStateInterval: o.compute.sync_power_state_interval,
            vifPluggingTimeout: o.compute.vif_plugging_timeout,
            vifPluggingIsFatal: o.compute.vif_plugging_is_fatal,
          },
        }),
      )
    }
  } catch (err) {
    await Promise.allSettled([...managers.values()].map((m) => m.close()))
    await driver.close()
    throw err
  }
  return {
    driver,
    managers,
    async close() {
      closing = true
      await Promise.allSettled([...managers.values()].map((m) => m.close()))
      await driver.close()
    },
  }
}
