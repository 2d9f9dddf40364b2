/** @module http/errors: every failure leaves as `{"error":{"code","message"}}`; no stack trace or internal detail. */
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../errors.js';
import type { Dependency } from '../health/dependency.js';
import { isConnectionError } from '../health/connection-errors.js';

/** Seconds a client is told to wait before retrying while the database is away. */
export const DATABASE_RETRY_AFTER_SECS = 2;

function validationMessage(err: FastifyError): string {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const first = err.validation[0];
    const issue = first?.params?.issue as { path?: PropertyKey[]; message?: string } | undefined;
    const where = issue?.path?.length ? issue.path.map(String).join('.') : (err.validationContext ?? 'request');
    return `${where}: ${issue?.message ?? first?.message ?? 'invalid value'}`;
  }
  return err.message;
}

/** Maps framework errors (bad JSON, 413, 415, validation) onto the catalog. */
export function toAppError(err: FastifyError): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err.validation) return new AppError('INVALID_INPUT', validationMessage(err));
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Request body must be application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 'Request body too large');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('INVALID_INPUT', 'Malformed JSON body');
  }
  if (err instanceof SyntaxError) return new AppError('INVALID_INPUT', 'Malformed JSON body');
  if (err.statusCode === 429) return new AppError('RATE_LIMIT_EXCEEDED');
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError('BAD_REQUEST', 'Bad request', { status: err.statusCode });
  }
  return undefined;
}

/**
 * The one place a lost database connection becomes an answer: 503 DATABASE_UNAVAILABLE with Retry-After, the
 * outage recorded on the database dependency (logged when it starts, not per request).
 */
function databaseUnavailable(err: unknown, database: Dependency | undefined): AppError | undefined {
  if (!isConnectionError(err)) return undefined;
  database?.failed(err);
  return new AppError('DATABASE_UNAVAILABLE', undefined, { headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECS) } });
}

export function registerErrorHandler(app: FastifyInstance, database?: Dependency): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const appError = toAppError(err) ?? databaseUnavailable(err, database);
    if (appError?.code === 'DATABASE_UNAVAILABLE' || appError?.code === 'STORAGE_UNAVAILABLE') {
      return reply.status(appError.status).headers(appError.headers).send(appError.toWire());
    }
    if (appError) {
      if (appError.status >= 500) req.log.error({ err }, 'request failed');
      return reply.status(appError.status).headers(appError.headers).send(appError.toWire());
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(new AppError('INTERNAL_ERROR').toWire());
  });
}
