import type { FastifyPluginAsync } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import { BadRequestError, NotFoundError } from '../../../common/errors.js'
import type { VolumeContext } from '../volume-context.js'
import { actionRoutes } from './action-routes.js'
import { attachmentsRoutes } from './attachments-routes.js'
import { backupsRoutes } from './backups-routes.js'
import { hostsRoutes } from './hosts-routes.js'
import { infoRoutes } from './info-routes.js'
import { messagesRoutes } from './messages-routes.js'
import { mv, negotiateVolumeMicroversion } from './microversion.js'
import { qosSpecsRoutes } from './qos-specs-routes.js'
import { quotasRoutes } from './quotas-routes.js'
import { snapshotsRoutes } from './snapshots-routes.js'
import { transfersRoutes } from './transfers-routes.js'
import { typesRoutes } from './types-routes.js'
import { versionRoutes } from './version-routes.js'
import { volumesRoutes } from './volumes-routes.js'

/**
 * Everything under /volume: the version documents, and the v3 API under
 * /v3/{project_id} (and /v3 alone from 3.67). A project in the URL other
 * than the token's is Cinder's 400 "Malformed request url" (admins may name
 * any project).
 */
export function volumeApiRoutes(ctx: VolumeContext): FastifyPluginAsync {
  const v3: FastifyPluginAsync = async (app) => {
    app.addHook('preHandler', async (request, reply) => {
      // The app ignores trailing slashes; Cinder routes `volumes/` (an empty id) nowhere.
      if (/\/v3\/[^/]+\/.+\/$/.test(request.url.split('?')[0] ?? ''))
        throw new NotFoundError('The resource could not be found.')
      negotiateVolumeMicroversion(request, reply)
      const project = (request.params as { project_id?: string }).project_id
      if (project === undefined) {
        if (!mv(request, 67)) throw new NotFoundError('The resource could not be found.')
      } else if (project !== request.auth.project?.id && !isAdmin(request.auth)) {
        throw new BadRequestError('Malformed request url')
      }
    })
    await app.register(volumesRoutes(ctx))
    await app.register(actionRoutes(ctx))
    await app.register(snapshotsRoutes(ctx))
    await app.register(typesRoutes(ctx))
    await app.register(quotasRoutes(ctx))
    await app.register(infoRoutes(ctx))
    await app.register(attachmentsRoutes(ctx))
    await app.register(backupsRoutes(ctx))
    await app.register(transfersRoutes(ctx))
    await app.register(messagesRoutes(ctx))
    await app.register(hostsRoutes(ctx))
    await app.register(qosSpecsRoutes(ctx))
  }
  return async (app) => {
    await app.register(versionRoutes())
    await app.register(v3, { prefix: '/v3/:project_id' })
    await app.register(v3, { prefix: '/v3' })
  }
}
