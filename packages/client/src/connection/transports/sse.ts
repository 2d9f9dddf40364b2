/**
 * @module connection/transports/sse: the realtime event stream over Server-Sent Events, `GET /api/v1/events`,
 * read with fetch (not EventSource) so it can carry an Authorization header and a Last-Event-ID of our choosing,
 * and so the client, not the browser, decides when to reconnect.
 */
import { SseParser } from '../sse-parser.js';
import type { OpenParams, Transport, TransportFactory, TransportHandlers } from '../transport.js';

export function sseUrl(params: OpenParams): string {
  return `${params.baseUrl.replace(/\/+$/, '')}/api/v1/events`;
}

export function sseTransport(fetchImpl: typeof fetch): TransportFactory {
  return {
    name: 'sse',
    sendsPings: false,
    supported: () => typeof fetchImpl === 'function' && typeof TextDecoder === 'function',
    open(params: OpenParams, handlers: TransportHandlers): Transport {
      const abort = new AbortController();
      let done = false;
      let opened = false;
      const finish = (info: { reason: string; status?: number }) => {
        if (done) return;
        done = true;
        abort.abort();
        handlers.onClose({ opened, ...info });
      };
      const headers: Record<string, string> = { ...params.headers, accept: 'text/event-stream' };
      if (params.token) headers.authorization = `Bearer ${params.token}`;
      if (params.lastEventId !== undefined) headers['last-event-id'] = String(params.lastEventId);

      void (async () => {
        let res: Response;
        try {
          res = await fetchImpl(sseUrl(params), { method: 'GET', headers, signal: abort.signal });
        } catch (err) {
          return finish({ reason: `stream request failed: ${err instanceof Error ? err.message : String(err)}` });
        }
        if (!res.ok || !res.body) {
          await res.body?.cancel().catch(() => {});
          return finish({ reason: `stream refused with HTTP ${res.status}`, status: res.status });
        }
        opened = true;
        if (done) return;
        handlers.onOpen();
        const parser = new SseParser(
          (message) => {
            let frame: unknown;
            try {
              frame = JSON.parse(message.data);
            } catch {
              return;
            }
            if (!done) handlers.onFrame(frame);
          },
          () => {
            if (!done) handlers.onActivity();
          },
        );
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        try {
          for (;;) {
            const { value, done: ended } = await reader.read();
            if (ended) break;
            if (done) return;
            handlers.onActivity();
            parser.push(decoder.decode(value, { stream: true }));
          }
          finish({ reason: 'stream ended' });
        } catch (err) {
          finish({ reason: `stream broke: ${err instanceof Error ? err.message : String(err)}` });
        }
      })();

      return {
        name: 'sse',
        send: () => false,
        close() {
          done = true;
          abort.abort();
        },
      };
    },
  };
}
