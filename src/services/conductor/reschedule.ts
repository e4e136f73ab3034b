import { claim, deleteAllocations } from '../placement/index.js'
import { recordBuildFailure } from '../scheduler/index.js'
import type { RequestSpec, Selection } from '../compute/rpc.js'
import { TaskState } from '../compute/states.js'
import { failBuild, maxRetriesMessage } from './build-failure.js'
import { conductorMethod } from './conductor-method.js'
import { dispatchBuild, isBeingDeleted } from './dispatch-build.js'
import { loadInstance, saveInstance } from './instance-store.js'

export interface RescheduleArgs {
  readonly instanceUuid: string
  readonly requestId: string
  /** Where the build just failed. */
  readonly host: string
  readonly node: string
  /** What the worker still had as alternates. */
  readonly alternates: readonly Selection[]
  readonly fault: { readonly code: number; readonly message: string; readonly details?: string }
}

/**
 * conductor.reschedule_instance: a worker's build failed. Drop the failed
 * node's allocation, remember the host (RetryFilter), and try the next
 * alternate whose resources can still be claimed, up to [scheduler]
 * max_attempts attempts; after that the server goes to ERROR.
 */
export const rescheduleInstance = conductorMethod<RescheduleArgs>(async (c, a) => {
  const uuid = a.instanceUuid
  await deleteAllocations(c.db, uuid)
  await recordBuildFailure(c, a.host)
  const inst = await loadInstance(c.db, uuid)
  if (isBeingDeleted(inst) || !inst) return
  const spec = JSON.parse(inst.request_spec) as RequestSpec
  const prev = spec.retry ?? { numAttempts: 1, hosts: [] }
  const retry = {
    numAttempts: prev.numAttempts + 1,
    hosts: [...prev.hosts, [a.host, a.node] as const],
  }
  const next: RequestSpec = { ...spec, retry }
  await saveInstance(c.db, uuid, {
    host: null,
    node: null,
    task_state: TaskState.SCHEDULING,
    request_spec: JSON.stringify(next),
  })
  const exhausted = async (): Promise<void> => {
    c.logger.warn({ instance: uuid, hosts: retry.hosts }, 'build failed on every attempt')
    await failBuild(c, uuid, a.requestId, undefined, {
      code: 500,
      message: maxRetriesMessage(uuid),
      details: a.fault.message,
    })
  }
  if (prev.numAttempts >= c.config.scheduler.max_attempts) return exhausted()
  const failed = new Set(retry.hosts.map(([h, n]) => `${h}\n${n}`))
  const remaining = a.alternates.filter((s) => !failed.has(`${s.host}\n${s.nodename}`))
  for (const [i, alt] of remaining.entries()) {
    const ok = await claim(c.db, uuid, alt.providerUuid, alt.resources, {
      projectId: inst.project_id,
      userId: inst.user_id,
    })
    if (!ok) continue
    await dispatchBuild(c, uuid, a.requestId, next, alt, remaining.slice(i + 1), {
      firstAttempt: false,
    })
    return
  }
  return exhausted()
})
