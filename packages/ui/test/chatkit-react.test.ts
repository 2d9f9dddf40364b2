/**
 * useChatKit() of @parley/react in Chromium against Parley's /chatkit with the demo agent: the hook renders
 * <parley-chatkit>, follows its thread state, calls the host's handlers, and sends through its control methods.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { registerAgent } from '../../server/test/support/agents.js';
import { unique } from '../../server/test/support/chat.js';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { axe, launchBrowser, shot } from './support/browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

const ENTRY = `
import { createElement as h, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useChatKit } from '@parley/react';
window.calls = [];
function App({ apiUrl }) {
  const [clicks, setClicks] = useState(0);
  const chat = useChatKit({
    apiUrl,
    getClientSecret: (current) => window.mintToken(current),
    locale: 'en',
    onClientTool: async (call) => { window.calls.push('tool:' + call.name); return { city: 'Lyon' }; },
    onReady: () => window.calls.push('ready'),
    onThreadChange: ({ threadId }) => window.calls.push('thread:' + (threadId ? 'set' : 'none')),
    onResponseEnd: () => window.calls.push('end'),
  });
  const items = chat.state ? chat.state.items.filter((i) => !i.pending) : [];
  return h('div', null,
    h('p', { id: 'count' }, 'items ' + items.length + ' streaming ' + String(chat.state ? chat.state.streaming : null)),
    h('button', { onClick: () => { setClicks(clicks + 1); void chat.sendUserMessage('from react ' + (clicks + 1)); } }, 'Send from React'),
    chat.element({ style: { display: 'block', height: '520px' } }),
  );
}
window.mount = (apiUrl) => createRoot(document.getElementById('root')).render(h(App, { apiUrl }));
`;

let browser: Browser;
let server: TestServer;
let app = '';
let agent = '';
let http: ReturnType<typeof createServer>;
let pageUrl = '';

beforeAll(async () => {
  const bundled = build({
    stdin: { contents: ENTRY, resolveDir: root, loader: 'js' },
    bundle: true,
    format: 'esm',
    write: false,
    platform: 'browser',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  [browser, server] = await Promise.all([launchBrowser(), startServer()]);
  agent = await registerAgent(server, { display_name: 'Demo assistant' });
  app = (await bundled).outputFiles[0]!.text;
  http = createServer((req, res) => {
    const js = req.url === '/app.js';
    res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
    res.end(
      js
        ? app
        : '<!doctype html><html lang="en"><head><title>useChatKit</title><script type="module" src="/app.js"></script></head><body><main id="root"></main></body></html>',
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  pageUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  // Generous: two backends' servers and browsers start at once on the shared two-core machine.
}, 120_000);
afterAll(async () => {
  http?.closeAllConnections();
  await new Promise((r) => http?.close(r));
  await browser?.close();
  await server?.close();
});

describe('useChatKit', { timeout: 90_000 }, () => {
  it('renders <parley-chatkit>, follows its state, calls the handlers, and sends through the hook', async () => {
    const user = unique('ck-react');
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (err) => console.error('[useChatKit page error]', err.message));
    await page.exposeFunction('mintToken', async () => {
      const res = await server.admin.post('/api/v1/management/tokens', { user_id: user, chatkit: { agent_id: agent } });
      return res.body.data.token as string;
    });
    await page.goto(pageUrl);
    await page.waitForFunction(() => 'mount' in window);
    await page.evaluate((url) => (window as any).mount(url), `${server.url}/chatkit`);

    await page.getByRole('button', { name: 'Send from React' }).click();
    await page.locator('parley-chatkit .item[data-item-type="assistant_message"]').filter({ hasText: 'Echo: from react 1' }).waitFor();
    await page.locator('#count').filter({ hasText: 'items 2 streaming false' }).waitFor();

    // The element's own composer and the hook share one client: the client tool goes to the hook's handler.
    const input = page.getByTestId('chatkit-input');
    await input.fill('/tool');
    await input.press('Enter');
    await page
      .locator('parley-chatkit .item[data-item-type="assistant_message"]')
      .filter({ hasText: 'Tool result: {"city":"Lyon"}' })
      .waitFor();
    await page.locator('#count').filter({ hasText: 'items 5 streaming false' }).waitFor();
    const calls = await page.evaluate(() => (window as any).calls as string[]);
    expect(calls[0]).toBe('ready');
    expect(calls).toContain('thread:set');
    expect(calls).toContain('tool:get_location');
    expect(calls.filter((c) => c === 'end').length).toBeGreaterThanOrEqual(3);
    expect(await axe(page)).toEqual([]);
    await shot(page, 'chatkit-react');
    await page.close();
  });
});
