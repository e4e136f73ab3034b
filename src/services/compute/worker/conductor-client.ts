import type { Bus, JsonValue } from '../../../bus/bus.js'
import type { BlockDevice, InstanceSpec, NodeResources, Vif } from '../../../virt/driver.js'
import { CONDUCTOR_TOPIC } from '../rpc.js'
import type { ConductorClient, InstanceRecord } from './worker-context.js'

/**
 * ConductorClient over the bus: every database read and write of a compute
 * worker is a call to topic `conductor` (method names: conductor/worker-proxy.ts).
 */
export class BusConductorClient implements ConductorClient {
  readonly #bus: Bus
  /** This worker's host, recorded on the instance-action events it writes. */
  readonly #host: string

  constructor(bus: Bus, host: string) {
    this.#bus = bus
    this.#host = host
  }

  async call(method: string, args: JsonValue): Promise<JsonValue | undefined> {
    return this.#bus.call({ topic: CONDUCTOR_TOPIC }, method, args)
  }

  async getInstance(uuid: string): Promise<InstanceRecord | undefined> {
    const r = await this.call('get_instance', { uuid })
    return r === null || r === undefined ? undefined : (r as unknown as InstanceRecord)
  }

  async updateInstance(
    uuid: string,
    values: Partial<Omit<InstanceRecord, 'uuid'>>,
    expect?: { readonly expectedTaskState?: ReadonlyArray<string | null> },
  ): Promise<InstanceRecord> {
    const args: Record<string, JsonValue> = { uuid, values }
    if (expect?.expectedTaskState !== undefined)
      args['expectedTaskState'] = [...expect.expectedTaskState]
    return (await this.call('update_instance', args)) as unknown as InstanceRecord
  }

  async startEvent(uuid: string, requestId: string, event: string): Promise<void> {
    await this.call('start_event', { uuid, requestId, event, host: this.#host })
  }

  async finishEvent(
    uuid: string,
    requestId: string,
    event: string,
    result: 'Success' | 'Error',
    traceback?: string,
  ): Promise<void> {
    await this.call('finish_event', {
      uuid,
      requestId,
      event,
      result,
      host: this.#host,
      ...(traceback !== undefined ? { traceback } : {}),
    })
  }

  async setFault(
    uuid: string,
    fault: { code: number; message: string; details?: string },
  ): Promise<void> {
    await this.call('set_fault', { uuid, fault })
  }

  async instanceSpec(uuid: string): Promise<InstanceSpec> {
    return (await this.call('instance_spec', { uuid })) as unknown as InstanceSpec
  }

  async vifs(uuid: string): Promise<Vif[]> {
    return (await this.call('vifs', { uuid })) as unknown as Vif[]
  }

  async blockDevices(uuid: string): Promise<BlockDevice[]> {
    return (await this.call('block_devices', { uuid })) as unknown as BlockDevice[]
  }

  // ---- beyond the handler interface: what the ComputeManager itself needs ----

  async heartbeat(): Promise<void> {
    await this.call('service_heartbeat', { host: this.#host })
  }

  async reportNode(resources: NodeResources): Promise<void> {
    await this.call('node_report', {
      host: this.#host,
      resources: resources as unknown as JsonValue,
    })
  }

  async instancesOnNode(node: string): Promise<InstanceRecord[]> {
    return (await this.call('instances_on_node', {
      host: this.#host,
      node,
    })) as unknown as InstanceRecord[]
  }
}
