/**
 * @module http/routing: JSON body parsing that accepts an empty body (MTChat's SDK sends Content-Type on every
 * request), and JSON 404/405 answers: a shadow router knows which methods a path has.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import findMyWay, { type HTTPMethod } from 'find-my-way';
import { AppError } from '../errors.js';
import { jsonTooDeep, MAX_JSON_DEPTH, valueProblem } from '../security/input-text.js';

const METHODS: HTTPMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/** Fastify's own early rejections (a malformed URL, an over-long path parameter) in the JSON envelope. */
export function frameworkErrors(error: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
  const message = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is too long' : 'Malformed URL';
  reply.code(status).send(new AppError('INVALID_INPUT', message).toWire());
}

export function registerRouting(app: FastifyInstance): void {
  // Bodies are JSON only: anything else (text/plain included, which Fastify parses by default) is a 415.
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    if (jsonTooDeep(text)) return done(new AppError('INVALID_INPUT', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return done(new AppError('INVALID_INPUT', 'Malformed JSON body'), undefined);
    }
    // PostgreSQL cannot store U+0000 or a lone surrogate: refuse them here with a clear 400, not a 500 later.
    const problem = valueProblem(parsed);
    if (problem) return done(new AppError('INVALID_INPUT', problem), undefined);
    done(null, parsed);
  });

  // The same for path parameters and query values (a repeated query parameter arrives as an array).
  app.addHook('preValidation', async (req) => {
    const problem = valueProblem(req.params) ?? valueProblem(req.query);
    if (problem) throw new AppError('INVALID_INPUT', problem);
  });

  const shadow = findMyWay({ ignoreTrailingSlash: false });
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) {
      if (METHODS.includes(m as HTTPMethod)) {
        try {
          shadow.on(m as HTTPMethod, route.url, () => undefined);
        } catch {
          // A duplicate (HEAD/GET pairs) is harmless here.
        }
      }
    }
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    const allowed = METHODS.filter((m) => m !== req.method && shadow.find(m, path) !== null);
    if (allowed.length > 0) {
      const err = new AppError('METHOD_NOT_ALLOWED', `Method ${req.method} is not allowed here`);
      return reply.status(405).header('allow', allowed.join(', ')).send(err.toWire());
    }
    return reply.status(404).send(new AppError('NOT_FOUND', 'Route not found').toWire());
  });
}
