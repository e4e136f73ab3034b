import { SCHEDULER_TOPIC, type RequestSpec, type Selection } from '../compute/rpc.js'
import { isNoValidHost } from '../scheduler/index.js'
import { failBuild, noValidHostMessage } from './build-failure.js'
import { deleteAllocations } from '../placement/index.js'
import { conductorMethod, type ConductorContext } from './conductor-method.js'
import { dispatchBuild, isBeingDeleted, SCHEDULE_EVENT } from './dispatch-build.js'
import { startActionEvent } from './instance-actions.js'
import { loadInstance } from './instance-store.js'
import { fillRequestSpec } from './request-spec-fill.js'

export interface BuildInstancesArgs {
  readonly instanceUuids: readonly string[]
  readonly requestId: string
  readonly adminPass?: string
}

/**
 * conductor.build_instances (Nova's schedule_and_build_instances): schedule the
 * instances of one create request together, then send each to its host.
 */
export const buildInstances = conductorMethod<BuildInstancesArgs>(async (c, args) => {
  try {
    await scheduleAndBuild(c, args)
  } catch (err) {
    // A cast has nobody to tell: never leave the servers in BUILD forever.
    const message = err instanceof Error ? err.message : String(err)
    c.logger.error({ err: message, instances: args.instanceUuids }, 'build_instances failed')
    for (const uuid of args.instanceUuids) {
      const row = await loadInstance(c.db, uuid)
      if (!row || isBeingDeleted(row) || row.vm_state !== 'building' || row.host !== null) continue
      await deleteAllocations(c.db, uuid)
      await failBuild(c, uuid, args.requestId, SCHEDULE_EVENT, { code: 500, message })
    }
  }
})

async function scheduleAndBuild(c: ConductorContext, args: BuildInstancesArgs): Promise<void> {
  const rows = []
  for (const uuid of args.instanceUuids) {
    const row = await loadInstance(c.db, uuid)
    // Deleted meanwhile, or a redelivered message for a build already under way.
    if (!row || isBeingDeleted(row) || row.host !== null || row.vm_state !== 'building') continue
    rows.push(row)
    await startActionEvent(c.db, uuid, args.requestId, SCHEDULE_EVENT, c.conductorHost)
  }
  const first = rows[0]
  if (!first) return
  const uuids = rows.map((r) => r.uuid)
  const base = JSON.parse(first.request_spec) as RequestSpec
  const spec: RequestSpec = {
    ...(await fillRequestSpec(c.db, base, uuids)),
    retry: { numAttempts: 1, hosts: [] },
  }
  let selections: Selection[][]
  try {
    selections = (await c.bus.call({ topic: SCHEDULER_TOPIC }, 'select_destinations', {
      spec: spec as never,
      instanceUuids: uuids,
    })) as unknown as Selection[][]
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    c.logger.warn({ err: message, instances: uuids }, 'scheduling failed')
    for (const uuid of uuids)
      await failBuild(c, uuid, args.requestId, SCHEDULE_EVENT, {
        code: 500,
        message: isNoValidHost(err) ? noValidHostMessage(message) : message,
      })
    return
  }
  for (const [i, uuid] of uuids.entries()) {
    const [primary, ...alternates] = selections[i] ?? []
    if (!primary) {
      await failBuild(c, uuid, args.requestId, SCHEDULE_EVENT, {
        code: 500,
        message: noValidHostMessage('The scheduler returned no host for this instance.'),
      })
      continue
    }
    await dispatchBuild(c, uuid, args.requestId, spec, primary, alternates, {
      firstAttempt: true,
      ...(args.adminPass !== undefined ? { adminPass: args.adminPass } : {}),
    })
  }
}
