/**
 * A long dialog in Chromium: the first unread message and the jump to it, infinite scroll up (older pages) and,
 * after jumping to a replied message far back, down (newer pages); pin and archive from the info panel.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { message, shot, signIn, useDemo } from './support/browser.js';

let dialogId: string;
const ids: string[] = [];

const env = useDemo(async ({ demo }) => {
  const created = await demo.server.admin.post('/api/v1/management/dialogs', {
    object_type: 'case',
    object_id: 'history-1',
    title: 'Long history',
    participants: [
      { user_id: 'alice', display_name: 'Alice Martin' },
      { user_id: 'bob', display_name: 'Bob Stone' },
    ],
    access_scopes: [{ scope_level0: ['demo'], scope_level1: ['logistics'] }],
  });
  dialogId = created.body.data.id;
  const bob = await demo.server.user('bob');
  for (let i = 1; i <= 130; i++) {
    const body =
      i === 130 ? { content: `<p>Line ${i}: answering your first question</p>`, reply_to: ids[4] } : { content: `<p>Line ${i}</p>` };
    const res = await bob.post(`/api/v1/dialogs/${dialogId}/messages`, body);
    expect(res.status).toBe(200);
    ids.push(res.body.data.id);
  }
  // Alice has read up to line 100: 30 unread.
  const alice = await demo.server.user('alice');
  expect((await alice.post(`/api/v1/dialogs/${dialogId}/read`, { last_read_message_id: ids[99] })).status).toBeLessThan(300);
});

const scroller = (page: Page) => page.locator('parley-thread .scroller');
const byId = (page: Page, index: number) => page.locator(`parley-thread [data-message-id="${ids[index]}"]`);
const loaded = (page: Page) => page.locator('parley-thread .msg[data-message-id]').count();

/** Scrolls the thread to its top or bottom and waits until the next page has joined the loaded messages. */
async function scrollForMore(page: Page, to: 'top' | 'bottom'): Promise<void> {
  const count = await loaded(page);
  await scroller(page).evaluate((el, to) => (el.scrollTop = to === 'top' ? 0 : el.scrollHeight), to);
  await page.waitForFunction(
    (n) =>
      document
        .querySelector('parley-chat')!
        .shadowRoot!.querySelector('parley-thread')!
        .shadowRoot!.querySelectorAll('.msg[data-message-id]').length > n,
    count,
  );
}

describe('a long dialog', { timeout: 90_000 }, () => {
  it('opens at the first unread message, and loads older pages when scrolled to the top', async () => {
    const alice = await signIn(env.browser, env.demo, 'alice');
    expect(await alice.page.locator(`[data-dialog-id="${dialogId}"] .badge`).textContent()).toBe('30');
    await alice.page.locator(`[data-dialog-id="${dialogId}"]`).click();
    await message(alice.page, 'Line 101').waitFor();
    // The "new messages" line sits right before line 101.
    const before = await alice.page.locator('parley-thread .unread-line + .msg').getAttribute('data-message-id');
    expect(before).toBe(ids[100]);
    expect(await loaded(alice.page)).toBe(50);
    // Scroll to the top, page after page, until the first message is loaded.
    for (let n = 0; n < 5 && (await byId(alice.page, 0).count()) === 0; n++) {
      await scrollForMore(alice.page, 'top');
    }
    await byId(alice.page, 0).waitFor();
    expect(await loaded(alice.page)).toBe(130);
    await shot(alice.page, 'history-top');
    await alice.context.close();
  });

  it('jumps to a replied message far back, then loads newer pages when scrolled down', async () => {
    const alice = await signIn(env.browser, env.demo, 'alice');
    await alice.page.locator(`[data-dialog-id="${dialogId}"]`).click();
    const reply = message(alice.page, 'answering your first question');
    await reply.waitFor();
    await reply.locator('.quote').click();
    await byId(alice.page, 4).waitFor();
    expect(await byId(alice.page, 128).count()).toBe(0);
    await alice.page.getByRole('button', { name: 'Jump to latest' }).waitFor();
    // Scroll down, page after page, until the newest message is loaded again.
    for (let n = 0; n < 10 && (await message(alice.page, 'Line 129').count()) === 0; n++) {
      await scrollForMore(alice.page, 'bottom');
    }
    await message(alice.page, 'Line 129').waitFor();
    await alice.context.close();
  });

  it('pins, archives, mutes and leaves a dialog from the info panel', async () => {
    const alice = await signIn(env.browser, env.demo, 'alice');
    const items = alice.page.locator('parley-dialog-list li button');
    await alice.page.locator(`[data-dialog-id="${env.demo.host.dialogs['1003']}"]`).click();
    await alice.page.getByRole('button', { name: 'Chat info' }).click();
    await alice.page.getByRole('button', { name: 'Pin', exact: true }).click();
    await alice.page.getByRole('button', { name: 'Unpin' }).waitFor();
    await alice.page.waitForFunction(
      (id) =>
        document
          .querySelector('parley-chat')!
          .shadowRoot!.querySelector('parley-dialog-list')!
          .shadowRoot!.querySelector('li button')!
          .getAttribute('data-dialog-id') === id,
      env.demo.host.dialogs['1003'],
    );
    expect(await items.first().getByRole('img', { name: 'Pinned' }).count()).toBe(1);
    await alice.page.getByRole('button', { name: 'Archive' }).click();
    await alice.page.locator(`parley-dialog-list [data-dialog-id="${env.demo.host.dialogs['1003']}"]`).waitFor({ state: 'detached' });
    await alice.page.getByRole('tab', { name: 'Archived' }).click();
    await alice.page.locator(`parley-dialog-list [data-dialog-id="${env.demo.host.dialogs['1003']}"]`).waitFor();

    // Notifications off, then leave: the server has both, and the dialog is gone from the lists.
    const id = env.demo.host.dialogs['1003']!;
    const api = await env.demo.server.user('alice');
    await alice.page.getByRole('checkbox', { name: 'Notifications' }).uncheck();
    await expect
      .poll(
        async () =>
          (await api.get(`/api/v1/dialogs/${id}/participants`)).body.data.find((p: any) => p.user_id === 'alice')?.notifications_enabled,
      )
      .toBe(false);
    await alice.page.getByRole('button', { name: 'Leave chat' }).click();
    await alice.page.locator(`parley-dialog-list [data-dialog-id="${id}"]`).waitFor({ state: 'detached' });
    expect((await api.get(`/api/v1/dialogs/${id}/participants`)).status).toBe(403);
    await alice.context.close();
  });
});
