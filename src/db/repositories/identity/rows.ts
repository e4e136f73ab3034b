/** Small conversions shared by the identity repositories. */
import type { Bool } from '../../schema.js'

export const toBool = (b: boolean | undefined | null): Bool => (b ? 1 : 0)
export const fromBool = (b: number | boolean | null | undefined): boolean => b === 1 || b === true

export function parseJson<T = Record<string, unknown>>(
  text: string | null | undefined,
  fallback: T,
): T {
  if (text === null || text === undefined || text === '') return fallback
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}

export const nowIso = (): string => new Date().toISOString()
