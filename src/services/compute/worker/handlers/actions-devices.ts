import { NotFoundError } from '../../../../common/errors.js'
import type { JsonValue } from '../../../../bus/bus.js'
import type { BlockDevice, RemoteConsole } from '../../../../virt/driver.js'
import type { WorkerHandlers } from '../worker-context.js'
import { runWorkerAction } from './actions-common.js'

/** The last `length` lines of a console log (Nova's get_console_output tail_length). */
export function tailLines(text: string, length: number | undefined): string {
  if (length === undefined) return text
  if (length <= 0) return ''
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines.slice(-length).join('\n')
}

/** Consoles, interface and volume hot-plug on the worker. */
export const deviceHandlers: WorkerHandlers = {
  async get_console_output(w, msg) {
    const spec = await w.conductor.instanceSpec(msg.instanceUuid)
    return { output: tailLines(await w.driver.getConsoleOutput(spec), msg.length) }
  },

  async get_diagnostics(w, msg) {
    const spec = await w.conductor.instanceSpec(msg.instanceUuid)
    return JSON.parse(JSON.stringify(await w.driver.getDiagnostics(spec))) as JsonValue
  },

  async set_admin_password(w, msg) {
    await runWorkerAction(
      w,
      msg,
      'compute_set_admin_password',
      async (spec) => {
        await w.driver.setAdminPassword(spec, msg.password)
        await w.conductor.updateInstance(msg.instanceUuid, { task_state: null })
      },
      { rethrow: true },
    )
    return null
  },

  async get_remote_console(w, msg) {
    const spec = await w.conductor.instanceSpec(msg.instanceUuid)
    const c = await w.driver.getRemoteConsole(spec, msg.protocol as RemoteConsole['protocol'])
    return JSON.parse(JSON.stringify(c)) as JsonValue
  },

  async attach_interface(w, msg) {
    const out = await runWorkerAction(
      w,
      msg,
      'compute_attach_interface',
      async (spec) => {
        const vif = (await w.conductor.vifs(msg.instanceUuid)).find((v) => v.portId === msg.portId)
        if (!vif) throw new NotFoundError(`Port ${msg.portId} could not be found.`)
        await w.driver.attachInterface(spec, vif)
        return { portId: vif.portId }
      },
      { rethrow: true },
    )
    return out ?? null
  },

  async detach_interface(w, msg) {
    await runWorkerAction(
      w,
      msg,
      'compute_detach_interface',
      async (spec) => {
        const vif = (await w.conductor.vifs(msg.instanceUuid)).find((v) => v.portId === msg.portId)
        if (vif) await w.driver.detachInterface(spec, vif)
      },
      { rethrow: true },
    )
    return null
  },

  async attach_volume(w, msg) {
    await runWorkerAction(w, msg, 'compute_attach_volume', async (spec) => {
      const device = (await w.conductor.call('bdm_get', {
        bdmUuid: msg.bdmUuid,
      })) as unknown as BlockDevice
      await w.driver.attachVolume(spec, device)
      await w.conductor.call('volume_attached', {
        instanceUuid: msg.instanceUuid,
        bdmUuid: msg.bdmUuid,
      })
    })
    return null
  },

  async detach_volume(w, msg) {
    await runWorkerAction(w, msg, 'compute_detach_volume', async (spec) => {
      const device = (await w.conductor.blockDevices(msg.instanceUuid)).find(
        (d) => d.volumeId === msg.volumeId,
      )
      if (device) await w.driver.detachVolume(spec, device)
      await w.conductor.call('volume_detached', {
        instanceUuid: msg.instanceUuid,
        volumeId: msg.volumeId,
      })
    })
    return null
  },
}
