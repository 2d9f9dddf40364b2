/**
 * Agent replies in the full chat, in Chromium, with Parley's built-in demo agent in the demo's assistant dialog:
 * a reply streams in and becomes the stored message without a gap or a duplicate, a second device that opens the
 * dialog mid-stream sees the partial reply, stop, a widget whose action the server runs, an agent error, and a
 * client tool call answered by the host page's `onClientTool` on the device that asked.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axe, message, send, shot, signIn, useDemo } from './support/browser.js';

const env = useDemo();

const assistant = () => env.demo.host.assistantDialogs;
const streaming = (page: Page) => page.locator('parley-thread .msg.streaming');
/** The stored messages of the demo agent in the open thread. */
const agentReplies = (page: Page) =>
  page.locator('parley-thread .msg[data-message-id]').filter({ has: page.locator('.sender', { hasText: 'Demo assistant' }) });

/**
 * Records, after every change of the open thread's DOM, how many messages (streaming or stored) contain `needle`:
 * once the reply appeared the count must stay exactly 1 (0 is a flicker, 2 a duplicate).
 */
async function watchReplies(page: Page, needle: string): Promise<void> {
  await page.evaluate((needle) => {
    const find = (root: Document | ShadowRoot): ShadowRoot | undefined => {
      for (const el of root.querySelectorAll('*')) {
        if (el.tagName === 'PARLEY-THREAD' && el.shadowRoot) return el.shadowRoot;
        if (el.shadowRoot) {
          const inner = find(el.shadowRoot);
          if (inner) return inner;
        }
      }
      return undefined;
    };
    const root = find(document)!;
    const counts: number[] = [];
    (window as unknown as { replyCounts: number[] }).replyCounts = counts;
    new MutationObserver(() => {
      counts.push([...root.querySelectorAll('.msg')].filter((m) => m.textContent?.includes(needle)).length);
    }).observe(root, { subtree: true, childList: true, characterData: true });
  }, needle);
}

async function expectNoSeriousViolations(page: Page): Promise<void> {
  expect(await axe(page)).toEqual([]);
}

describe('agent replies in the chat', { timeout: 90_000 }, () => {
  it('streams a reply in and replaces it by the stored message without a gap or a duplicate', async () => {
    const alice = await signIn(env.browser, env.demo, 'alice');
    await alice.page.locator(`[data-dialog-id="${assistant().alice}"]`).click();
    await alice.page.locator('parley-thread .scroller').waitFor();
    await watchReplies(alice.page, 'Echo: hel');
    await send(alice.page, 'hello');

    const reply = message(alice.page, 'Echo: hello');
    await reply.waitFor();
    await streaming(alice.page).waitFor({ state: 'detached' });
    expect(await reply.count()).toBe(1);
    expect(await reply.locator('.sender').textContent()).toBe('Demo assistant');
    const counts = await alice.page.evaluate(() => (window as unknown as { replyCounts: number[] }).replyCounts);
    const seen = counts.slice(counts.findIndex((n) => n > 0));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((n) => n === 1)).toBe(true);
    await expectNoSeriousViolations(alice.page);
    await shot(alice.page, 'agent-reply');
    await alice.context.close();
  });

  it('shows a reply growing, also to a device that opens the dialog mid-stream, and stops one', async () => {
    // A short window, so the replies overflow the thread and following the growing one matters.
    const first = await signIn(env.browser, env.demo, 'alice', '/chat', { width: 1200, height: 520 });
    const second = await signIn(env.browser, env.demo, 'alice');
    await first.page.locator(`[data-dialog-id="${assistant().alice}"]`).click();
    await first.page.locator('parley-thread .scroller').waitFor();
    await send(first.page, '/slow');

    // The reply grows on the first device, one character at a time, with a stop button.
    const growing = streaming(first.page).locator('.content');
    await growing.filter({ hasText: /^sl/ }).waitFor();
    expect(await first.page.getByRole('button', { name: 'Stop the reply' }).isVisible()).toBe(true);

    // The second device was connected but had not opened the dialog: it sees the reply so far, then the rest.
    await second.page.locator(`[data-dialog-id="${assistant().alice}"]`).click();
    const partial =
      (
        await streaming(second.page)
          .locator('.content')
          .textContent({ timeout: 1500 })
          .catch(() => null)
      )?.trim() ?? '';
    await message(second.page, 'slow reply').waitFor();
    expect(await message(second.page, 'slow reply').count()).toBe(1);
    expect(await streaming(second.page).count()).toBe(0);
    // It was opened after "sl" had streamed: those characters come from the client's store, not from later events.
    expect(partial.length).toBeGreaterThanOrEqual(2);
    expect('slow reply'.startsWith(partial), `partial reply ${JSON.stringify(partial)}`).toBe(true);
    // The screen while a reply streams (stop button and all), usually still streaming by now.
    await expectNoSeriousViolations(first.page);
    await message(first.page, 'slow reply').waitFor();
    await first.page.getByRole('button', { name: 'Stop the reply' }).waitFor({ state: 'detached' });

    // Again, and stop it part way: what was streamed stays as the message, for both devices.
    const before = await agentReplies(first.page).count();
    await send(first.page, '/slow');
    await growing.filter({ hasText: /^slo/ }).waitFor();
    await shot(first.page, 'agent-streaming');
    // The thread follows the growing reply: its bubble is inside the scroller's visible area.
    const inView = await streaming(first.page).evaluate((el) => {
      const box = el.getBoundingClientRect();
      const view = el.closest('.scroller')!.getBoundingClientRect();
      return box.top >= view.top && box.bottom <= view.bottom + 1;
    });
    expect(inView).toBe(true);
    await first.page.getByRole('button', { name: 'Stop the reply' }).click();
    await first.page.getByRole('button', { name: 'Stop the reply' }).waitFor({ state: 'detached' });
    await streaming(first.page).waitFor({ state: 'detached' });
    await expect.poll(() => agentReplies(first.page).count()).toBe(before + 1);
    const stopped = (await agentReplies(first.page).last().locator('.content').textContent())!.trim();
    expect(stopped.length).toBeGreaterThanOrEqual(3);
    expect(stopped.length).toBeLessThan('slow reply'.length);
    expect('slow reply'.startsWith(stopped)).toBe(true);
    await expect.poll(async () => (await agentReplies(second.page).last().locator('.content').textContent())?.trim()).toBe(stopped);
    expect(await agentReplies(second.page).count()).toBe(before + 1);
    await expectNoSeriousViolations(first.page);
    await shot(first.page, 'agent-stopped');
    await first.context.close();
    await second.context.close();
  });

  it('renders a widget and sends its action to the server, which runs it', async () => {
    const alice = await signIn(env.browser, env.demo, 'alice');
    await alice.page.locator(`[data-dialog-id="${assistant().alice}"]`).click();
    await alice.page.locator('parley-thread .scroller').waitFor();
    await send(alice.page, '/widget');
    const widget = alice.page.locator('parley-thread .msg[data-message-id] parley-widget');
    await widget.getByText('Approve this order?').waitFor();
    await expectNoSeriousViolations(alice.page);
    await shot(alice.page, 'agent-widget');

    await widget.getByRole('button', { name: 'Approve' }).click();
    await widget.getByText('Approved by Alice Martin').waitFor();
    await message(alice.page, 'Approved.').filter({ hasNotText: 'Approved by' }).waitFor();
    expect(await widget.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    // The stored widget renders from its item after a reload too.
    await alice.page.reload();
    await alice.page.locator(`[data-dialog-id="${assistant().alice}"]`).click();
    await alice.page.locator('parley-thread .msg[data-message-id] parley-widget').getByText('Approved by Alice Martin').waitFor();
    await shot(alice.page, 'agent-widget-approved');
    await alice.context.close();
  });

  it('shows an agent error', async () => {
    const alice = await signIn(env.browser, env.demo, 'alice');
    await alice.page.locator(`[data-dialog-id="${assistant().alice}"]`).click();
    await alice.page.locator('parley-thread .scroller').waitFor();
    await send(alice.page, '/fail');
    const alert = alice.page.locator('parley-thread .agent-bar [role=alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Demo assistant could not answer');
    await expectNoSeriousViolations(alice.page);
    await shot(alice.page, 'agent-error');
    await alert.getByRole('button', { name: 'Dismiss' }).click();
    await alert.waitFor({ state: 'detached' });
    await alice.context.close();
  });

  it("answers a client tool call with the host page's onClientTool, on the device that asked only", async () => {
    const asker = await signIn(env.browser, env.demo, 'alice');
    const other = await signIn(env.browser, env.demo, 'alice');
    for (const { page } of [asker, other]) {
      // The host page's tool: records each call and answers with where the user is.
      await page.evaluate(() => {
        const calls: unknown[] = [];
        (window as unknown as { toolCalls: unknown[] }).toolCalls = calls;
        const chat = document.querySelector('parley-chat') as HTMLElement & { onClientTool?: (call: unknown) => unknown };
        chat.onClientTool = async (call) => {
          calls.push(call);
          return { city: 'Lisbon' };
        };
      });
      await page.locator(`[data-dialog-id="${assistant().alice}"]`).click();
      await page.locator('parley-thread .scroller').waitFor();
    }
    await send(asker.page, '/tool');
    const result = 'Tool result: {"city":"Lisbon"}';
    await message(asker.page, result).waitFor();
    await message(other.page, result).waitFor();
    expect(await message(asker.page, 'Tool: get_location').count()).toBe(1);
    const calls = (page: Page) => page.evaluate(() => (window as unknown as { toolCalls: unknown[] }).toolCalls);
    expect(await calls(asker.page)).toEqual([
      { dialogId: assistant().alice, itemId: expect.any(String), name: 'get_location', arguments: {} },
    ]);
    // The other device of the same user saw the call but did not answer it a second time.
    expect(await calls(other.page)).toEqual([]);
    expect(await axe(asker.page)).toEqual([]);
    await shot(asker.page, 'agent-client-tool');
    await asker.context.close();
    await other.context.close();
  });
});
