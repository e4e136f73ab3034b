import { buildInstances } from './build-instances.js'
import type { ConductorMethods } from './conductor-method.js'
import { localDelete } from './local-delete.js'
import { migrationMethods } from './migration-tasks.js'
import { rescheduleInstance } from './reschedule.js'
import { serviceReportMethods } from './service-reports.js'
import { workerProxyMethods } from './worker-proxy.js'

/**
 * Every method of topic `conductor`, by name. Other work adds its own map here
 * (migration-tasks.ts: resize, migrate, live-migrate, evacuate).
 */
export const conductorMethods: ConductorMethods = {
  ...workerProxyMethods,
  ...serviceReportMethods,
  build_instances: buildInstances,
  reschedule_instance: rescheduleInstance,
  local_delete: localDelete,
  ...migrationMethods,
}
