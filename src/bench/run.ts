/**
 * `npm run bench`: benchmarks on loopback, each bounded in time
 * (NUBIS_BENCH_SECONDS per measurement, default 5). Prints a table and writes
 * JSON to bench-results.json.
 */
import { writeFileSync } from 'node:fs'
import type { LoadResult } from './http-client.js'
import { benchIdentity } from './identity-bench.js'
import { benchNetwork } from './network-bench.js'
import { benchCompute } from './compute-bench.js'
import { benchScheduler } from './scheduler-bench.js'

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
const cmp = await benchCompute(seconds)
results['compute'] = cmp
console.log('compute (fake driver, 4 nodes)')
console.log(`  create → ACTIVE, networks none (1)   ${fmt(cmp.bootNoNetwork)}`)
console.log(`  create → ACTIVE, one NIC (1)         ${fmt(cmp.bootWithNetwork)}`)
console.log(
  `  200 servers, 10 in flight            ${cmp.boot200.perSecond.toFixed(1)} servers/s (${cmp.boot200.servers} ACTIVE, ${cmp.boot200.errors} failed, ${cmp.boot200.seconds.toFixed(1)} s)`,
)
console.log(`  GET /servers/detail, ${cmp.listedServers} servers (1) ${fmt(cmp.listDetail)}`)
console.log(`  RSS of nubis serve afterwards        ${cmp.rssMiB.toFixed(0)} MiB`)
const sch = await benchScheduler()
results['scheduler'] = sch
console.log('scheduler (in-memory SQLite, default filters and weighers)')
for (const p of sch)
  console.log(
    `  ${String(p.nodes).padStart(6)} nodes: decision p50 ${p.decideP50Ms.toFixed(1)} ms p95 ${p.decideP95Ms.toFixed(1)} ms; select_destinations p50 ${p.selectP50Ms.toFixed(1)} ms p95 ${p.selectP95Ms.toFixed(1)} ms; cold load ${p.coldLoadP50Ms.toFixed(0)} ms`,
  )
writeFileSync('bench-results.json', JSON.stringify(results, null, 2))
