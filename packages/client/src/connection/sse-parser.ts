/** @module connection/sse-parser: an incremental text/event-stream parser (fields `data`, `id`, `event`, `retry`; comments). */

export interface SseMessage {
  data: string;
  id?: string;
  event?: string;
  /** The last `retry:` hint (ms) seen on the stream, if any. */
  retry?: number;
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private id: string | undefined;
  private event: string | undefined;
  private retry: number | undefined;

  constructor(
    private readonly onMessage: (message: SseMessage) => void,
    private readonly onComment: () => void = () => {},
  ) {}

  /** The last `retry:` hint (ms), also when no message followed it. */
  get retryHint(): number | undefined {
    return this.retry;
  }

  /** Feeds decoded text; complete lines are processed, a partial last line waits for more. */
  push(chunk: string): void {
    this.buffer += chunk;
    let start = 0;
    for (;;) {
      const lf = this.buffer.indexOf('\n', start);
      const cr = this.buffer.indexOf('\r', start);
      let end = lf;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        // A CR at the very end may be the first half of CRLF: wait for the next chunk.
        if (cr === this.buffer.length - 1) break;
        end = cr;
      }
      if (end < 0) break;
      this.line(this.buffer.slice(start, end));
      start = this.buffer[end] === '\r' && this.buffer[end + 1] === '\n' ? end + 2 : end + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) {
      this.onComment();
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'id') this.id = value;
    else if (field === 'event') this.event = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }

  private dispatch(): void {
    if (this.data.length > 0) {
      const message: SseMessage = { data: this.data.join('\n') };
      if (this.id !== undefined) message.id = this.id;
      if (this.event !== undefined) message.event = this.event;
      if (this.retry !== undefined) message.retry = this.retry;
      this.onMessage(message);
    }
    this.data = [];
    this.event = undefined;
  }
}
