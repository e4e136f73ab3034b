import { randomBytes } from 'node:crypto'
import { BadRequestError, NotFoundError, ServiceUnavailableError } from '../../../common/errors.js'
import type { RemoteConsole } from '../../../virt/driver.js'
import type { ComputeContext } from '../compute-context.js'
import { TaskState } from '../states.js'
import { callCompute, type ActionCaller } from './action-start.js'
import { checkHost, invalidState, loadInstance } from './instance-guard.js'

/** Which console types each protocol offers (libvirt's ConsoleTypeInvalid otherwise). */
const TYPES_OF: Record<string, readonly string[]> = {
  vnc: ['novnc', 'xvpvnc'],
  spice: ['spice-html5'],
  rdp: ['rdp-html5'],
  serial: ['serial'],
  mks: ['webmks'],
}

export interface ConsoleToken {
  readonly token: string
  readonly instanceUuid: string
  readonly protocol: string
  readonly type: string
  readonly host: string
  readonly port: number
  readonly internalAccessPath: string | null
  readonly expires: number
}

// NOTE: tokens live in this process only, like nova-consoleauth's cache; ten minutes (token_ttl).
const TOKEN_TTL_MS = 600_000
const tokens = new Map<string, ConsoleToken>()

/** A console token still valid, or undefined. */
export function consoleToken(token: string): ConsoleToken | undefined {
  const t = tokens.get(token)
  if (t && t.expires < Date.now()) {
    tokens.delete(token)
    return undefined
  }
  return t
}

/**
 * A remote console URL for a server: the worker's driver says where the
 * console is; the URL carries a random token the console endpoint accepts.
 */
export async function remoteConsoleUrl(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  protocol: string,
  type: string,
): Promise<string> {
  const inst = await loadInstance(ctx, caller.auth, id)
  const host = checkHost(inst)
  if (inst.task_state === TaskState.DELETING || inst.task_state === TaskState.MIGRATING)
    throw invalidState(`get_${protocol}_console`, inst.uuid, 'task_state', inst.task_state)
  if (!(TYPES_OF[protocol] ?? []).includes(type))
    throw new BadRequestError(`Invalid console type ${type}`)
  const c = (await callCompute(ctx, host, 'get_remote_console', {
    instanceUuid: inst.uuid,
    requestId: caller.requestId,
    protocol,
    type,
  })) as unknown as RemoteConsole
  const token = randomBytes(24).toString('hex')
  tokens.set(token, {
    token,
    instanceUuid: inst.uuid,
    protocol,
    type,
    host: c.host,
    port: c.port,
    internalAccessPath: c.internalAccessPath ?? null,
    expires: Date.now() + TOKEN_TTL_MS,
  })
  return `${ctx.publicUrl.replace(/\/+$/, '')}/compute/v2.1/console?token=${token}`
}

// Nova strips these from console logs before answering.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0B-\x1F]/g

/** os-getConsoleOutput: the last `length` lines of the console log (null/-1: all). */
export async function consoleOutput(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  length: number | undefined,
): Promise<string> {
  const inst = await loadInstance(ctx, caller.auth, id)
  const host = checkHost(inst)
  let out
  try {
    out = (await callCompute(ctx, host, 'get_console_output', {
      instanceUuid: inst.uuid,
      requestId: caller.requestId,
      ...(length !== undefined ? { length } : {}),
    })) as { output?: string } | null
  } catch (err) {
    if (err instanceof ServiceUnavailableError) throw err
    if (err instanceof NotFoundError)
      throw new NotFoundError(`Instance ${inst.uuid} could not be found.`)
    throw err
  }
  return (out?.output ?? '').replace(CONTROL, '')
}
