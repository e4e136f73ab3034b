import type { InventoryRow } from '../../db/repositories/placement/providers.js'

export const ResourceClass = {
  VCPU: 'VCPU',
  MEMORY_MB: 'MEMORY_MB',
  DISK_GB: 'DISK_GB',
} as const
export type ResourceClass = (typeof ResourceClass)[keyof typeof ResourceClass]

/** The inventory fields that decide whether a request fits. */
export type InventoryLimits = Pick<
  InventoryRow,
  'total' | 'reserved' | 'min_unit' | 'max_unit' | 'step_size' | 'allocation_ratio'
>

/** Placement's capacity of one class: (total - reserved) * allocation_ratio. */
export function capacityOf(inv: InventoryLimits): number {
  return (inv.total - inv.reserved) * inv.allocation_ratio
}

/**
 * Why `amount` more of a class does not fit on top of `used`, or undefined when
 * it does (placement's checks: unit bounds, step size, capacity).
 */
export function whyNotFits(
  cls: string,
  inv: InventoryLimits | undefined,
  used: number,
  amount: number,
): string | undefined {
  if (amount <= 0) return undefined
  if (!inv) return `no ${cls} inventory`
  if (amount < inv.min_unit) return `${cls} ${amount} is below min_unit ${inv.min_unit}`
  if (amount > inv.max_unit) return `${cls} ${amount} is above max_unit ${inv.max_unit}`
  if (inv.step_size > 1 && amount % inv.step_size !== 0)
    return `${cls} ${amount} is not a multiple of step_size ${inv.step_size}`
  const cap = capacityOf(inv)
  if (used + amount > cap) return `${cls} ${used} used + ${amount} requested > capacity ${cap}`
  return undefined
}
