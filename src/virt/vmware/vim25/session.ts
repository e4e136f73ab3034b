import { AsyncLocalStorage } from 'node:async_hooks'
import { readFileSync } from 'node:fs'
import { Agent, request, type Dispatcher } from 'undici'
import { isFault, TRANSIENT_FAULTS, vimFault, Vim25Fault } from './faults.js'
import { retrieveAll, type ObjectContent } from './property-collector.js'
import { el, envelope, moRef, parseResponse, text, type MoRef, type XmlNode } from './soap.js'
import { TaskWaiter, type TaskResult } from './task-waiter.js'

export interface SessionOptions {
  /** `https://vcenter[:port]` (the SDK is at /sdk). */
  readonly url: string
  readonly username: string
  readonly password: string
  /** Skip certificate checks (vcsim's self-signed certificate, labs). */
  readonly insecure?: boolean
  /** PEM bundle to verify vCenter's certificate with. */
  readonly caFile?: string
  /** Retries of a call that failed on the network or with a transient fault ([vmware] api_retry_count). */
  readonly retries?: number
  /** First back-off between retries (doubles each time). */
  readonly retryDelayMs?: number
  /** Seconds between keep-alive calls on an idle session (0: none). */
  readonly keepAliveSec?: number
  /** Objects per RetrievePropertiesEx page ([vmware] maximum_objects). */
  readonly maxObjects?: number
  /** Longest wait of one WaitForUpdatesEx while a task runs ([vmware] task_poll_interval). */
  readonly taskPollSec?: number
}

/** What RetrieveServiceContent returns that Nubis uses. */
export interface ServiceContent {
  readonly sessionManager: MoRef
  readonly searchIndex: MoRef
  readonly fileManager: MoRef
  readonly propertyCollector: MoRef
  readonly rootFolder: MoRef
  readonly viewManager: MoRef
  readonly virtualDiskManager: MoRef
  /** vCenter's instance uuid (about.instanceUuid): Nova's hypervisor_hostname suffix. */
  readonly instanceUuid: string
  readonly apiVersion: string
}

export interface CallOptions {
  /** Give up (Vim25Fault 'Timeout') when vCenter has not answered in this time. */
  readonly timeoutMs?: number
}

/** SOAP round trips, in total and per method. */
export interface CallStats {
  total: number
  readonly byMethod: Map<string, number>
}

const SERVICE_INSTANCE: MoRef = { type: 'ServiceInstance', value: 'ServiceInstance' }
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
])

/**
 * A logged-in vim25 SOAP session: one keep-alive connection pool, the
 * `vmware_soap_session` cookie, a transparent (single-flight) re-login when
 * vCenter drops the session — as a NotAuthenticated fault or, from
 * RetrievePropertiesEx, as a `missingSet` — bounded retries with back-off,
 * and a count of SOAP round trips. The HTTP dispatcher is shared with
 * datastore file transfers, which need the same cookie.
 */
export class Vim25Session {
  readonly #opts: SessionOptions
  readonly dispatcher: Dispatcher
  #cookie: string | undefined
  #content: ServiceContent | undefined
  #relogin: Promise<void> | undefined
  #keepAlive: NodeJS.Timeout | undefined
  #lastCall = Date.now()
  #waiter: TaskWaiter | undefined
  /** Every SOAP round trip of this session (tests and benchmarks read it). */
  readonly stats: CallStats = { total: 0, byMethod: new Map() }
  /** Logins done (the first one included). */
  logins = 0
  readonly #scope = new AsyncLocalStorage<CallStats>()

  private constructor(opts: SessionOptions) {
    this.#opts = opts
    const ca = opts.caFile ? readFileSync(opts.caFile) : undefined
    this.dispatcher = new Agent({
      connect: { rejectUnauthorized: !opts.insecure, ...(ca ? { ca } : {}) },
      keepAliveTimeout: 30_000,
    })
  }

  /** Connects and logs in; rejects with InvalidLogin on bad credentials. */
  static async create(opts: SessionOptions): Promise<Vim25Session> {
    const s = new Vim25Session(opts)
    try {
      await s.#login()
    } catch (err) {
      await s.dispatcher.close()
      throw err
    }
    const every = (opts.keepAliveSec ?? 600) * 1000
    if (every > 0) {
      s.#keepAlive = setInterval(() => {
        if (Date.now() - s.#lastCall < every) return
        s.call('CurrentTime', SERVICE_INSTANCE).catch(() => undefined)
      }, every)
      s.#keepAlive.unref()
    }
    return s
  }

  get baseUrl(): string {
    return this.#opts.url.replace(/\/+$/, '')
  }

  get content(): ServiceContent {
    if (!this.#content) throw new Error('Vim25Session used before login')
    return this.#content
  }

  /** The session cookie header for datastore HTTP transfers. */
  get cookie(): string {
    return this.#cookie ?? ''
  }

  get taskPollSec(): number {
    return this.#opts.taskPollSec ?? 5
  }

  /**
   * Runs `fn` and counts the SOAP round trips made inside it (and only
   * inside it: concurrent work elsewhere is not counted).
   */
  async count<T>(fn: () => Promise<T>): Promise<{ result: T; calls: CallStats }> {
    const calls: CallStats = { total: 0, byMethod: new Map() }
    const result = await this.#scope.run(calls, fn)
    return { result, calls }
  }

  async #login(): Promise<void> {
    const sc = (await this.#post('RetrieveServiceContent', SERVICE_INSTANCE, '')) as Record<
      string,
      XmlNode
    >
    const need = (k: string): MoRef => {
      const r = moRef(sc[k])
      if (!r) throw new Vim25Fault('InvalidResponse', `ServiceContent has no ${k}`)
      return r
    }
    const about = sc['about'] as Record<string, XmlNode> | undefined
    this.#content = {
      sessionManager: need('sessionManager'),
      searchIndex: need('searchIndex'),
      fileManager: need('fileManager'),
      propertyCollector: need('propertyCollector'),
      rootFolder: need('rootFolder'),
      viewManager: need('viewManager'),
      virtualDiskManager: need('virtualDiskManager'),
      instanceUuid: text(about?.['instanceUuid']) ?? 'vcenter',
      apiVersion: text(about?.['apiVersion']) ?? '',
    }
    this.#cookie = undefined
    await this.#post(
      'Login',
      this.#content.sessionManager,
      el('userName', this.#opts.username) + el('password', this.#opts.password),
    )
    this.logins++
  }

  /** Re-logs in once for everyone who noticed the expired session at the same time. */
  async relogin(): Promise<void> {
    this.#relogin ??= this.#login().finally(() => {
      this.#relogin = undefined
    })
    return this.#relogin
  }

  /** Calls a vim25 method; re-logs in once if the session expired. */
  async call(
    method: string,
    self: MoRef,
    args = '',
    opts: CallOptions = {},
  ): Promise<XmlNode | XmlNode[] | undefined> {
    if (this.#relogin) await this.#relogin.catch(() => undefined)
    try {
      return await this.#post(method, self, args, opts)
    } catch (err) {
      if (!isFault(err, 'NotAuthenticated')) throw err
      await this.relogin()
      return this.#post(method, self, args, opts)
    }
  }

  /** A call that returns a moref (a task, a new object). */
  async callRef(method: string, self: MoRef, args = ''): Promise<MoRef> {
    const r = moRef(await this.call(method, self, args))
    if (!r) throw new Vim25Fault('InvalidResponse', `${method} returned no object reference`)
    return r
  }

  #countCall(method: string): void {
    this.#lastCall = Date.now()
    for (const s of [this.stats, this.#scope.getStore()]) {
      if (!s) continue
      s.total++
      s.byMethod.set(method, (s.byMethod.get(method) ?? 0) + 1)
    }
  }

  async #post(
    method: string,
    self: MoRef,
    args: string,
    opts: CallOptions = {},
  ): Promise<XmlNode | XmlNode[] | undefined> {
    const retries = this.#opts.retries ?? 2
    for (let attempt = 0; ; attempt++) {
      try {
        this.#countCall(method)
        let res
        try {
          res = await request(`${this.baseUrl}/sdk`, {
            method: 'POST',
            dispatcher: this.dispatcher,
            headers: {
              'content-type': 'text/xml; charset=utf-8',
              soapaction: 'urn:vim25/6.5',
              ...(this.#cookie ? { cookie: this.#cookie } : {}),
            },
            body: envelope(method, self, args),
            headersTimeout: opts.timeoutMs ?? 300_000,
            bodyTimeout: opts.timeoutMs ?? 300_000,
          })
        } catch (err) {
          const code = (err as { code?: string }).code
          if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
            throw vimFault('Timeout', `${method}: no answer from ${this.baseUrl} in time`)
          if (code && NETWORK_CODES.has(code))
            throw vimFault('NetworkError', `${method}: ${code} talking to ${this.baseUrl}`)
          throw err
        }
        const setCookie = res.headers['set-cookie']
        const c = (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []).find((x) =>
          x.startsWith('vmware_soap_session='),
        )
        if (c) this.#cookie = c.split(';')[0]
        const body = await res.body.text()
        if (res.statusCode !== 200 && !body.includes('Envelope'))
          throw vimFault('HttpError', `${method}: HTTP ${res.statusCode} from ${this.baseUrl}`)
        return parseResponse(method, body)
      } catch (err) {
        if (!(err instanceof Vim25Fault) || !TRANSIENT_FAULTS.has(err.faultName)) throw err
        if (attempt >= retries) throw err
        await new Promise((r) => setTimeout(r, (this.#opts.retryDelayMs ?? 200) * 2 ** attempt))
      }
    }
  }

  /**
   * RetrievePropertiesEx over `specSet` (raw XML of PropertyFilterSpec),
   * following ContinueRetrievePropertiesEx tokens to the end, so no object
   * is ever dropped (Nova stopped at the first 100).
   */
  async retrieve(specSet: string, maxObjects?: number): Promise<ObjectContent[]> {
    return retrieveAll(this, specSet, maxObjects ?? this.#opts.maxObjects ?? 100)
  }

  /** Properties of one object; a deleted object → ManagedObjectNotFound. */
  async properties(
    obj: MoRef,
    paths: readonly string[],
  ): Promise<Map<string, XmlNode | XmlNode[]>> {
    const spec =
      `<specSet><propSet><type>${obj.type}</type>${el('pathSet', paths)}</propSet>` +
      `<objectSet>${`<obj type="${obj.type}">${obj.value}</obj>`}</objectSet></specSet>`
    const [o] = await this.retrieve(spec)
    if (!o) throw vimFault('ManagedObjectNotFound', `${obj.type} ${obj.value} not found`)
    const bad = o.missing.find((m) => m.fault !== 'InvalidProperty' || paths.length === 1)
    if (bad) throw vimFault(bad.fault, `cannot read ${bad.path} of ${obj.type} ${obj.value}`)
    return o.props
  }

  /** One property of one object (undefined when unset). */
  async property(obj: MoRef, path: string): Promise<XmlNode | XmlNode[] | undefined> {
    return (await this.properties(obj, [path])).get(path)
  }

  /**
   * Waits for a task to finish, through the property collector (no sleeping
   * poll loop); resolves with `info.result`, rejects with the task's typed fault.
   */
  async waitForTask(task: MoRef, timeoutMs = 3_600_000): Promise<TaskResult> {
    this.#waiter ??= new TaskWaiter(this)
    return this.#waiter.wait(task, timeoutMs)
  }

  /** Starts a `*_Task` method and waits for it. */
  async runTask(method: string, self: MoRef, args = ''): Promise<TaskResult> {
    return this.waitForTask(await this.callRef(method, self, args))
  }

  /** Logs out and closes connections. */
  async close(): Promise<void> {
    if (this.#keepAlive) clearInterval(this.#keepAlive)
    await this.#waiter?.close()
    if (this.#content && this.#cookie)
      await this.#post('Logout', this.#content.sessionManager, '').catch(() => undefined)
    await this.dispatcher.close()
  }
}
