import { readFileSync } from 'node:fs'
import { Agent, request, type Dispatcher } from 'undici'
import {
  el,
  envelope,
  moRef,
  parseResponse,
  text,
  Vim25Fault,
  type MoRef,
  type XmlNode,
} from './soap.js'

export interface SessionOptions {
  /** `https://vcenter[:port]` (the SDK is at /sdk). */
  readonly url: string
  readonly username: string
  readonly password: string
  /** Skip certificate checks (vcsim's self-signed certificate, labs). */
  readonly insecure?: boolean
  /** PEM bundle to verify vCenter's certificate with. */
  readonly caFile?: string
  /** Retries of a call that failed on the network. */
  readonly retries?: number
}

/** What RetrieveServiceContent returns that Nubis uses. */
export interface ServiceContent {
  readonly sessionManager: MoRef
  readonly searchIndex: MoRef
  readonly fileManager: MoRef
  readonly propertyCollector: MoRef
  readonly rootFolder: MoRef
}

const SERVICE_INSTANCE: MoRef = { type: 'ServiceInstance', value: 'ServiceInstance' }

/**
 * A logged-in vim25 SOAP session: one keep-alive connection pool, the
 * `vmware_soap_session` cookie, and a transparent re-login when vCenter
 * drops the session (NotAuthenticated). The HTTP dispatcher is shared with
 * datastore file transfers, which need the same cookie.
 */
export class Vim25Session {
  readonly #opts: SessionOptions
  readonly dispatcher: Dispatcher
  #cookie: string | undefined
  #content: ServiceContent | undefined

  private constructor(opts: SessionOptions) {
    this.#opts = opts
    const ca = opts.caFile ? readFileSync(opts.caFile) : undefined
    this.dispatcher = new Agent({
      connect: { rejectUnauthorized: !opts.insecure, ...(ca ? { ca } : {}) },
      keepAliveTimeout: 30_000,
    })
  }

  /** Connects and logs in; rejects with Vim25Fault('InvalidLogin') on bad credentials. */
  static async create(opts: SessionOptions): Promise<Vim25Session> {
    const s = new Vim25Session(opts)
    await s.#login()
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
    this.#content = {
      sessionManager: need('sessionManager'),
      searchIndex: need('searchIndex'),
      fileManager: need('fileManager'),
      propertyCollector: need('propertyCollector'),
      rootFolder: need('rootFolder'),
    }
    this.#cookie = undefined
    await this.#post(
      'Login',
      this.#content.sessionManager,
      el('userName', this.#opts.username) + el('password', this.#opts.password),
    )
  }

  /** Calls a vim25 method; re-logs in once if the session expired. */
  async call(method: string, self: MoRef, args = ''): Promise<XmlNode | XmlNode[] | undefined> {
    try {
      return await this.#post(method, self, args)
    } catch (err) {
      if (!(err instanceof Vim25Fault) || err.faultName !== 'NotAuthenticated') throw err
      await this.#login()
      return this.#post(method, self, args)
    }
  }

  async #post(method: string, self: MoRef, args: string): Promise<XmlNode | XmlNode[] | undefined> {
    const retries = this.#opts.retries ?? 2
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await request(`${this.baseUrl}/sdk`, {
          method: 'POST',
          dispatcher: this.dispatcher,
          headers: {
            'content-type': 'text/xml; charset=utf-8',
            soapaction: 'urn:vim25/6.5',
            ...(this.#cookie ? { cookie: this.#cookie } : {}),
          },
          body: envelope(method, self, args),
        })
        const setCookie = res.headers['set-cookie']
        const c = (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []).find((x) =>
          x.startsWith('vmware_soap_session='),
        )
        if (c) this.#cookie = c.split(';')[0]
        return parseResponse(method, await res.body.text())
      } catch (err) {
        if (err instanceof Vim25Fault || attempt >= retries) throw err
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt))
      }
    }
  }

  /** Waits for a task to finish; rejects with the task's fault. */
  async waitForTask(task: MoRef, timeoutMs = 600_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (let delay = 50; ; delay = Math.min(delay * 2, 2000)) {
      const info = await this.property(task, 'info')
      const state =
        typeof info === 'object' && !Array.isArray(info) ? text(info['state']) : undefined
      if (state === 'success') return
      if (state === 'error') {
        const error = (info as Record<string, XmlNode>)['error'] as
          Record<string, XmlNode> | undefined
        const fault = error?.['fault'] as Record<string, XmlNode> | undefined
        const name = typeof fault?.['@_type'] === 'string' ? fault['@_type'] : 'TaskFailed'
        throw new Vim25Fault(name, text(error?.['localizedMessage']) ?? `task ${task.value} failed`)
      }
      if (Date.now() > deadline)
        throw new Vim25Fault('Timeout', `task ${task.value} did not finish`)
      await new Promise((r) => setTimeout(r, delay))
    }
  }

  /** One property of one object (RetrievePropertiesEx). */
  async property(obj: MoRef, path: string): Promise<XmlNode | XmlNode[] | undefined> {
    const spec =
      `<specSet><propSet><type>${obj.type}</type><pathSet>${path}</pathSet></propSet>` +
      `<objectSet><obj type="${obj.type}">${obj.value}</obj></objectSet></specSet><options/>`
    const res = await this.call('RetrievePropertiesEx', this.content.propertyCollector, spec)
    const objects = (res as Record<string, XmlNode | XmlNode[]> | undefined)?.['objects'] as
      Record<string, XmlNode> | undefined
    const missing = objects?.['missingSet'] as Record<string, XmlNode> | undefined
    if (missing) {
      const fault = (missing['fault'] as Record<string, XmlNode> | undefined)?.['fault'] as
        Record<string, XmlNode> | undefined
      const name = typeof fault?.['@_type'] === 'string' ? fault['@_type'] : 'InvalidProperty'
      // vcsim answers an expired session here instead of faulting.
      if (name === 'NotAuthenticated') {
        await this.#login()
        return this.property(obj, path)
      }
      throw new Vim25Fault(name, `cannot read ${path} of ${obj.value}`)
    }
    const prop = objects?.['propSet'] as Record<string, XmlNode> | undefined
    return prop?.['val']
  }

  /** Logs out and closes connections. */
  async close(): Promise<void> {
    if (this.#content && this.#cookie)
      await this.call('Logout', this.#content.sessionManager).catch(() => undefined)
    await this.dispatcher.close()
  }
}
