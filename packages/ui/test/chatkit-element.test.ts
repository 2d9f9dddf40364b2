/**
 * <parley-chatkit> in Chromium, loaded from the bundle Parley serves, against Parley's /chatkit with the demo
 * agent: send and stream, stop, reload mid-stream, widget action, client tool round trip, retry, feedback, an
 * agent error, threads (switch, rename, delete) and history paging; attachment upload (byte progress, cancel)
 * against chatkit-node-backend-sdk, as Parley's /chatkit has no attachments yet. Screenshots and axe-core each time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Request } from 'playwright-core';
import { createChatKit } from '@parley/chatkit';
import { registerAgent } from '../../server/test/support/agents.js';
import { unique } from '../../server/test/support/chat.js';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { startNodeSdkServer, type NodeSdkPeer } from '../../chatkit/test/support/node-sdk-server.js';
import { axe, launchBrowser, shot } from './support/browser.js';
import { items, openChatKit, type PageServer, say, servePage } from './support/chatkit-page.js';

let browser: Browser;
let server: TestServer;
let sdk: NodeSdkPeer;
let pages: PageServer;
let agent = '';

beforeAll(async () => {
  [browser, server, sdk, pages] = await Promise.all([launchBrowser(), startServer(), startNodeSdkServer(), servePage()]);
  agent = await registerAgent(server, { display_name: 'Demo assistant' });
  // Generous: two backends' servers and browsers start at once on the shared two-core machine.
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await sdk?.close();
  await server?.close();
});

async function mint(user: string): Promise<string> {
  const res = await server.admin.post('/api/v1/management/tokens', {
    user_id: user,
    profile: { display_name: 'Alice Martin' },
    chatkit: { agent_id: agent },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.data.token as string;
}

/** The element against Parley, signed in as a new user. */
async function parley(extra: Record<string, string> = {}) {
  const user = unique('ck-ui');
  const opened = await openChatKit(
    browser,
    pages,
    { bundle: `${server.url}/ui/parley-ui.js`, api: `${server.url}/chatkit`, mode: 'hosted', user, ...extra },
    (u) => mint(u),
  );
  return { ...opened, user };
}

const textOf = async (page: Page, type: string, at = -1) =>
  ((await items(page, type).nth(at).locator('.content').textContent()) ?? '').trim();
const stop = (page: Page) => page.getByRole('button', { name: 'Stop the reply' });

async function noSeriousViolations(page: Page): Promise<void> {
  expect(await axe(page)).toEqual([]);
}

/** The ChatKit requests the page sends, by type. */
function recordRequests(page: Page): Array<{ type: string; params: any }> {
  const seen: Array<{ type: string; params: any }> = [];
  page.on('request', (r: Request) => {
    if (!r.url().endsWith('/chatkit') || r.method() !== 'POST') return;
    const body = JSON.parse(r.postData() ?? '{}');
    seen.push({ type: body.type, params: body.params });
  });
  return seen;
}

describe('<parley-chatkit> against Parley', { timeout: 120_000 }, () => {
  it('sends, streams the reply in, sends the picked tool and model, and renders server markdown only sanitized', async () => {
    const { page, context } = await parley();
    const requests = recordRequests(page);
    await page.getByRole('combobox', { name: 'Model' }).selectOption('smart');
    await page.getByRole('combobox', { name: 'Tool' }).selectOption('search');
    await say(page, 'hello');
    await items(page, 'assistant_message').filter({ hasText: 'Echo: hello' }).waitFor();
    expect(await items(page, 'user_message').count()).toBe(1);
    expect(await items(page, 'assistant_message').count()).toBe(1);
    expect(await page.locator('parley-chatkit .item.pending').count()).toBe(0);
    const create = requests.find((r) => r.type === 'threads.create')!;
    expect(create.params.input.inference_options).toEqual({ tool_choice: { id: 'search' }, model: 'smart' });
    // The new thread is in the list and is the current one.
    await page.locator('parley-chatkit nav li[aria-current="true"]').waitFor();

    // Server text with markup: the markdown goes through the sanitizer, so no handler and no script link survive.
    await say(page, '<img src=x onerror="window.pwned=1"> **bold** [click](javascript:window.pwned=2)');
    const echoed = items(page, 'assistant_message').filter({ hasText: 'bold' });
    await echoed.waitFor();
    expect(await echoed.locator('strong').textContent()).toBe('bold');
    expect(await echoed.locator('img').count()).toBe(0);
    expect(await echoed.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as any).pwned)).toBeUndefined();
    await noSeriousViolations(page);
    await shot(page, 'chatkit-send');
    await context.close();
  });

  it('shows a reply growing with a stop button, stops it, and keeps what was streamed', async () => {
    const { page, context } = await parley();
    await say(page, '/slow');
    const growing = page.locator('parley-chatkit .item.streaming .content');
    await growing.filter({ hasText: /^slo/ }).waitFor();
    await stop(page).click();
    await stop(page).waitFor({ state: 'detached' });
    await page.locator('parley-chatkit .item.streaming').waitFor({ state: 'detached' });
    await noSeriousViolations(page);

    // What the server stored is what was streamed: reopen the thread from the server.
    await page.reload();
    const stored = items(page, 'assistant_message').first();
    await stored.waitFor();
    const text = await textOf(page, 'assistant_message', 0);
    expect(text.length).toBeGreaterThanOrEqual(3);
    expect(text.length).toBeLessThan('slow reply'.length);
    expect('slow reply'.startsWith(text)).toBe(true);
    await shot(page, 'chatkit-stopped');
    await context.close();
  });

  it('reloaded mid-stream, reopens the thread with the reply stored so far and goes on', async () => {
    const { page, context } = await parley();
    await say(page, '/slow');
    await page.locator('parley-chatkit .item.streaming .content').filter({ hasText: /^sl/ }).waitFor();
    expect(await stop(page).isVisible()).toBe(true);
    await shot(page, 'chatkit-streaming');
    await page.reload();
    await items(page, 'user_message').filter({ hasText: '/slow' }).waitFor();
    const partial = await textOf(page, 'assistant_message', 0);
    expect('slow reply'.startsWith(partial), `stored ${JSON.stringify(partial)}`).toBe(true);
    expect(await page.locator('parley-chatkit .item.streaming').count()).toBe(0);
    await say(page, 'after the reload');
    await items(page, 'assistant_message').filter({ hasText: 'Echo: after the reload' }).waitFor();
    expect(await items(page, 'user_message').count()).toBe(2);
    await noSeriousViolations(page);
    await shot(page, 'chatkit-reloaded');
    await context.close();
  });

  it('renders a widget and sends its action through the core; the server runs it', async () => {
    const { page, context } = await parley();
    const requests = recordRequests(page);
    await say(page, '/widget');
    const widget = items(page, 'widget').locator('parley-widget');
    await widget.getByText('Approve this order?').waitFor();
    await noSeriousViolations(page);
    await shot(page, 'chatkit-widget');
    await widget.getByRole('button', { name: 'Approve' }).click();
    await widget.getByText('Approved by Alice Martin').waitFor();
    await items(page, 'assistant_message').filter({ hasText: 'Approved.' }).waitFor();
    const action = requests.find((r) => r.type === 'threads.custom_action')!;
    expect(action.params).toMatchObject({ item_id: expect.any(String), action: { type: 'demo.approve' } });
    await shot(page, 'chatkit-widget-approved');
    await context.close();
  });

  it('answers a client tool call through onClientTool and shows the agent’s answer to it', async () => {
    const { page, context } = await parley();
    const requests = recordRequests(page);
    await say(page, '/tool');
    await items(page, 'assistant_message').filter({ hasText: 'Tool result: {"city":"Paris"}' }).waitFor();
    expect(await page.evaluate(() => (window as any).toolCalls)).toEqual([{ name: 'get_location', params: {} }]);
    expect(requests.find((r) => r.type === 'threads.add_client_tool_output')!.params.result).toEqual({ city: 'Paris' });
    await items(page, 'client_tool_call').filter({ hasText: 'done' }).waitFor();
    await noSeriousViolations(page);
    await shot(page, 'chatkit-client-tool');
    await context.close();
  });

  it('retries an answer (one reply afterwards), takes feedback, and shows an agent error with retry', async () => {
    const { page, context } = await parley();
    const requests = recordRequests(page);
    await say(page, 'again please');
    const reply = items(page, 'assistant_message').filter({ hasText: 'Echo: again please' });
    await reply.waitFor();
    const first = await reply.getAttribute('data-item-id');

    await reply.getByRole('button', { name: 'Good answer' }).click();
    await reply.getByRole('status').filter({ hasText: 'Thanks for the feedback' }).waitFor();
    expect(await reply.getByRole('button', { name: 'Good answer' }).getAttribute('aria-pressed')).toBe('true');
    const feedback = requests.find((r) => r.type === 'items.feedback')!;
    expect(feedback.params).toMatchObject({ item_ids: [first], kind: 'positive' });
    await shot(page, 'chatkit-feedback');

    await reply.getByRole('button', { name: 'Retry this answer' }).click();
    await expect.poll(() => items(page, 'assistant_message').first().getAttribute('data-item-id')).not.toBe(first);
    await items(page, 'assistant_message').filter({ hasText: 'Echo: again please' }).waitFor();
    expect(await items(page, 'assistant_message').count()).toBe(1);
    expect(await items(page, 'user_message').count()).toBe(1);
    expect(requests.filter((r) => r.type === 'threads.retry_after_item')).toHaveLength(1);

    await say(page, '/fail');
    const alert = page.locator('parley-chatkit .bar [role=alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Something went wrong');
    expect(await alert.getByRole('button', { name: 'Retry' }).isVisible()).toBe(true);
    await noSeriousViolations(page);
    await shot(page, 'chatkit-error');
    await alert.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => requests.filter((r) => r.type === 'threads.retry_after_item').length).toBe(2);
    await alert.waitFor();
    await context.close();
  });

  it('lists threads to switch between, renames and deletes one, and pages a long history', async () => {
    const { page, context, user } = await parley({ locale: 'en' });
    // A long thread made through the core (22 exchanges: 44 items), and a short one from the page.
    const kit = createChatKit({ api: { url: `${server.url}/chatkit`, getClientSecret: () => mint(user) } });
    for (let i = 1; i <= 22; i++) await kit.sendUserMessage({ text: `line ${i}` });
    const long = kit.state.threadId!;
    await kit.renameThread(long, 'Long thread');
    kit.dispose();
    await say(page, 'short one');
    await items(page, 'assistant_message').filter({ hasText: 'Echo: short one' }).waitFor();

    const row = page.locator(`parley-chatkit nav li[data-thread-id="${long}"]`);
    await row.getByRole('button', { name: 'Long thread', exact: true }).click();
    await items(page, 'assistant_message').filter({ hasText: 'Echo: line 22' }).waitFor();
    expect(await items(page, 'user_message').count()).toBe(10);
    await page.getByRole('button', { name: 'Show earlier messages' }).click();
    await expect.poll(() => items(page, 'user_message').count()).toBe(20);
    await page.getByRole('button', { name: 'Show earlier messages' }).click();
    await expect.poll(() => items(page, 'user_message').count()).toBe(22);
    await page.getByRole('button', { name: 'Show earlier messages' }).waitFor({ state: 'detached' });
    expect(await textOf(page, 'user_message', 0)).toBe('line 1');
    await noSeriousViolations(page);
    await shot(page, 'chatkit-history');

    await row.getByRole('button', { name: 'Rename Long thread' }).click();
    const field = page.getByRole('textbox', { name: 'New title' });
    await field.fill('Renamed thread');
    await field.press('Enter');
    await page.locator('parley-chatkit main h2').filter({ hasText: 'Renamed thread' }).waitFor();
    await row.getByRole('button', { name: 'Renamed thread', exact: true }).waitFor();

    await row.getByRole('button', { name: 'Delete Renamed thread' }).click();
    await row.waitFor({ state: 'detached' });
    await page.locator('parley-chatkit main h2').filter({ hasText: 'New conversation' }).waitFor();
    expect(await page.locator('parley-chatkit nav li').count()).toBe(1);
    await context.close();
  });

  it('speaks Russian and Chinese, and takes the dark theme', async () => {
    const ru = await parley({ locale: 'ru', theme: 'dark' });
    await ru.page.getByRole('button', { name: 'Новый разговор' }).waitFor();
    await ru.page.getByPlaceholder('Сообщение ассистенту…').waitFor();
    expect(await ru.page.locator('parley-chatkit').getAttribute('theme')).toBe('dark');
    await noSeriousViolations(ru.page);
    await shot(ru.page, 'chatkit-ru-dark');
    await ru.context.close();
    const zh = await parley({ locale: 'zh' });
    await zh.page.getByRole('button', { name: '新对话' }).waitFor();
    await zh.context.close();
  });
});

describe('<parley-chatkit> attachments, against Parley', { timeout: 90_000 }, () => {
  it('uploads a file in two phases to Parley and sends it; the stored message carries it in both faces', async () => {
    const { page, context, user } = await parley();
    await page.locator('parley-chatkit input[type=file]').setInputFiles({
      name: 'minutes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('minutes of the meeting\n'),
    });
    await page.locator('parley-chatkit .upload[data-done="true"]').waitFor();
    await say(page, 'the minutes');
    const sent = items(page, 'user_message').filter({ hasText: 'the minutes' });
    await sent.getByText('minutes.txt').waitFor();
    await items(page, 'assistant_message').filter({ hasText: 'Echo: the minutes' }).waitFor();
    // The Chat API face of the same thread holds the file as an ordinary attachment.
    const threadId = await page.evaluate(() => sessionStorage.getItem('thread'));
    const res = await fetch(`${server.url}/api/v1/dialogs/${threadId}/messages`, {
      headers: { authorization: `Bearer ${await mint(user)}` },
    });
    const body = (await res.json()) as { data: { messages: Array<{ attachments?: Array<{ filename: string }> }> } };
    expect(res.status, JSON.stringify(body)).toBe(200);
    const files = body.data.messages.flatMap((m) => m.attachments ?? []);
    expect(files.map((f) => f.filename)).toEqual(['minutes.txt']);
    await noSeriousViolations(page);
    await context.close();
  });
});

describe('<parley-chatkit> attachments, against chatkit-node-backend-sdk', { timeout: 90_000 }, () => {
  it('uploads with byte progress, can cancel an upload, and sends the stored file with the message', async () => {
    const { page, context } = await openChatKit(browser, pages, { bundle: `${server.url}/ui/parley-ui.js`, api: sdk.url, mode: 'custom' });
    // A slow uplink, so the upload is seen part way (Chromium's own throttling; no server trick).
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 512 * 1024,
    });
    const big = { name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(1536 * 1024, 7) };

    // Cancel one part way: it disappears and nothing is attached.
    await page.locator('parley-chatkit input[type=file]').setInputFiles(big);
    const bar = page.getByRole('progressbar', { name: /Uploading big\.bin/ });
    await expect.poll(async () => Number((await bar.getAttribute('value').catch(() => '0')) ?? 0)).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Cancel upload of big.bin' }).click();
    await page.locator('parley-chatkit .upload').waitFor({ state: 'detached' });

    // Upload another, watching the bar: it moves through values between 0 and 100 before it is stored.
    await page.locator('parley-chatkit input[type=file]').setInputFiles({ ...big, name: 'report.bin' });
    const values = new Set<number>();
    const done = page.locator('parley-chatkit .upload[data-done="true"]');
    while ((await done.count()) === 0) {
      const v = await page
        .getByRole('progressbar', { name: /Uploading report\.bin/ })
        .getAttribute('value', { timeout: 500 })
        .catch(() => null);
      if (v !== null) values.add(Number(v));
    }
    expect(
      [...values].some((v) => v > 0 && v < 100),
      `progress seen: ${[...values].join(',')}`,
    ).toBe(true);
    await shot(page, 'chatkit-upload');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    await say(page, 'with a file');
    const sent = items(page, 'user_message').filter({ hasText: 'with a file' });
    await sent.getByText('report.bin').waitFor();
    await items(page, 'assistant_message').filter({ hasText: 'Echo: with a file' }).waitFor();
    expect(sdk.uploads.filter((u) => u.startsWith('POST /upload/'))).toHaveLength(1);
    await noSeriousViolations(page);
    await shot(page, 'chatkit-attachment-sent');
    await context.close();
  });
});
