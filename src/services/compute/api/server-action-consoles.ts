import { Type } from '@sinclair/typebox'
import { consoleOutput, remoteConsoleUrl } from '../actions/consoles.js'
import type { ServerActions } from './server-action-types.js'

const legacy = (protocol: string, types: string[]) => ({
  maxVersion: 5,
  status: 200,
  schema: Type.Object(
    { type: Type.Union(types.map((t) => Type.Literal(t))) },
    { additionalProperties: false },
  ),
  async run({ ctx, caller, serverId, value }: Parameters<ServerActions[string]['run']>[0]) {
    const type = (value as { type: string }).type
    const url = await remoteConsoleUrl(ctx, caller, serverId, protocol, type)
    return { console: { type, url } }
  },
})

/** os-getConsoleOutput and the pre-2.6 console actions. */
export const consoleActions: ServerActions = {
  'os-getConsoleOutput': {
    status: 200,
    schema: Type.Object(
      {
        length: Type.Optional(
          Type.Union([
            Type.Integer({ minimum: -1 }),
            Type.String({ pattern: '^-?[0-9]+$' }),
            Type.Null(),
          ]),
        ),
      },
      { additionalProperties: false },
    ),
    async run({ ctx, caller, serverId, value }) {
      const raw = (value as { length?: number | string | null }).length
      const n = raw === undefined || raw === null ? undefined : Number(raw)
      const output = await consoleOutput(
        ctx,
        caller,
        serverId,
        n === undefined || n < 0 ? undefined : n,
      )
      return { output }
    },
  },
  'os-getVNCConsole': legacy('vnc', ['novnc', 'xvpvnc']),
  'os-getSPICEConsole': legacy('spice', ['spice-html5']),
  'os-getRDPConsole': legacy('rdp', ['rdp-html5']),
  'os-getSerialConsole': legacy('serial', ['serial']),
}
