import { deserializeError, isSerializedError, serializeError } from '../../common/errors.js'
import type { JsonValue } from '../bus.js'

/**
 * Message bodies on the wire, JSON text:
 * request `{ method, args }`, reply `{ result? }` or `{ error: SerializedError }`.
 */
export interface Request {
  readonly method: string
  readonly args: JsonValue
}

export function encodeRequest(method: string, args: JsonValue): Buffer {
  return Buffer.from(JSON.stringify({ method, args }))
}

export function decodeRequest(body: Buffer): Request {
  const value = JSON.parse(body.toString('utf8')) as { method?: unknown; args?: JsonValue }
  if (typeof value !== 'object' || value === null || typeof value.method !== 'string') {
    throw new Error('malformed bus request: no method')
  }
  return { method: value.method, args: value.args ?? null }
}

/** Throws if the result is not JSON-serialisable (BigInt, cycles); send `encodeError` then. */
export function encodeResult(result: JsonValue | undefined): Buffer {
  return Buffer.from(JSON.stringify(result === undefined ? {} : { result }))
}

export function encodeError(err: unknown): Buffer {
  return Buffer.from(JSON.stringify({ error: serializeError(err) }))
}

/** Resolves a reply to the handler's result, or the rebuilt error it threw. */
export function decodeReply(
  body: Buffer,
): { ok: true; result: JsonValue | undefined } | { ok: false; error: Error } {
  const value = JSON.parse(body.toString('utf8')) as { result?: JsonValue; error?: unknown }
  if (isSerializedError(value.error)) return { ok: false, error: deserializeError(value.error) }
  return { ok: true, result: value.result }
}
