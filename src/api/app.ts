import { randomUUID } from 'node:crypto'
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyRequest,
} from 'fastify'
import type { Logger } from 'pino'
import type { AuthContext } from '../common/auth-context.js'
import { CloudError, UnauthorizedError } from '../common/errors.js'
import type { FaultRenderer } from './faults.js'
import { validatorCompiler } from './validators.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every route that is not `config.public`. */
    auth: AuthContext
    /** The raw X-Auth-Token, when one was sent. */
    authToken: string | undefined
  }
  interface FastifyContextConfig {
    /** Routes that answer without a token (version documents, POST /auth/tokens). */
    public?: boolean
  }
}

/** Turns an X-Auth-Token into a context or throws UnauthorizedError. */
export type TokenAuthenticator = (token: string) => Promise<AuthContext>

/** One OpenStack service mounted under a path prefix, devstack style. */
export interface ServiceMount {
  readonly name: string
  /** e.g. `/identity`; the service's routes are relative to it. */
  readonly prefix: string
  readonly fault: FaultRenderer
  readonly routes: FastifyPluginAsync
  /** Extra response header carrying the request id (Nova: x-compute-request-id). */
  readonly requestIdHeader?: string
  /** Sent with 401 answers (Keystone: WWW-Authenticate: Keystone uri="…"). */
  readonly wwwAuthenticate?: string
}

export interface AppOptions {
  readonly logger: Logger
  readonly bodyLimit: number
  readonly authenticate: TokenAuthenticator
  readonly services: readonly ServiceMount[]
  /** Root document for GET / (all services' links). */
  readonly rootDocument?: () => unknown
}

const INTERNAL_MESSAGE = 'An unexpected error prevented the server from fulfilling your request.'

/** Maps anything thrown inside a route to a status, message and type. */
export function classifyError(err: unknown): {
  status: number
  message: string
  type: string
  internal: boolean
} {
  if (err instanceof CloudError)
    return { status: err.status, message: err.message, type: err.type, internal: false }
  const fe = err as Partial<FastifyError> & { validation?: unknown }
  if (fe && fe.validation) {
    return {
      status: 400,
      message: `Invalid input for field/attribute ${fe.message ?? ''}`.trim(),
      type: 'HTTPBadRequest',
      internal: false,
    }
  }
  const sc = fe?.statusCode
  if (typeof sc === 'number' && sc >= 400 && sc < 500) {
    let message = fe.message ?? 'Bad request'
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') message = 'Request Entity Too Large'
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') message = `Unsupported Content-Type`
    return {
      status: sc,
      message,
      type: sc === 413 ? 'RequestEntityTooLarge' : 'HTTPBadRequest',
      internal: false,
    }
  }
  return { status: 500, message: INTERNAL_MESSAGE, type: 'HTTPInternalServerError', internal: true }
}

/**
 * The single HTTP listener. Every service is a Fastify plugin under its own
 * prefix with its own fault renderer; auth, request ids, body limits and
 * request logging are shared.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as unknown as FastifyBaseLogger,
    // One line per request, written by our onResponse hook (with user and project).
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'request_id',
    }),
    bodyLimit: options.bodyLimit,
    genReqId: () => `req-${randomUUID()}`,
    return503OnClosing: true,
    // Clients send paths like /v3/ and /v3 interchangeably. Path parameters may be long
    // (a Keystone project tag is up to 255 characters; find-my-way's default cap is 100).
    routerOptions: {
      ignoreTrailingSlash: true,
      ignoreDuplicateSlashes: true,
      maxParamLength: 1024,
    },
  })
  app.setValidatorCompiler(validatorCompiler)

  // Tempest and keystoneauth send Content-Type: application/json on bodiless GET/DELETE.
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    if (text.trim() === '') {
      done(null, undefined)
      return
    }
    try {
      done(null, JSON.parse(text))
    } catch {
      const err = new Error('Malformed request body: the body is not valid JSON') as FastifyError
      err.statusCode = 400
      done(err, undefined)
    }
  })

  app.decorateRequest('auth', null as unknown as AuthContext)
  app.decorateRequest('authToken', undefined)

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-openstack-request-id', request.id)
  })
  // While draining on SIGTERM, answers to in-flight requests close their
  // keep-alive connection so close() does not wait on idle clients.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close')
  })
  app.addHook('onResponse', async (request, reply) => {
    const a = request.auth as AuthContext | null
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
        user_id: a?.userId,
        project_id: a?.project?.id,
      },
      'request',
    )
  })

  for (const svc of options.services) {
    await app.register(
      async (scope) => {
        if (svc.requestIdHeader) {
          const h = svc.requestIdHeader
          scope.addHook('onRequest', async (request, reply) => {
            reply.header(h, request.id)
          })
        }
        scope.addHook('preHandler', async (request: FastifyRequest) => {
          const token = request.headers['x-auth-token']
          request.authToken = typeof token === 'string' && token !== '' ? token : undefined
          if (request.routeOptions.config.public) return
          if (!request.authToken)
            throw new UnauthorizedError('The request you have made requires authentication.')
          request.auth = await options.authenticate(request.authToken)
        })
        scope.setErrorHandler(async (err, request, reply) => {
          const c = classifyError(err)
          if (c.internal) request.log.error({ err }, 'unhandled error')
          else
            request.log.debug({ err: { message: c.message, status: c.status } }, 'request failed')
          if (c.status === 401 && svc.wwwAuthenticate)
            reply.header('www-authenticate', svc.wwwAuthenticate)
          const { body, contentType } = svc.fault(c)
          return reply
            .status(c.status)
            .type(contentType ?? 'application/json')
            .send(body)
        })
        scope.setNotFoundHandler(async (request, reply) => {
          const { body, contentType } = svc.fault({
            status: 404,
            message: `The resource could not be found.`,
            type: 'HTTPNotFound',
          })
          request.log.debug({ url: request.url }, 'no route')
          return reply
            .status(404)
            .type(contentType ?? 'application/json')
            .send(body)
        })
        await scope.register(svc.routes)
      },
      { prefix: svc.prefix },
    )
  }

  app.get('/', { config: { public: true } }, async (_req, reply) => {
    return reply.status(300).send(options.rootDocument?.() ?? { versions: [] })
  })
  app.setNotFoundHandler(async (_request, reply) =>
    reply.status(404).send({
      error: { code: 404, title: 'Not Found', message: 'The resource could not be found.' },
    }),
  )
  app.setErrorHandler(async (err, request, reply) => {
    const c = classifyError(err)
    if (c.internal) request.log.error({ err }, 'unhandled error')
    return reply
      .status(c.status)
      .send({ error: { code: c.status, title: c.type, message: c.message } })
  })
  return app
}
