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
  body: { NeutronError: { type: status >= 500 && type === 'Error' ? 'HTTPInternalServerError' : type, message, detail: '' } },
})

/** Glance (webob): {"code": 404, "title": "Not Found", "message": "…"} — glanceclient reads message. */
export const glanceFault: FaultRenderer = ({ status, message }) => ({
  body: { code: status, title: STATUS_CODES[status] ?? 'Error', message: `${status} ${STATUS_CODES[status] ?? ''}: ${message}`.trim() },
})

/** Placement: {"errors": [{"status": 404, "title": "Not Found", "detail": "…"}]} */
export const placementFault: FaultRenderer = ({ status, message }) => ({
  body: { errors: [{ status, title: STATUS_CODES[status] ?? 'Error', detail: message, request_id: null }] },
})
