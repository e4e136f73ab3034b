import { defineGroup, opt } from '../option.js'

/** Nova's [vmware] options as the seeds spell them. Owned by the vSphere work; extend freely. */
export const vmwareGroup = defineGroup('vmware', 'VMware vCenter driver.', {
  host_ip: opt.string('vCenter address.', ''),
})
