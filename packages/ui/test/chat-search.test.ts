/**
 * Message search in Chromium: typing in the dialog list's search box shows the matching messages of the user's
 * dialogs (and none of a dialog they are not in) with the match highlighted and hostile HTML inert, and picking a
 * hit opens its dialog at that message, far back in the history.
 */
import { describe, expect, it } from 'vitest';
import { axe, shot, signIn, useDemo } from './support/browser.js';

let dialogId: string;
const ids: string[] = [];
const HOSTILE =
  '<p>The <b>zanzibar</b> crates &lt;script&gt;window.__pwned = 1&lt;/script&gt; <img src="x" onerror="window.__pwned = 1"> arrived</p>';

const NAMES: Record<string, string> = { alice: 'Alice Martin', bob: 'Bob Stone', carol: 'Carol Li' };
async function dialog(objectId: string, title: string, users: string[]): Promise<string> {
  const res = await env.demo.server.admin.post('/api/v1/management/dialogs', {
    object_type: 'case',
    object_id: objectId,
    title,
    participants: users.map((user_id) => ({ user_id, display_name: NAMES[user_id] })),
    access_scopes: [{ scope_level0: ['demo'], scope_level1: ['logistics'] }],
  });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body.data.id;
}

const env = useDemo(async ({ demo }) => {
  dialogId = await dialog('search-1', 'Zanzibar shipment', ['alice', 'bob']);
  const bob = await demo.server.user('bob');
  for (let i = 1; i <= 80; i++) {
    const res = await bob.post(`/api/v1/dialogs/${dialogId}/messages`, { content: i === 5 ? HOSTILE : `<p>Line ${i}</p>` });
    expect(res.status).toBe(200);
    ids.push(res.body.data.id);
  }
  // The same word in a dialog Alice is not in: she must not find it.
  const other = await dialog('search-2', 'Not for Alice', ['bob', 'carol']);
  expect((await bob.post(`/api/v1/dialogs/${other}/messages`, { content: '<p>zanzibar elsewhere</p>' })).status).toBe(200);
});

describe('message search', { timeout: 90_000 }, () => {
  it('shows the hits of a search as the user types, and opens the dialog at the picked message', async () => {
    const alice = await signIn(env.browser, env.demo, 'alice');
    const { page } = alice;
    await page.getByRole('searchbox', { name: 'Search chats' }).click();
    await page.keyboard.type('zanz'); // the last word matches as a prefix while it is typed
    const hits = page.locator('parley-search-hits [data-search-hit]');
    const hit = page.locator(`parley-search-hits [data-search-hit="${ids[4]}"]`);
    await hit.waitFor();
    expect(await hits.count()).toBe(1);
    expect(await hit.locator('.title').textContent()).toBe('Zanzibar shipment');
    // The match is marked; the message's markup arrives as text, never as elements.
    expect(await hit.locator('mark').allTextContents()).toEqual(['zanzibar']);
    expect(await hit.locator('.snippet').evaluate((el) => [...el.querySelectorAll('*')].map((e) => e.tagName))).toEqual(['MARK']);
    expect(await hit.locator('.snippet').textContent()).toContain('crates');
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    await shot(page, 'search-hits');
    expect(await axe(page)).toEqual([]);

    // A word no message has: the list says so.
    await page.keyboard.type('qqq');
    await page.locator('parley-search-hits .empty').waitFor();
    expect(await hits.count()).toBe(0);
    for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace');
    await hit.click();

    // Line 5 is far older than the latest page the dialog opens on: the thread loads the page around it.
    const target = page.locator(`parley-thread [data-message-id="${ids[4]}"]`);
    await target.waitFor();
    expect(await target.textContent()).toContain('zanzibar');
    expect(await page.locator(`parley-thread [data-message-id="${ids[1]}"]`).count()).toBe(1);
    const visible = await target.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const scroller = (el.getRootNode() as ShadowRoot).querySelector('.scroller')!.getBoundingClientRect();
      return box.bottom > scroller.top && box.top < scroller.bottom;
    });
    expect(visible).toBe(true);
    await alice.context.close();
  });
});
