import { STATUS_CODES } from 'node:http'

/**
 * Each OpenStack service has its own error body. A service's routes are
 * mounted with one of these renderers; the shared error handler picks it.
 */
export interface FaultInput {
  readonly status: number
  readonly message: string
  /** Neutron-style error type, e.g. `NetworkNotFound`. */
  readonly type: string
}

export type FaultRenderer = (fault: FaultInput) => { body: unknown; contentType?: string }

/** Keystone: {"error": {"code": 404, "title": "Not Found", "message": "…"}} */
export const keystoneFault: FaultRenderer = ({ status, message }) => ({
  body: { error: { code: status, title: STATUS_CODES[status] ?? 'Error', message } },
})

const novaNames: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  406: 'notAcceptable',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  422: 'unprocessableEntity',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
}

/** Nova and Cinder: {"itemNotFound": {"code": 404, "message": "…"}}; 500 is computeFault. */
export const novaFault: FaultRenderer = ({ status, message }) => ({
  body: { [novaNames[status] ?? 'computeFault']: { code: status, message } },
})

/** Neutron: {"NeutronError": {"type": "…", "message": "…", "detail": ""}} */
export const neutronFault: FaultRenderer = ({ status, message, type }) => ({
  body: {
    NeutronError: {
      type: status >= 500 && type === 'Error' ? 'HTTPInternalServerError' : type,
      message,
      detail: '',
    },
  },
})

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/**
 * Glance answers with webob's HTML error page (what it sends unless the client
 * asks for JSON). glanceclient and openstacksdk both strip the tags and show
 * "404 Not Found: <message>"; glanceclient would crash on webob's flat JSON.
 * 401s come from keystonemiddleware in Glance, hence Keystone's JSON shape.
 */
export const glanceFault: FaultRenderer = ({ status, message }) => {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`
  if (status === 401) return keystoneFault({ status, message, type: 'Unauthorized' })
  return {
    contentType: 'text/html; charset=UTF-8',
    body:
      `<html>\n <head>\n  <title>${title}</title>\n </head>\n <body>\n  <h1>${title}</h1>\n  ` +
      `${escapeHtml(message)}<br /><br />\n\n\n\n </body>\n</html>`,
  }
}

/** Placement: {"errors": [{"status": 404, "title": "Not Found", "detail": "…"}]} */
export const placementFault: FaultRenderer = ({ status, message }) => ({
  body: {
    errors: [{ status, title: STATUS_CODES[status] ?? 'Error', detail: message, request_id: null }],
  },
})
