import { join } from 'node:path'
import type { FastifyPluginAsync } from 'fastify'
import type { Logger } from 'pino'
import type { AuthContext } from '../../common/auth-context.js'
import type { Db } from '../../db/database.js'
import { identityRoutes } from './api/routes.js'
import { AuthService } from './auth-service.js'
import type { IdentityConfig, IdentityContext } from './identity-context.js'
import { PasswordHasher } from './password-hasher.js'
import { RevocationList } from './revocations.js'
import { KeyRepository } from './token/key-repository.js'
import { TokenProvider } from './token/token-provider.js'

export { bootstrapIdentity, type BootstrapOptions, type BootstrapResult } from './bootstrap.js'
export type { IdentityContext } from './identity-context.js'

export interface IdentityServiceOptions {
  readonly db: Db
  readonly config: IdentityConfig
  readonly logger: Logger
  readonly dataDir: string
  /** Tells other processes that identity data changed (bus fanout); absent in one process. */
  readonly broadcastChange?: () => void
}

export interface IdentityService {
  readonly ctx: IdentityContext
  readonly auth: AuthService
  /** Mount under /identity. */
  readonly routes: FastifyPluginAsync
  /** The one cached function every service validates X-Auth-Token with. */
  authenticate(token: string): Promise<AuthContext>
  /** Call when another process reports a change. */
  remoteChanged(): Promise<void>
  /** Re-reads token keys after rotation. */
  reloadKeys(): void
}

export async function createIdentityService(
  options: IdentityServiceOptions,
): Promise<IdentityService> {
  const listeners: Array<() => void> = []
  const retentionMs =
    (options.config.identity.token_expiration + options.config.identity.allow_expired_window) * 1000
  const revocations = new RevocationList(options.db, retentionMs)
  await revocations.reload()
  const changedLocal = (): void => {
    for (const l of listeners) l()
  }
  const ctx: IdentityContext = {
    db: options.db,
    config: options.config,
    hasher: new PasswordHasher(options.config.identity.password_hash_log_n),
    revocations,
    logger: options.logger,
    changed() {
      changedLocal()
      options.broadcastChange?.()
    },
    async revoke(event) {
      await revocations.add(event)
      ctx.changed()
    },
    onChanged(listener) {
      listeners.push(listener)
    },
  }
  const tokens = new TokenProvider(
    new KeyRepository(join(options.dataDir, 'token-keys'), options.config.identity.max_active_keys),
  )
  const auth = new AuthService(ctx, tokens)
  return {
    ctx,
    auth,
    routes: identityRoutes(ctx, auth),
    authenticate: async (token) => (await auth.authenticate(token)).context,
    async remoteChanged() {
      await revocations.reload()
      changedLocal()
    },
    reloadKeys: () => tokens.reload(),
  }
}
