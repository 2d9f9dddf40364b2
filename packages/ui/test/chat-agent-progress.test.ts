/**
 * An external agent's progress updates and errors in the full chat, in Chromium. The agent is a scripted HTTP
 * agent service on 127.0.0.1 that speaks Parley's agent protocol (spec agents.md §2: signed POST, ChatKit events
 * as SSE) and stands in for an LLM: a progress update shows in the bar above the composer until the reply
 * streams in; an error the agent streams, and an agent that answers 503, show as an alert, and nothing
 * half-streamed stays.
 */
import type http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { FakeAgent, frame, sse, type Script } from '../../server/test/support/fake-agent.js';
import { registerAgent } from '../../server/test/support/agents.js';
import { createDialog } from '../../server/test/support/fixtures.js';
import { axe, message, send, shot, signIn, useDemo } from './support/browser.js';

const SECRET = 'ui-test-agent-secret-0123456789abcdef';
const now = () => new Date().toISOString();
const reply = (id: string, text: string) => ({
  id,
  thread_id: 'thr_agent',
  created_at: now(),
  type: 'assistant_message',
  content: text ? [{ type: 'output_text', text, annotations: [] }] : [],
});
const delta = (id: string, d: string) => ({
  type: 'thread.item.updated',
  item_id: id,
  update: { type: 'assistant_message.content_part.text_delta', content_index: 0, delta: d },
});

/** Lets a held reply go on: the test releases it once it saw the progress update on screen. */
let release: () => void = () => {};

const SCRIPTS: Record<string, Script> = {
  'find chairs': (_call, res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(frame({ type: 'progress_update', text: 'Searching the catalogue…', icon: 'search' }));
    new Promise<void>((resolve) => (release = resolve)).then(() => {
      for (const f of [
        { type: 'thread.item.added', item: reply('r1', '') },
        delta('r1', 'Found 3 '),
        delta('r1', 'office chairs.'),
        { type: 'thread.item.done', item: reply('r1', 'Found 3 office chairs.') },
      ])
        res.write(frame(f));
      res.end();
    });
  },
  'break please': (_call, res) =>
    sse(res, [
      { type: 'thread.item.added', item: reply('r2', '') },
      delta('r2', 'Half an ans'),
      { type: 'error', code: 'catalogue.down', message: 'The catalogue is offline', allow_retry: true },
    ]),
  'are you there': (_call, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end('{"error":"down"}');
  },
};

let agent: FakeAgent;
let dialogId = '';
beforeAll(async () => {
  agent = await new FakeAgent(SECRET, (text) => SCRIPTS[text] ?? SCRIPTS['are you there']!).start();
});
const env = useDemo(async ({ demo }) => {
  const bot = await registerAgent(demo.server, {
    id: 'catalogue',
    kind: 'http',
    display_name: 'Catalogue agent',
    url: agent.url,
    secret: SECRET,
  });
  dialogId = (
    await createDialog(demo.server, {
      object_type: 'catalogue',
      object_id: 'alice',
      title: 'Catalogue questions',
      participants: [{ user_id: 'alice', display_name: 'Alice Martin' }, { user_id: `agent:${bot}` } as never],
      access_scopes: [{ scope_level0: ['demo'], scope_level1: ['logistics'] }] as never,
    })
  ).id;
});
afterAll(async () => {
  await agent?.close();
});
// A held reply never outlives its test (the dialog's next reply would wait behind it).
afterEach(() => release());

async function openAgentDialog(): Promise<{ page: Page; close(): Promise<void> }> {
  const alice = await signIn(env.browser, env.demo, 'alice');
  await alice.page.locator(`[data-dialog-id="${dialogId}"]`).click();
  await alice.page.locator('parley-thread .scroller').waitFor();
  return { page: alice.page, close: () => alice.context.close() };
}

const bar = (page: Page) => page.locator('parley-thread .agent-bar');

describe('an HTTP agent in the chat', { timeout: 90_000 }, () => {
  it('shows its progress update until the reply streams in', async () => {
    const alice = await openAgentDialog();
    await send(alice.page, 'find chairs');
    const status = bar(alice.page).locator('[role=status]');
    await status.filter({ hasText: 'Searching the catalogue…' }).waitFor();
    expect(await alice.page.getByRole('button', { name: 'Stop the reply' }).isVisible()).toBe(true);
    expect(await axe(alice.page)).toEqual([]);
    await shot(alice.page, 'agent-progress');

    release();
    await message(alice.page, 'Found 3 office chairs.').waitFor();
    await status.waitFor({ state: 'detached' });
    expect(await message(alice.page, 'Found 3 office chairs.').locator('.sender').textContent()).toBe('Catalogue agent');
    await alice.close();
  });

  it('shows the error an agent streams, and keeps nothing half-streamed', async () => {
    const alice = await openAgentDialog();
    await send(alice.page, 'break please');
    const alert = bar(alice.page).locator('[role=alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Catalogue agent could not answer: The catalogue is offline');
    await alice.page.locator('parley-thread .msg.streaming').waitFor({ state: 'detached' });
    expect(await alice.page.locator('parley-thread .msg', { hasText: 'Half an ans' }).count()).toBe(0);
    expect(await axe(alice.page)).toEqual([]);
    await shot(alice.page, 'agent-error-streamed');
    await alert.getByRole('button', { name: 'Dismiss' }).click();
    await alert.waitFor({ state: 'detached' });

    // An agent service that is down (503) is an error too, without a detail the agent never gave.
    await send(alice.page, 'are you there');
    await alert.waitFor();
    expect((await alert.textContent())?.trim()).toContain('Catalogue agent could not answer');
    await alice.close();
  });
});
