import type { InstanceTable } from '../../db/compute-schema.js'
import type { FlavorSpec } from '../../virt/driver.js'
import {
  COMPUTE_TOPIC,
  SCHEDULER_TOPIC,
  type ComputeMethod,
  type ComputeMethods,
  type RequestSpec,
  type Selection,
} from '../compute/rpc.js'
import type { ConductorContext } from './conductor-method.js'
import { fillRequestSpec } from './request-spec-fill.js'
import type { JsonValue } from '../../bus/bus.js'

/**
 * Asks the scheduler for a new host for one existing instance (resize, cold
 * and live migration, evacuation, unshelve). The scheduler claims the
 * primary's allocation for the instance uuid; callers move the instance's
 * old allocation out of the way first (to the migration uuid).
 */
export async function scheduleInstance(
  c: ConductorContext,
  inst: InstanceTable,
  options: {
    readonly flavor?: FlavorSpec
    readonly ignoreHosts?: readonly string[]
    readonly forceHost?: string
    /** Keep the request spec's availability zone (unshelve of an offloaded server). */
    readonly keepZone?: boolean
  },
): Promise<Selection> {
  const base = JSON.parse(inst.request_spec || '{}') as Partial<RequestSpec>
  const spec: RequestSpec = {
    projectId: inst.project_id,
    userId: inst.user_id,
    schedulerHints: {},
    requestedNetworks: 'none',
    securityGroups: [],
    ...base,
    flavor: options.flavor ?? (JSON.parse(inst.flavor) as RequestSpec['flavor']),
    numInstances: 1,
    retry: { numAttempts: 1, hosts: [] },
    ...(options.ignoreHosts && options.ignoreHosts.length > 0
      ? { ignoreHosts: options.ignoreHosts }
      : {}),
  }
  const mutable = spec as { -readonly [K in keyof RequestSpec]: RequestSpec[K] }
  // The zone of a running server is where it is, not where it asked to be.
  if (!options.keepZone) delete mutable.availabilityZone
  delete mutable.forceNode
  // A boot-time requested destination (2.74) does not bind later moves.
  delete mutable.requestedHost
  delete mutable.requestedNode
  if (options.forceHost !== undefined) mutable.forceHost = options.forceHost
  else delete mutable.forceHost
  const filled = await fillRequestSpec(c.db, spec, [inst.uuid])
  const result = (await c.bus.call({ topic: SCHEDULER_TOPIC }, 'select_destinations', {
    spec: filled as unknown as JsonValue,
    instanceUuids: [inst.uuid],
  })) as unknown as Selection[][]
  const primary = result[0]?.[0]
  if (!primary) throw new Error('No valid host was found. The scheduler returned no host.')
  return primary
}

/** Casts a compute.<host> method from the conductor. */
export async function castHost<M extends ComputeMethod>(
  c: ConductorContext,
  host: string,
  method: M,
  args: ComputeMethods[M],
): Promise<void> {
  await c.bus.cast({ topic: COMPUTE_TOPIC, server: host }, method, args as unknown as JsonValue)
}
