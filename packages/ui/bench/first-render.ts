/**
 * First render of the chat in Chromium: a 50-dialog list and a 100-message dialog, against a real Parley
 * (embedded PGlite), measured in the page (performance.now + Resource Timing). Writes
 * bench/results/<date>-ui-first-render.md. Run: `npm run bench:ui` (RUNS=10 by default).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../server/test/support/server.js';
import { launchBrowser } from '../test/support/browser.js';

const RUNS = Number(process.env.RUNS ?? 10);
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

const server = await startServer();
const browser = await launchBrowser();
try {
  // 50 dialogs for u1, each with a message; the first one gets 100 messages.
  const ids: string[] = [];
  for (let i = 0; i < 50; i++) {
    const res = await server.admin.post('/api/v1/management/dialogs', {
      object_type: 'order',
      object_id: `bench-${i}`,
      title: `Order #${1000 + i}`,
      participants: [
        { user_id: 'u1', display_name: 'User One' },
        { user_id: 'u2', display_name: 'User Two' },
      ],
    });
    ids.push(res.body.data.id);
  }
  const u2 = await server.user('u2');
  for (const id of ids.slice(1)) await u2.post(`/api/v1/dialogs/${id}/messages`, { content: '<p>Hello, any news?</p>' });
  for (let i = 0; i < 100; i++) {
    await u2.post(`/api/v1/dialogs/${ids[0]}/messages`, {
      content: `<p>Message <strong>${i}</strong>: the parcel left the depot at ${8 + (i % 10)}:00, next stop in ${i % 7} hours.</p>`,
    });
  }
  const mint = async () =>
    (await server.admin.post('/api/v1/management/tokens', { user_id: 'u1', ttl_seconds: 900 })).body.data.token as string;

  const list: number[][] = [];
  const thread: number[][] = [];
  for (let run = 0; run <= RUNS; run++) {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const token = await mint();
    await page.setContent(
      `<!doctype html><html lang="en"><head><title>bench</title><script type="module" src="${server.url}/ui/parley-ui.js"></script></head><body style="margin:0;height:100vh"></body></html>`,
    );
    await page.waitForFunction(() => !!customElements.get('parley-chat'));
    // Page code as a string: tsx would wrap a function with helpers the page does not have.
    const result = (await page.evaluate(`(async ({ url, token, dialogId }) => {
        const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const resource = (part) =>
          performance
            .getEntriesByType('resource')
            .filter((e) => e.name.includes(part))
            .map((e) => e.duration)
            .pop() ?? 0;
        const chat = document.createElement('parley-chat');
        chat.getToken = async () => token;
        chat.setAttribute('base-url', url);
        chat.setAttribute('page-size', '100');
        chat.style.height = '100vh';
        const listed = new Promise((resolve) => chat.addEventListener('parley-dialogs-loaded', () => resolve(), { once: true }));
        const start = performance.now();
        document.body.append(chat);
        await listed;
        const listData = performance.now();
        const listEl = chat.shadowRoot.querySelector('parley-dialog-list');
        await listEl.updateComplete;
        await frame();
        const listDone = performance.now();
        const items = listEl.shadowRoot.querySelectorAll('li button').length;

        const rendered = new Promise((resolve) => chat.addEventListener('parley-thread-rendered', (e) => resolve(e.detail.count), { once: true }));
        const click = performance.now();
        listEl.shadowRoot.querySelector(\`[data-dialog-id="\${dialogId}"]\`).click();
        const count = await rendered;
        await frame();
        const threadDone = performance.now();
        const messagesRequest = resource(\`/dialogs/\${dialogId}/messages\`);
        return {
          items,
          count,
          listTotal: listDone - start,
          listRender: listDone - listData,
          threadTotal: threadDone - click,
          threadNetwork: messagesRequest,
          threadRender: threadDone - click - messagesRequest,
        };
      })(${JSON.stringify({ url: server.url, token, dialogId: ids[0] })})`)) as Record<string, number>;
    if (result.items !== 50 || result.count < 100) throw new Error(`unexpected render: ${JSON.stringify(result)}`);
    if (run > 0) {
      list.push([result.listTotal, result.listRender]);
      thread.push([result.threadTotal, result.threadNetwork, result.threadRender]);
    }
    await page.close();
  }

  const q = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))]!;
  };
  const row = (label: string, xs: number[]) =>
    `| ${label} | ${q(xs, 0.5).toFixed(0)} | ${q(xs, 0.9).toFixed(0)} | ${Math.min(...xs).toFixed(0)} |`;
  const size = JSON.parse(readFileSync(join(root, 'packages/ui/dist/bundle-size.json'), 'utf8')) as { bytes: number; gzip_bytes: number };
  const date = new Date().toISOString().slice(0, 10);
  const md = `# UI first render, ${date}

Chromium ${browser.version()} (headless, Debian's build), 1200×800, against Parley on embedded PGlite on this
machine (2 shared cores; other work was running). ${RUNS} runs after one warm-up, each in a fresh page.
Bundle \`/ui/parley-ui.js\`: ${(size.bytes / 1024).toFixed(0)} KiB, **${(size.gzip_bytes / 1024).toFixed(0)} KiB gzip**.

| measure (ms) | median | p90 | min |
|---|---:|---:|---:|
${row(
  '50-dialog list: element added → list painted (token, connect, list request, render)',
  list.map((x) => x[0]!),
)}
${row(
  '50-dialog list: data received → painted (render only)',
  list.map((x) => x[1]!),
)}
${row(
  '100-message dialog: click → messages painted (dialog + messages requests, render; page-size=100)',
  thread.map((x) => x[0]!),
)}
${row(
  '100-message dialog: messages request alone (Resource Timing)',
  thread.map((x) => x[1]!),
)}
${row(
  '100-message dialog: click → painted, minus the messages request',
  thread.map((x) => x[2]!),
)}

How: \`packages/ui/bench/first-render.ts\` seeds a user in 50 dialogs (one message each, 100 in the first),
adds \`<parley-chat>\` to a blank page, and times in the page with \`performance.now()\` until the frame after the
elements finished updating. Speed belongs here, never in a test.
`;
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const out = join(root, 'bench/results', `${date}-ui-first-render.md`);
  writeFileSync(out, md);
  console.log(md);
  console.log(`written to ${out}`);
} finally {
  await browser.close();
  await server.close();
}
