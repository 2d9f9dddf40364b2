/** @module http/log-redaction: what a request looks like in the logs: never a token, even one passed in the URL. */
import type { FastifyRequest } from 'fastify';

/** Query parameters whose values are credentials (WebSocket and SSE clients pass `?token=`). */
const SECRET_PARAMS = /([?&](?:token|access_token|id_token|refresh_token)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[Redacted]');
}

/** Fastify's request log fields, with secret query values replaced; headers are never logged. */
export function requestLogSerializer(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
