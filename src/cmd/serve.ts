import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { defaultGroup } from '../config/groups/index.js'
import type { Config } from '../config/load.js'
import { createCloud } from './cloud.js'
import { writeClientFiles } from './client-files.js'
import { createLogger } from './logger.js'

/** host:port → base URL clients use (0.0.0.0 is reached as 127.0.0.1). */
export function listenAddress(listen: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(listen)
  if (!m) throw new Error(`listen must be HOST:PORT, got ${JSON.stringify(listen)}`)
  return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port: Number(m[2]) }
}

/**
 * `nubis serve`: everything in one process. First start migrates and
 * bootstraps; later starts reuse the data dir. SIGTERM/SIGINT drain in-flight
 * requests, then close the database.
 */
export async function serve(config: Config): Promise<void> {
  const started = performance.now()
  const d = config.get(defaultGroup)
  const logger = createLogger(d.log_level, d.debug)
  mkdirSync(d.data_dir, { recursive: true })
  const { host, port } = listenAddress(d.listen)
  const clientHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host
  const publicUrl = d.public_endpoint !== '' ? d.public_endpoint : `http://${clientHost}:${port}`
  const cloud = await createCloud({ config, logger, publicUrl })
  await cloud.app.listen({ host, port })

  const authUrl = `${publicUrl.replace(/\/+$/, '')}/identity/v3`
  const files = {
    cloudsYaml: join(cloud.dataDir, 'clouds.yaml'),
    openrc: join(cloud.dataDir, 'openrc'),
  }
  if (cloud.bootstrap.adminPassword !== undefined || !existsSync(files.cloudsYaml)) {
    if (cloud.bootstrap.adminPassword === undefined) {
      logger.warn(
        'clouds.yaml is missing and the admin password is unknown: set NUBIS_ADMIN_PASSWORD to rewrite it',
      )
    } else {
      writeClientFiles({
        dataDir: cloud.dataDir,
        authUrl,
        password: cloud.bootstrap.adminPassword,
        region: d.region_name,
      })
    }
  }
  const ms = Math.round(performance.now() - started)
  logger.info(
    { listen: `${host}:${port}`, data_dir: cloud.dataDir, ms, first_run: cloud.bootstrap.firstRun },
    'nubis ready',
  )
  process.stderr.write(
    `nubis: ready on ${publicUrl} in ${ms} ms\n` +
      `  auth URL:    ${authUrl}\n` +
      `  clouds.yaml: ${files.cloudsYaml}  (OS_CLIENT_CONFIG_FILE=${files.cloudsYaml} openstack --os-cloud nubis token issue)\n` +
      `  openrc:      ${files.openrc}\n`,
  )

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: draining in-flight requests')
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting')
      process.exit(1)
    }, d.shutdown_timeout * 1000)
    timer.unref()
    cloud
      .close()
      .then(() => {
        logger.info('stopped')
        process.exit(0)
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'error during shutdown')
        process.exit(1)
      })
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}
