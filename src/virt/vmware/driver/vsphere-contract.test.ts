import { after } from 'node:test'
import { computeDriverContract } from '../../compute-driver.contract.js'
import { startVcsim, vcsimBinary, type Vcsim } from '../vim25/testing.js'
import { vcsimConfig } from './testing.js'
import { VsphereDriver } from './vsphere-driver.js'

const bin = vcsimBinary()
let vc: Vcsim | undefined

computeDriverContract('vsphere', {
  skip: bin ? false : 'vcsim not built (shared/tools/vcsim/install.sh)',
  create: async () => {
    vc = await startVcsim(bin!)
    return VsphereDriver.create(vcsimConfig(vc))
  },
})

after(async () => {
  await vc?.stop()
})
