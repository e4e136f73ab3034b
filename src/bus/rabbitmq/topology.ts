import type { Target } from '../bus.js'
import type { AmqpChannel } from './amqp-client.js'

/**
 * Names and declarations, as oslo.messaging lays them out: one durable topic exchange,
 * durable work queues `topic` (shared by every worker of the topic) and `topic.server`
 * (one worker), and one fanout exchange per topic with a private queue per listener.
 */
export const EXCHANGE = 'nubis'

export function fanoutExchange(topic: string): string {
  return `${topic}_fanout`
}

/** The queue, and routing key, a target's messages go to. */
export function queueName(target: Target): string {
  checkName(target.topic, 'topic')
  if (target.server === undefined) return target.topic
  checkName(target.server, 'server')
  return `${target.topic}.${target.server}`
}

/**
 * NOTE: `*` and `#` are wildcards in topic bindings, and a dot in a topic would make
 * topic `a.b` + server `c` collide with topic `a` + server `b.c`.
 */
export function checkName(value: string, what: 'topic' | 'server'): void {
  const bad = what === 'topic' ? /[.*#\s]/ : /[*#\s]/
  if (value === '' || bad.test(value)) throw new Error(`invalid bus ${what} name: '${value}'`)
}

export async function declareWorkQueue(
  channel: AmqpChannel,
  name: string,
  expiresMs: number | undefined,
): Promise<void> {
  await channel.declareQueue(
    name,
    expiresMs === undefined ? { durable: true } : { durable: true, expiresMs },
  )
  await channel.bindQueue(name, EXCHANGE, name)
}

/**
 * NOTE: durable and never auto-deleted, unlike oslo's: publishing to a missing exchange
 * closes the channel, and an auto-delete exchange vanishes when its last listener leaves.
 */
export async function declareFanout(channel: AmqpChannel, topic: string): Promise<void> {
  await channel.declareExchange(fanoutExchange(topic), 'fanout', { durable: true })
}
