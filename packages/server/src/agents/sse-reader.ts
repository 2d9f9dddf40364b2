/**
 * @module agents/sse-reader: reads a Server-Sent Events body into its `data` payloads (the HTTP agent protocol
 * and OpenAI-compatible streams). Comments and other fields are skipped; multi-line data is joined with "\n".
 * A body that ends in the middle of a frame, or fails while reading, is a cut stream.
 */
import { AgentFailure } from './kinds/types.js';

export async function* sseData(body: ReadableStream<Uint8Array>, signal: AbortSignal): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  const reader = body.getReader();
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        throw new AgentFailure(`the stream was cut: ${(err as Error).message}`);
      }
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      for (let nl = buffer.search(/\r?\n/); nl >= 0; nl = buffer.search(/\r?\n/)) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer[nl] === '\r' ? 2 : 1));
        if (line === '') {
          if (data.length > 0) yield data.join('\n');
          data = [];
        } else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
    }
    if (buffer.trim() !== '' || data.length > 0) throw new AgentFailure('the stream was cut in the middle of a frame');
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => {});
  }
}
