/** A scripted HTTP agent service on 127.0.0.1 for tests: records each signed request and answers by a script per input text. */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AgentCall {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: any;
  signatureValid: boolean;
}

/** Writes SSE frames; `end` false leaves the response open; `cut` destroys the socket after the frames. */
export type Script = (call: AgentCall, res: http.ServerResponse) => void;

export const frame = (event: unknown) => `data: ${JSON.stringify(event)}\n\n`;

export class FakeAgent {
  readonly calls: AgentCall[] = [];
  private readonly server: http.Server;
  url = '';

  constructor(
    readonly secret: string,
    private readonly script: (text: string) => Script,
  ) {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += String(c)));
      req.on('end', () => {
        const ts = String(req.headers['x-parley-timestamp'] ?? '');
        const expected = `sha256=${createHmac('sha256', this.secret).update(`${ts}.${raw}`).digest('hex')}`;
        const call: AgentCall = {
          headers: req.headers,
          raw,
          body: JSON.parse(raw),
          signatureValid: req.headers['x-parley-signature'] === expected,
        };
        this.calls.push(call);
        const text = (call.body.input?.content ?? []).map((c: { text?: string }) => c.text ?? '').join('');
        this.script(text)(call, res);
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/agent`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

export function sse(res: http.ServerResponse, frames: unknown[], after: 'end' | 'cut' | 'hang' = 'end'): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const f of frames) res.write(typeof f === 'string' ? f : frame(f));
  if (after === 'end') res.end();
  else if (after === 'cut') setImmediate(() => res.socket?.destroy());
}
