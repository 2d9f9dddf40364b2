/**
 * @module http/cors: the CORS answer browsers need for every route the SDKs call. A `*` header list reflects
 * the headers a preflight asks for (a literal `*` never covers Authorization), and the response headers
 * clients read cross-origin (Retry-After, Content-Range) are exposed.
 */
import type { FastifyCorsOptions } from '@fastify/cors';
import type { Config } from '../config.js';

/** Response headers a cross-origin page may read: rate-limit backoff, ranged downloads, file names. */
export const EXPOSED_HEADERS = ['Retry-After', 'Content-Range', 'Accept-Ranges', 'Content-Length', 'Content-Disposition', 'ETag'];

export function corsOptions(config: Config): FastifyCorsOptions {
  return {
    origin: config.cors.origins === '*' ? '*' : config.cors.origins,
    methods: config.cors.methods,
    // Left out (an explicit undefined empties the header), @fastify/cors reflects Access-Control-Request-Headers
    // and sets `Vary` accordingly.
    ...(config.cors.headers === '*' ? {} : { allowedHeaders: config.cors.headers }),
    exposedHeaders: EXPOSED_HEADERS,
    credentials: config.cors.credentials,
    maxAge: config.cors.maxAge,
  };
}
