/** @module http/log-redaction: what a request looks like in the logs: never a token, even one passed in the URL. */
import type { FastifyRequest } from 'fastify';

/** Query parameters whose values are credentials (WebSocket and SSE clients pass `?token=`). */
const SECRET_PARAMS = new Set(['token', 'access_token', 'id_token', 'refresh_token']);

/** A query parameter's name as the server reads it (`%74oken` and `+token` are `token` to URLSearchParams). */
function paramName(raw: string): string {
  const plain = raw.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plain).trim().toLowerCase();
  } catch {
    return plain.trim().toLowerCase();
  }
}

/** The URL with the value of every credential parameter replaced, however its name is spelled or encoded. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const redacted = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return SECRET_PARAMS.has(paramName(name)) ? `${name}=[Redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, q + 1)}${redacted}${hash < 0 ? '' : url.slice(hash)}`;
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
