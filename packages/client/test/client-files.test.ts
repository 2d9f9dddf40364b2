/** Uploads through the client against a real server (embedded disk store): presign, PUT with progress, attach, cancel. */
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../../server/test/support/server.js';
import { ParleyError } from '../src/index.js';
import { dialogWith, nodeClient, uid } from './support/clients.js';
import type { HostBackend } from './support/host.js';
import { hostedServerPerFile } from './support/hosted-server.js';

let server: TestServer;
let host: HostBackend;
hostedServerPerFile((s, h) => {
  server = s;
  host = h;
});

/** A 1x1 PNG. */
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='), (c) =>
  c.charCodeAt(0),
);

describe('files.upload', () => {
  it('presigns, uploads with progress, and the reference attaches to a message', async () => {
    const alice = uid('alice');
    const dialogId = await dialogWith(server.admin, [alice, uid('bob')]);
    const client = nodeClient(server.url, host.auth(alice));
    const progress: Array<[number, number]> = [];
    const ref = await client.files.upload(dialogId, new Blob([PNG], { type: 'image/png' }), {
      filename: 'dot.png',
      onProgress: (sent, total) => progress.push([sent, total]),
    });
    expect(ref).toMatchObject({ filename: 'dot.png', content_type: 'image/png', size: PNG.byteLength });
    expect(ref.s3_key).toMatch(new RegExp(`^dialogs/${dialogId}/`));
    expect(progress.at(-1)).toEqual([PNG.byteLength, PNG.byteLength]);

    const message = await client.messages.send(dialogId, { content: 'a picture', attachments: [ref] });
    expect(message.attachments).toEqual([
      expect.objectContaining({ filename: 'dot.png', content_type: 'image/png', size: PNG.byteLength }),
    ]);
    const download = await fetch(new URL(message.attachments![0]!.url, server.url));
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(PNG);
  });

  it('can be cancelled mid-upload: it rejects with ABORTED and the key cannot be attached', async () => {
    const alice = uid('alice');
    const dialogId = await dialogWith(server.admin, [alice, uid('bob')]);
    let presignedKey: string | undefined;
    // The host's fetch wrapper sees the presign answer, so the test knows the key the cancelled upload had.
    const client = nodeClient(server.url, host.auth(alice), {
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        if (String(input).endsWith('/api/v1/upload/presign'))
          presignedKey = ((await res.clone().json()) as { data: { s3_key: string } }).data.s3_key;
        return res;
      },
    });
    const big = new Blob([new Uint8Array(4 * 1024 * 1024).fill(97)], { type: 'text/plain' });
    const abort = new AbortController();
    const err = await client.files
      .upload(dialogId, big, {
        filename: 'big.txt',
        signal: abort.signal,
        onProgress: () => abort.abort(),
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParleyError);
    expect(err).toMatchObject({ code: 'ABORTED', retryable: false });
    // The presigned key was never completed: no message can claim it.
    expect(presignedKey).toMatch(new RegExp(`^dialogs/${dialogId}/`));
    const refused = await client.messages
      .send(dialogId, {
        content: 'x',
        attachments: [{ s3_key: presignedKey!, filename: 'big.txt', content_type: 'text/plain', size: big.size }],
      })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', status: 400 });
  });

  it('a refused presign surfaces as a typed error before any upload', async () => {
    const alice = uid('alice');
    const dialogId = await dialogWith(server.admin, [alice]);
    const client = nodeClient(server.url, host.auth(alice));
    const err = await client.files
      .upload(dialogId, new Blob(['x'], { type: 'application/x-msdownload' }), { filename: 'a.exe' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UNSUPPORTED_FILE_TYPE', status: 400, retryable: false });
  });
});
