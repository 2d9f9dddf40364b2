/**
 * @module http/disk-files: the embedded disk store's routes, PUT and GET /api/v1/files/<key>. Their signed URL
 * (http/disk-links.ts) is the only credential, as a presigned S3 URL is, so they sit outside the token guard.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { DiskStore } from '../adapters/files/disk.js';
import { AppError, notFound } from '../errors.js';
import { FILES_ROUTE, type DiskLinks } from './disk-links.js';

const denied = () => new AppError('FORBIDDEN', 'Invalid or expired file URL');
const keyOf = (req: FastifyRequest) => (req.params as { '*': string })['*'];

/** A single `bytes=a-b` / `bytes=a-` / `bytes=-n` range, as media players ask; undefined for anything else. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return 'unsatisfiable';
  return { start, end };
}

/** The disk store's own upload and download routes (root level; only when the disk store is in use). */
export const diskFileRoutes =
  (disk: DiskStore, links: DiskLinks): FastifyPluginAsync =>
  async (app) => {
    // The body is the file itself, whatever its type: hand the raw stream to the route, which counts and stores it.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

    app.put(`${FILES_ROUTE}*`, { schema: { hide: true } }, async (req, reply) => {
      const grant = links.verify('PUT', keyOf(req), req.query as Record<string, unknown>);
      if (!grant || grant.size === undefined) throw denied();
      // The URL signs the content type and length, as an S3 upload URL does: any other request is refused. An
      // untyped upload ("") signs only its length there, so here too any Content-Type goes with it.
      if (grant.contentType !== '' && (req.headers['content-type'] ?? '') !== grant.contentType)
        throw new AppError('FORBIDDEN', 'Content-Type does not match the upload URL');
      const declared = req.headers['content-length'];
      if (declared !== undefined && Number(declared) !== grant.size)
        throw new AppError('FORBIDDEN', 'Content-Length does not match the upload URL');
      const body = (req.body as NodeJS.ReadableStream | undefined) ?? req.raw;
      const result = await disk.receive(grant.key, body as never, grant.size, grant.contentType);
      if (result === 'too_large') throw new AppError('PAYLOAD_TOO_LARGE', 'Body is larger than the upload URL allows');
      if (result === 'incomplete') throw new AppError('BAD_REQUEST', 'Body is shorter than the upload URL requires');
      return reply.status(200).send();
    });

    const serve = async (req: FastifyRequest, reply: FastifyReply) => {
      const grant = links.verify('GET', keyOf(req), req.query as Record<string, unknown>);
      if (!grant || grant.disposition === undefined) throw denied();
      const info = await disk.head(grant.key);
      if (!info) throw notFound('File');
      const range = parseRange(req.headers.range, info.size);
      reply
        .header('content-type', grant.contentType)
        .header('content-disposition', grant.disposition)
        .header('accept-ranges', 'bytes')
        .header('cache-control', 'private, max-age=300')
        .header('x-content-type-options', 'nosniff');
      // A sandboxed document can run nothing and reach nothing; PDF viewers need the plain policy.
      if (grant.contentType !== 'application/pdf')
        reply.header('content-security-policy', "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox");
      if (range === 'unsatisfiable') return reply.status(416).header('content-range', `bytes */${info.size}`).send();
      const stream = await disk.openForRead(grant.key, range);
      if (!stream) throw notFound('File');
      if (range) {
        reply
          .status(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${info.size}`)
          .header('content-length', range.end - range.start + 1);
      } else {
        reply.header('content-length', info.size);
      }
      return reply.send(stream);
    };
    app.get(`${FILES_ROUTE}*`, { schema: { hide: true } }, serve);
  };
