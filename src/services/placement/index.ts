/**
 * Placement as the rest of Nubis uses it (in-process, no HTTP API): resource
 * providers per compute node, inventories with allocation ratios, traits,
 * aggregates, and atomic claims. The conductor calls syncProvider on node
 * reports, the scheduler claims, and the conductor deletes/moves allocations.
 */
export {
  syncProvider,
  resyncHostAggregates,
  allocationRatio,
  inventoryDefaultsFromConfig,
  type InventoryDefaults,
} from './inventory.js'
export { claim, deleteAllocations, deleteInstanceAllocations, moveAllocations } from './claims.js'
export { usages, consumerAllocations, providerCapacity, type ClassCapacity } from './usage.js'
export { capacityOf, whyNotFits, ResourceClass, type InventoryLimits } from './capacity.js'
export { deleteProvider } from '../../db/repositories/placement/providers.js'
export { listTraits, listProviderAggregates } from '../../db/repositories/placement/providers.js'
