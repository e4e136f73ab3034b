import type { TSchema } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ActionCaller } from '../actions/action-start.js'
import type { ComputeContext } from '../compute-context.js'

/** What one `POST /servers/{id}/action` key does. */
export interface ServerAction {
  /** Schema of the value under the action key (checked strictly), or one per microversion. */
  readonly schema?: TSchema | ((microversion: number) => TSchema)
  /** Microversion range (minor numbers) the action exists in; outside it answers 404. */
  readonly minVersion?: number
  readonly maxVersion?: number
  /** Success status when the handler returns nothing else (Nova: mostly 202). */
  readonly status?: number
  /**
   * Runs the action. Returns the response body (or undefined for none); may set
   * headers on `reply`.
   */
  run(input: ActionInput): Promise<unknown>
}

export interface ActionInput {
  readonly ctx: ComputeContext
  readonly request: FastifyRequest
  readonly reply: FastifyReply
  readonly caller: ActionCaller
  readonly serverId: string
  readonly value: unknown
}

export type ServerActions = Readonly<Record<string, ServerAction>>

/** The ActionCaller of a request. */
export function callerOf(request: FastifyRequest): ActionCaller {
  return { auth: request.auth, requestId: request.id }
}

/** Nova's parameter_types uuid format, as a pattern (our Ajv has no format plugins). */
export const UUID_PATTERN =
  '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$'

/** A per-microversion schema builder whose results are kept (the validator caches by schema object). */
export function perVersion(
  build: (microversion: number) => TSchema,
): (microversion: number) => TSchema {
  const memo = new Map<number, TSchema>()
  return (mv) => {
    let s = memo.get(mv)
    if (!s) {
      s = build(mv)
      memo.set(mv, s)
    }
    return s
  }
}
