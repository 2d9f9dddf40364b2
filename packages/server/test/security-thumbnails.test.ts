/**
 * Thumbnails as a decompression bomb (item 4 of issue #16): a 0.8 MB PNG that decodes to 800 MB (10000×10000,
 * 16-bit RGBA, interlaced), sent four times at once. The sends succeed with the image's dimensions, memory stays
 * bounded and other users are served meanwhile; a thumbnail that fails never fails the send. The memory and
 * latency figures are generous bounds (the server runs in this process, so its memory is ours to sample).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialog, person } from './support/fixtures.js';
import { png, sendWith, startFileServer, thumbnailUrl, upload, type FileServer } from './support/files.js';
import { brokenPng, pngBomb } from './support/png-bomb.js';
import type { Api } from './support/api.js';

const MiB = 1024 * 1024;
/** Before the fix four concurrent bombs took this process up by ~3.2 GB, and other requests to ~15 s. */
const MEMORY_GROWTH_BOUND = 600 * MiB;
const LATENCY_BOUND_MS = 5_000;

describe('thumbnails under attack', () => {
  let server: FileServer;
  let alice: Api;
  let bob: Api;
  let dialogId: string;
  let bomb: Buffer;

  beforeAll(async () => {
    bomb = await pngBomb(10_000, 10_000);
    server = await startFileServer('disk');
    dialogId = (await createDialog(server, { participants: [person('alice'), person('bob')] })).id;
    alice = await server.user('alice');
    bob = await server.user('bob');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('sends four bombs at once with bounded memory, no thumbnail, and other users still served', async () => {
    const uploads = [];
    for (let i = 0; i < 4; i++)
      uploads.push(await upload(alice, dialogId, { filename: `bomb${i}.png`, content_type: 'image/png', bytes: bomb }));
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    let slowest = 0;
    let attacking = true;
    const bystander = (async () => {
      while (attacking) {
        const started = performance.now();
        const res = await bob.get('/api/v1/dialogs');
        slowest = Math.max(slowest, performance.now() - started);
        expect(res.status).toBe(200);
      }
    })();
    try {
      const sends = await Promise.all(uploads.map((u) => sendWith(alice, dialogId, [u.attachment])));
      for (const res of sends) {
        expect(res.status, res.text).toBe(200);
        expect(res.body.data.attachments[0]).toMatchObject({ width: 10_000, height: 10_000 });
      }
      // Thumbnails run one at a time in order: once a later image has its thumbnail, the bombs' turn is over.
      const probe = await upload(alice, dialogId, { filename: 'probe.png', content_type: 'image/png', bytes: await png(40, 30) });
      const sent = await sendWith(alice, dialogId, [probe.attachment]);
      await thumbnailUrl(alice, sent.body.data.attachments[0].id);
      for (const res of sends) {
        const url = await alice.get(`/api/v1/attachments/${res.body.data.attachments[0].id}/url`);
        expect(url.body.data.thumbnail_url).toBeNull();
      }
    } finally {
      attacking = false;
      await bystander;
      clearInterval(sampler);
    }
    console.log(`bomb x4: rss growth ${Math.round((peak - baseline) / MiB)} MiB, slowest bystander request ${Math.round(slowest)} ms`);
    expect(peak - baseline).toBeLessThan(MEMORY_GROWTH_BOUND);
    expect(slowest).toBeLessThan(LATENCY_BOUND_MS);
  });

  it('never fails a send because its thumbnail fails', async () => {
    const broken = brokenPng();
    const up = await upload(alice, dialogId, { filename: 'broken.png', content_type: 'image/png', bytes: broken });
    const res = await sendWith(alice, dialogId, [up.attachment]);
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.attachments[0]).toMatchObject({ filename: 'broken.png', width: 64, height: 64 });
    const probe = await upload(alice, dialogId, { filename: 'probe2.png', content_type: 'image/png', bytes: await png(40, 30) });
    await thumbnailUrl(alice, (await sendWith(alice, dialogId, [probe.attachment])).body.data.attachments[0].id);
    const url = await alice.get(`/api/v1/attachments/${res.body.data.attachments[0].id}/url`);
    expect(url.body.data.thumbnail_url).toBeNull();
  });
});
