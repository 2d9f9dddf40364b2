/**
 * Browser test support: Debian's Chromium driven by playwright-core, a real Parley server (the server's own test
 * helper) with the demo host app wired to its webhooks, axe-core checks, and screenshots under .test-data/.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startServer, type TestServer } from '../../../server/test/support/server.js';
// @ts-expect-error the demo is plain JavaScript
import { startHostApp } from '../../../../examples/host-app/src/app.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const SHOTS = join(root, '.test-data', 'screenshots');
const axeSource: string = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface HostApp {
  url: string;
  log: { event: string; verified: boolean; payload: any }[];
  dialogs: Record<string, string>;
  /** User id → that user's dialog with Parley's built-in demo agent. */
  assistantDialogs: Record<string, string>;
  setParley(url: string, adminToken: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export interface Demo {
  server: TestServer;
  host: HostApp;
  close(): Promise<void>;
}

/** A Parley test server whose webhooks go to a fresh demo host app, with the order dialogs created. */
export async function startDemo(): Promise<Demo> {
  const secret = 'demo-webhook-secret-for-tests-0123456789';
  const host: HostApp = await startHostApp({ webhookSecret: secret, port: 0 });
  const server = await startServer({
    WEBHOOK_URL: `${host.url}/webhooks`,
    WEBHOOK_SECRET: secret,
    WEBHOOK_EVENTS: 'all',
    WEBHOOK_RETRY_BASE_MS: '50',
  });
  await host.setParley(server.url, server.adminToken);
  return {
    server,
    host,
    async close() {
      await host.close();
      await server.close();
    },
  };
}

export interface DemoSuite {
  browser: Browser;
  demo: Demo;
}

/**
 * A test file's browser and demo: started before its tests (then `setup`, e.g. seeding dialogs) and closed after
 * them. Generous time to start: a browser, a server and the demo start at once on a shared two-core machine.
 */
export function useDemo(setup?: (suite: DemoSuite) => Promise<void>): DemoSuite {
  const suite = {} as DemoSuite;
  beforeAll(async () => {
    [suite.browser, suite.demo] = await Promise.all([launchBrowser(), startDemo()]);
    await setup?.(suite);
  }, 120_000);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.demo?.close();
  });
  return suite;
}

/** A browser context signed in to the demo as one of its users, its page on `path`. */
export async function signIn(
  browser: Browser,
  demo: Demo,
  userId: string,
  path = '/chat',
  viewport = { width: 1200, height: 800 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  // Generous: the CI machine has two cores for two backends, their servers and two browsers at once.
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[${userId} page error]`, err.message));
  await page.goto(demo.host.url);
  await page.locator(`form:has(input[value="${userId}"]) button`).click();
  await page.waitForURL('**/chat');
  if (path !== '/chat') await page.goto(demo.host.url + path);
  await waitReady(page);
  return { context, page };
}

/** Waits until every <parley-chat> on the page has connected and rendered. */
export async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const chats = [...document.querySelectorAll('parley-chat')] as (HTMLElement & { ready?: boolean })[];
    return chats.length > 0 && chats.every((c) => c.ready === true);
  });
}

/** Runs axe-core on the page (shadow roots included); returns the serious and critical violations. */
export async function axe(page: Page): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 3).map((n: any) => JSON.stringify(n.target)),
      }));
  });
}

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** The composer's editor of the first (or given) chat on the page. */
export function composer(page: Page) {
  return page.locator('[data-testid=composer-input]').first();
}

export async function send(page: Page, text: string): Promise<void> {
  await composer(page).click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** A stored message (not a pending one) of the open thread that contains `text`. */
export function message(page: Page, text: string) {
  return page.locator('parley-thread .msg[data-message-id]').filter({ hasText: text });
}
