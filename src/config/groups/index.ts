import { databaseGroup } from './database.js'
import { defaultGroup } from './default.js'
import { identityGroup, securityComplianceGroup } from './identity.js'
import {
  ml2Group,
  ml2TypeFlatGroup,
  ml2TypeGreGroup,
  ml2TypeVlanGroup,
  ml2TypeVxlanGroup,
  networkQuotasGroup,
} from './network.js'
import { glanceStoreGroup, imageConversionGroup, imageGroup } from './image.js'
import { computeGroup, computeQuotaGroup, fakeDriverGroup } from './compute.js'
import { filterSchedulerGroup, placementGroup, schedulerGroup } from './scheduler.js'
import { fileBackendGroup, vmdkBackendGroup, volumeGroup } from './volume.js'
import { ml2VmwareGroup, vmwareGroup } from './vmware.js'

/** Every group Nubis knows; a section not listed here is an error in the file. */
export const allGroups = [
  defaultGroup,
  databaseGroup,
  identityGroup,
  securityComplianceGroup,
  ml2Group,
  ml2TypeFlatGroup,
  ml2TypeVlanGroup,
  ml2TypeVxlanGroup,
  ml2TypeGreGroup,
  networkQuotasGroup,
  imageGroup,
  glanceStoreGroup,
  imageConversionGroup,
  computeGroup,
  fakeDriverGroup,
  computeQuotaGroup,
  filterSchedulerGroup,
  schedulerGroup,
  placementGroup,
  volumeGroup,
  fileBackendGroup,
  vmdkBackendGroup,
  vmwareGroup,
  ml2VmwareGroup,
] as const

export { databaseGroup, defaultGroup, identityGroup, securityComplianceGroup }
export { glanceStoreGroup, imageConversionGroup, imageGroup }
export {
  ml2Group,
  ml2TypeFlatGroup,
  ml2TypeGreGroup,
  ml2TypeVlanGroup,
  ml2TypeVxlanGroup,
  networkQuotasGroup,
}
export { computeGroup, computeQuotaGroup, fakeDriverGroup }
export { filterSchedulerGroup, placementGroup, schedulerGroup }
export { fileBackendGroup, vmdkBackendGroup, volumeGroup }
export { ml2VmwareGroup, vmwareGroup }
