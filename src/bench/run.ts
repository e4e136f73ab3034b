/**
 * `npm run bench`: benchmarks on loopback, each bounded in time
 * (NUBIS_BENCH_SECONDS per measurement, default 5). Prints a table and writes
 * JSON to bench-results.json.
 */
import { writeFileSync } from 'node:fs'
import type { LoadResult } from './http-client.js'
import { benchIdentity } from './identity-bench.js'
import { benchNetwork } from './network-bench.js'

const seconds = Number(process.env['NUBIS_BENCH_SECONDS'] ?? '5')
const fmt = (r: LoadResult): string =>
  `${r.perSecond.toFixed(1).padStart(8)}/s  p50 ${r.p50Ms.toFixed(2).padStart(7)} ms  p99 ${r.p99Ms.toFixed(2).padStart(7)} ms  (${r.requests} req, ${r.errors} errors)`

const results: Record<string, unknown> = {
  seconds,
  node: process.version,
  when: new Date().toISOString(),
}
const id = await benchIdentity(seconds)
results['identity'] = id
console.log(`identity (hash: ${id.hashCost})`)
console.log(`  start-up to first token, new data dir      ${id.startupColdMs.toFixed(0)} ms`)
console.log(`  start-up to first token, existing data dir ${id.startupWarmMs.toFixed(0)} ms`)
console.log(`  token issue, password (1 in flight)  ${fmt(id.passwordTokenSerial)}`)
console.log(`  token issue, password (4 in flight)  ${fmt(id.passwordToken)}`)
console.log(`  token issue, token method (4)        ${fmt(id.tokenMethod)}`)
console.log(`  validation GET /v3/auth/tokens (1)   ${fmt(id.validateSerial)}`)
console.log(`  validation GET /v3/auth/tokens (16)  ${fmt(id.validateConcurrent)}`)
const net = await benchNetwork(seconds)
results['network'] = net
console.log('network')
console.log(`  port create, POST /v2.0/ports (10)   ${fmt(net.portCreate)}`)
console.log(`  GET /v2.0/ports with ${net.listedPorts} ports (1)  ${fmt(net.listPorts)}`)
writeFileSync('bench-results.json', JSON.stringify(results, null, 2))
