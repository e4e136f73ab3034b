import { databaseGroup } from './database.js'
import { defaultGroup } from './default.js'
import { identityGroup, securityComplianceGroup } from './identity.js'

/** Every group Nubis knows; a section not listed here is an error in the file. */
export const allGroups = [defaultGroup, databaseGroup, identityGroup, securityComplianceGroup] as const

export { databaseGroup, defaultGroup, identityGroup, securityComplianceGroup }
