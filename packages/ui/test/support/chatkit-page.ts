/**
 * Browser test support for <parley-chatkit>: a page on its own local origin that loads the element from the
 * bundle Parley serves (/ui/parley-ui.js) and mounts it against a ChatKit endpoint, reopening the thread it had
 * open after a reload (as a host page would, through sessionStorage).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export interface PageServer {
  url: string;
  close(): Promise<void>;
}

/** The host page: `?bundle=` where the element comes from, `?api=` its endpoint, `?mode=hosted|custom`, `?locale=`. */
const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>ChatKit element</title>
<script type="module">
  const q = new URLSearchParams(location.search);
  await import(q.get('bundle'));
  window.toolCalls = [];
  window.effects = [];
  const el = document.createElement('parley-chatkit');
  el.apiUrl = q.get('api');
  if (q.get('mode') === 'hosted') el.getClientSecret = (current) => window.mintToken(q.get('user'), current);
  else el.headers = { 'x-test': 'on' };
  if (q.get('locale')) el.locale = q.get('locale');
  if (q.get('theme')) el.theme = q.get('theme');
  el.threadId = sessionStorage.getItem('thread');
  el.tools = [{ id: 'search', label: 'Search the web' }];
  el.models = [{ id: 'fast', label: 'Fast', default: true }, { id: 'smart', label: 'Smart' }];
  el.onClientTool = async (call) => {
    window.toolCalls.push({ name: call.name, params: call.params });
    return { city: 'Paris' };
  };
  el.addEventListener('chatkit.thread.change', (e) => {
    if (e.detail.threadId) sessionStorage.setItem('thread', e.detail.threadId);
    else sessionStorage.removeItem('thread');
  });
  el.addEventListener('chatkit.effect', (e) => window.effects.push(e.detail.name));
  document.querySelector('main').append(el);
  window.chatkitMounted = true;
</script></head>
<body><main style="height: 640px"></main></body>
</html>`;

export async function servePage(): Promise<PageServer> {
  const http = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
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

export interface ChatKitPage {
  context: BrowserContext;
  page: Page;
}

/** A fresh context whose page shows <parley-chatkit> with these query parameters. */
export async function openChatKit(
  browser: Browser,
  pageServer: PageServer,
  params: Record<string, string>,
  mint?: (user: string, current: string | null) => Promise<string>,
): Promise<ChatKitPage> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('[chatkit page error]', err.message));
  if (mint) await page.exposeFunction('mintToken', mint);
  await page.goto(`${pageServer.url}?${new URLSearchParams(params)}`);
  await page.waitForFunction(() => (window as unknown as { chatkitMounted?: boolean }).chatkitMounted === true);
  return { context, page };
}

/** Types into the element's composer and sends with Enter. */
export async function say(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('chatkit-input');
  await input.click();
  await input.fill(text);
  await input.press('Enter');
}

/** Items of the open thread as the element shows them (stored ones only, not the optimistic message). */
export const items = (page: Page, type: string) => page.locator(`parley-chatkit .item[data-item-id][data-item-type="${type}"]`);
