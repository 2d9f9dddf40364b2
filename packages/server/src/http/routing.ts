/**
 * @module http/routing: JSON body parsing that accepts an empty body (MTChat's SDK sends Content-Type on every
 * request), and JSON 404/405 answers: a shadow router knows which methods a path has.
 */
import type { FastifyInstance } from 'fastify';
import findMyWay, { type HTTPMethod } from 'find-my-way';
import { AppError } from '../errors.js';

const METHODS: HTTPMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

export function registerRouting(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new AppError('INVALID_INPUT', 'Malformed JSON body'), undefined);
    }
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
