import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { adminOrMemberOwner, requirePrimaryAuth } from '../credential-rules.js'
import { CredentialsService } from '../credentials-service.js'
import { Ec2CredentialsService } from '../ec2-credentials-service.js'
import type { IdentityContext } from '../identity-context.js'
import { enforce, rules } from '../policy.js'
import {
  credentialCreateSchema,
  credentialUpdateSchema,
  ec2CreateSchema,
  type CredentialBody,
} from './credentials-schemas.js'
import { credentialView, ec2View } from './credentials-views.js'
import { collectionLinks, identityBase } from './links.js'
import { bodyMember, queryValue, type Query } from './list-query.js'

type ById = { Params: { credential_id: string } }
type Ec2 = { Params: { user_id: string; access: string } }

const parseCreate = bodyMember('credential', credentialCreateSchema)
const parseUpdate = bodyMember('credential', credentialUpdateSchema)
const parseEc2 = (body: unknown) => bodyMember('body', ec2CreateSchema)({ body: body ?? {} })

/** Keystone v3 /credentials and the OS-EC2 credentials under /users/{id}. */
export function credentialsRoutes(ctx: IdentityContext): FastifyPluginAsync {
  const creds = new CredentialsService(ctx)
  const ec2 = new Ec2CredentialsService(ctx)
  return async (app) => {
    /** Loads the credential the URL names and applies an owner rule (Keystone: a missing one leaves the target empty). */
    const owned = async (request: FastifyRequest<ById>, action: string) => {
      const row = await creds.get(request.params.credential_id).catch((err: unknown) => {
        enforce(request.auth, action, rules.admin)
        throw err
      })
      enforce(request.auth, action, rules.adminOrOwner, { userId: row.user_id })
      requirePrimaryAuth(request.auth)
      return row
    }

    app.post('/credentials', async (request, reply) => {
      const raw = (request.body as { credential?: { user_id?: unknown } } | undefined)?.credential
      const target = typeof raw?.user_id === 'string' ? raw.user_id : undefined
      enforce(request.auth, 'identity:create_credential', rules.adminOrOwner, { userId: target })
      const body = parseCreate(request.body) as CredentialBody
      requirePrimaryAuth(request.auth)
      const row = await creds.create(body)
      return reply.status(201).send({ credential: credentialView(row, identityBase(request)) })
    })

    app.get<{ Querystring: Query }>('/credentials', async (request) => {
      const f: { userId?: string; type?: string } = {}
      const userId = queryValue(request.query, 'user_id')
      const type = queryValue(request.query, 'type')
      if (userId !== undefined) f.userId = userId
      if (type !== undefined) f.type = type
      // A delegated token may list, but sees nothing (Keystone drops each row it may not read).
      let primary = true
      try {
        requirePrimaryAuth(request.auth)
      } catch {
        primary = false
      }
      const rows = primary ? await creds.list(request.auth, f) : []
      const base = identityBase(request)
      return {
        credentials: rows.map((r) => credentialView(r, base)),
        links: collectionLinks(request),
      }
    })

    app.get<ById>('/credentials/:credential_id', async (request) => {
      const row = await owned(request, 'identity:get_credential')
      return { credential: credentialView(row, identityBase(request)) }
    })

    app.patch<ById>('/credentials/:credential_id', async (request) => {
      const current = await owned(request, 'identity:update_credential')
      const row = await creds.update(request.auth, current, parseUpdate(request.body))
      return { credential: credentialView(row, identityBase(request)) }
    })

    app.delete<ById>('/credentials/:credential_id', async (request, reply) => {
      const row = await owned(request, 'identity:delete_credential')
      await creds.delete(row.id)
      return reply.status(204).send()
    })

    app.get<{ Params: { user_id: string } }>(
      '/users/:user_id/credentials/OS-EC2',
      async (request) => {
        enforce(request.auth, 'identity:ec2_list_credentials', adminOrMemberOwner, {
          userId: request.params.user_id,
        })
        requirePrimaryAuth(request.auth)
        const base = identityBase(request)
        const rows = await ec2.list(request.params.user_id)
        return { credentials: rows.map((r) => ec2View(r, base)), links: collectionLinks(request) }
      },
    )

    app.post<{ Params: { user_id: string } }>(
      '/users/:user_id/credentials/OS-EC2',
      async (request, reply) => {
        enforce(request.auth, 'identity:ec2_create_credential', adminOrMemberOwner, {
          userId: request.params.user_id,
        })
        const body = parseEc2(request.body)
        requirePrimaryAuth(request.auth)
        const row = await ec2.create(request.params.user_id, body.tenant_id)
        return reply.status(201).send({ credential: ec2View(row, identityBase(request)) })
      },
    )

    app.get<Ec2>('/users/:user_id/credentials/OS-EC2/:access', async (request) => {
      const row = await ec2.find(request.params.user_id, request.params.access)
      enforce(request.auth, 'identity:ec2_get_credential', rules.adminOrOwner, {
        userId: row.user_id,
      })
      requirePrimaryAuth(request.auth)
      return { credential: ec2View(row, identityBase(request)) }
    })

    app.delete<Ec2>('/users/:user_id/credentials/OS-EC2/:access', async (request, reply) => {
      const row = await ec2.find(request.params.user_id, request.params.access)
      enforce(request.auth, 'identity:ec2_delete_credential', rules.adminOrOwner, {
        userId: row.user_id,
      })
      requirePrimaryAuth(request.auth)
      await creds.delete(row.id)
      return reply.status(204).send()
    })
  }
}
