/** @module http/event-stream: takes a reply over as a server-sent event stream (realtime SSE and ChatKit's streams). */
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/** Hijacks the reply and writes the stream's head; the headers hooks set (CORS, security) go out with it. */
export function openEventStream(reply: FastifyReply): ServerResponse {
  reply.hijack();
  const res = reply.raw;
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) res.setHeader(name, value);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
  });
  return res;
}
