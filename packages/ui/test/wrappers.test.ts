/**
 * The Vue and React wrappers in Chromium: each mounts <parley-chat> against a real Parley. The Vue one is given
 * MTChat's Vue SDK `config` shape unchanged (token, scopeConfig with tenant_uid, userProfile, locale).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { axe, launchBrowser, shot } from './support/browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
let browser: Browser;
let server: TestServer;
let app: string;
let pageServer: { url: string; close(): Promise<void> };

/** A page on its own local origin (another port) that loads the wrappers' bundle. */
async function servePage(): Promise<typeof pageServer> {
  const http = createServer((req, res) => {
    const js = req.url === '/app.js';
    res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
    res.end(
      js
        ? app
        : '<!doctype html><html lang="en"><head><title>Wrappers</title><script type="module" src="/app.js"></script></head><body><main id="root" style="height:600px"></main></body></html>',
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

const ENTRY = `
import { createApp, h } from 'vue';
import { MTChat, fromMTChatConfig } from '@parley/vue';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { ParleyChat } from '@parley/react';
window.fromMTChatConfig = fromMTChatConfig;
window.events = [];
window.mountVue = (el, props) => { createApp({ render: () => h(MTChat, { ...props, onConnected: () => window.events.push('vue:connected') }) }).mount(el); };
window.mountReact = (el, props) => { createRoot(el).render(createElement(ParleyChat, { ...props, onReady: () => window.events.push('react:ready') })); };
`;

beforeAll(async () => {
  const bundled = build({
    stdin: { contents: ENTRY, resolveDir: root, loader: 'js' },
    bundle: true,
    format: 'esm',
    write: false,
    platform: 'browser',
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'true',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    logLevel: 'error',
  });
  [browser, server] = await Promise.all([launchBrowser(), startServer()]);
  app = (await bundled).outputFiles[0]!.text;
  pageServer = await servePage();
  for (const [id, user] of [
    ['w-vue', 'vue-user'],
    ['w-react', 'react-user'],
  ]) {
    const res = await server.admin.post('/api/v1/management/dialogs', {
      object_type: 'order',
      object_id: id,
      title: `Wrapped ${id}`,
      participants: [
        { user_id: user, display_name: 'Wrapped User' },
        { user_id: 'agent', display_name: 'Agent' },
      ],
    });
    expect(res.status).toBe(200);
  }
});
afterAll(async () => {
  await pageServer?.close();
  await browser?.close();
  await server?.close();
});

/** A page on its own origin that has the wrappers' bundle loaded. */
async function hostPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 800, height: 700 } });
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (err) => console.error('[wrappers page error]', err.message));
  page.on('console', (m) => m.type() === 'error' && console.error('[wrappers console]', m.text()));
  await page.goto(pageServer.url);
  await page.waitForFunction(() => 'mountVue' in window);
  return page;
}

const mint = async (user: string) => (await server.admin.post('/api/v1/management/tokens', { user_id: user })).body.data.token as string;

describe('wrappers', { timeout: 60_000 }, () => {
  it('Vue: MTChat’s config shape shows the inline chat, in its locale, with its scope sent', async () => {
    const page = await hostPage();
    const scopes: string[] = [];
    page.on('request', (r) => {
      const h = r.headers()['x-scope-config'];
      if (h) scopes.push(h);
    });
    const config = {
      baseUrl: server.url + '/',
      userId: 'vue-user',
      token: await mint('vue-user'),
      scopeConfig: { tenant_uid: 't1', scope_level1: ['logistics'], scope_level2: [] },
      userProfile: { displayName: 'Wrapped User', company: 'Acme' },
      locale: 'ru',
    };
    await page.evaluate(
      (config) =>
        (window as any).mountVue(document.getElementById('root'), {
          config: { ...config, onClientTool: () => ({ from: 'vue' }) },
          mode: 'inline',
          objectType: 'order',
          objectId: 'w-vue',
          theme: 'dark',
        }),
      config,
    );
    await page.locator('parley-thread h2').filter({ hasText: 'Wrapped w-vue' }).waitFor();
    await page.getByText('Напишите сообщение…').waitFor();
    expect(await page.evaluate(() => (window as any).events)).toEqual(['vue:connected']);
    expect(await page.locator('parley-chat').getAttribute('theme')).toBe('dark');
    expect(await page.evaluate(() => (document.querySelector('parley-chat') as any).onClientTool?.())).toEqual({ from: 'vue' });
    const sent = JSON.parse(Buffer.from(scopes[0]!, 'base64').toString('utf8'));
    expect(sent).toEqual({ scope_level0: ['t1'], scope_level1: ['logistics'], scope_level2: [] });
    await shot(page, 'wrapper-vue');
    expect(await axe(page)).toEqual([]);
    await page.close();
  });

  it('React: props and callbacks reach <parley-chat>', async () => {
    const page = await hostPage();
    const token = await mint('react-user');
    await page.exposeFunction('token', () => token);
    await page.evaluate(
      (url) =>
        (window as any).mountReact(document.getElementById('root'), {
          baseUrl: url,
          getToken: () => (window as any).token(),
          onClientTool: () => ({ from: 'react' }),
          mode: 'inline',
          objectType: 'order',
          objectId: 'w-react',
          locale: 'zh',
        }),
      server.url,
    );
    await page.locator('parley-thread h2').filter({ hasText: 'Wrapped w-react' }).waitFor();
    await page.getByText('输入消息…').waitFor();
    expect(await page.evaluate(() => (window as any).events)).toEqual(['react:ready']);
    expect(await page.evaluate(() => (document.querySelector('parley-chat') as any).onClientTool?.())).toEqual({ from: 'react' });
    await page.close();
  });
});
