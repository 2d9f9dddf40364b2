/** A thumbnail that cannot be made is no error for the sender, but it is never silent: the server logs why. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDialog, person } from './support/fixtures.js';
import { png, sendWith, upload } from './support/files.js';
import { eventually } from './support/poll.js';
import { startServer, type TestServer } from './support/server.js';

const logLines: string[] = [];
let server: TestServer;

beforeAll(async () => {
  server = await startServer({ LOG_LEVEL: 'warn' }, { logLines });
});
afterAll(async () => {
  await server?.close();
});

/** A PNG whose header (size, type) reads fine but whose pixel data is damaged, so decoding it fails. */
async function damagedPng(): Promise<Buffer> {
  const bytes = Buffer.from(await png(64, 48));
  const idat = bytes.indexOf('IDAT');
  for (let i = idat + 8; i < idat + 24; i++) bytes[i] = bytes[i]! ^ 0xff;
  return bytes;
}

it('sends the image without a thumbnail and logs the decode failure with the upload id', async () => {
  const d = await createDialog(server, { participants: [person('thumb-fail')] });
  const api = await server.user('thumb-fail');
  const up = await upload(api, d.id, { filename: 'broken.png', content_type: 'image/png', bytes: await damagedPng() });
  const res = await sendWith(api, d.id, [up.attachment]);
  expect(res.status, res.text).toBe(200);
  const id: string = res.body.data.attachments[0].id;
  const line = await eventually(
    () => logLines.map((l) => JSON.parse(l)).find((l) => l.upload === id),
    `a log line about upload ${id}`,
    20_000,
  );
  expect(line.msg).toBe('thumbnail: the image does not decode; it is attached without one');
  expect(line.err.message).toBeTruthy();
  const url = await api.get(`/api/v1/attachments/${id}/url`);
  expect(url.body.data.thumbnail_url).toBeNull();
});
