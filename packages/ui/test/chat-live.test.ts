/**
 * The full chat in Chromium, driven through the demo host app: two people chatting live in two browser contexts,
 * unread badges and read state, reply / edit / delete, and a mention that the demo's support agent answers.
 */
import { describe, expect, it } from 'vitest';
import { axe, message, send, shot, signIn, composer, useDemo } from './support/browser.js';

const env = useDemo();

describe('full chat, two people', { timeout: 90_000 }, () => {
  it('delivers live, shows unread badges, and read state once the other side reads', async () => {
    const alice = await signIn(env.browser, env.demo, 'alice');
    const bob = await signIn(env.browser, env.demo, 'bob');
    const order = env.demo.host.dialogs['1001']!;

    await alice.page.locator(`[data-dialog-id="${order}"]`).click();
    await send(alice.page, 'Hello Bob, where is my order?');
    await message(alice.page, 'Hello Bob, where is my order?').waitFor();

    // Bob has not opened the chat: the list shows an unread badge for it.
    const badge = bob.page.locator(`[data-dialog-id="${order}"] .badge`);
    await badge.waitFor();
    expect(await badge.textContent()).toBe('1');
    expect(await alice.page.locator('.msg.own .read-state').last().getAttribute('data-read')).toBe('false');
    await shot(bob.page, 'unread-badge');

    // Bob opens it: the message is there, the badge goes, and Alice sees it read.
    await bob.page.locator(`[data-dialog-id="${order}"]`).click();
    await message(bob.page, 'Hello Bob, where is my order?').waitFor();
    await badge.waitFor({ state: 'detached' });
    await alice.page.locator('.msg.own .read-state[data-read="true"]').last().waitFor();

    // Bob answers; Alice gets it live.
    await send(bob.page, 'Hi Alice, it ships today.');
    await message(alice.page, 'Hi Alice, it ships today.').waitFor();
    // Alice has the chat open at the bottom: the new message is marked read, no badge appears for long.
    await alice.page.locator(`[data-dialog-id="${order}"] .badge`).waitFor({ state: 'detached' });
    await shot(alice.page, 'full-chat');
    expect(await axe(alice.page)).toEqual([]);
    await alice.context.close();
    await bob.context.close();
  });

  it('replies with a quoted preview, edits and deletes own messages', async () => {
    const alice = await signIn(env.browser, env.demo, 'alice');
    const bob = await signIn(env.browser, env.demo, 'bob');
    const order = env.demo.host.dialogs['1002']!;
    for (const p of [alice.page, bob.page]) await p.locator(`[data-dialog-id="${order}"]`).click();
    await send(bob.page, 'Which colour do you want?');
    const question = message(alice.page, 'Which colour do you want?');
    await question.waitFor();

    await question.hover();
    await question.getByRole('button', { name: 'Reply' }).click();
    await alice.page.getByText('Replying to Bob Stone').waitFor();
    await send(alice.page, 'Black, please');
    const reply = message(bob.page, 'Black, please');
    await reply.waitFor();
    expect(await reply.locator('.quote').textContent()).toContain('Which colour do you want?');

    // Edit: the composer takes the text; the new text reaches Bob, marked edited.
    const mine = message(alice.page, 'Black, please');
    await mine.hover();
    await mine.getByRole('button', { name: 'Edit' }).click();
    await alice.page.getByText('Editing message').waitFor();
    await composer(alice.page).click();
    await alice.page.keyboard.press('End');
    await alice.page.keyboard.type(' (matte)');
    await alice.page.keyboard.press('Enter');
    await message(bob.page, 'Black, please (matte)').getByText('edited').waitFor();

    // Delete: gone on both sides.
    alice.page.once('dialog', (d) => void d.accept());
    const edited = message(alice.page, 'Black, please (matte)');
    await edited.hover();
    await edited.getByRole('button', { name: 'Delete' }).click();
    await message(bob.page, 'Black, please (matte)').waitFor({ state: 'detached' });
    await message(alice.page, 'Black, please (matte)').waitFor({ state: 'detached' });
    // Only own messages can be edited or deleted.
    const theirs = message(alice.page, 'Which colour do you want?');
    await theirs.hover();
    expect(await theirs.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await shot(bob.page, 'reply-edit-delete');
    await alice.context.close();
    await bob.context.close();
  });

  it('mentions a participant from the list the dialog offers, and the demo agent answers the mention', async () => {
    const alice = await signIn(env.browser, env.demo, 'alice');
    const order = env.demo.host.dialogs['1003']!;
    // A slow network: the dialog's participants arrive only after Alice has typed the @ and the first letters.
    let release!: () => void;
    const typed = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held = 0;
    await alice.page.route(`**/api/v1/dialogs/${order}/participants`, async (route) => {
      held++;
      await typed;
      await route.continue();
    });
    await alice.page.locator(`[data-dialog-id="${order}"]`).click();
    await composer(alice.page).click();
    await alice.page.keyboard.type('Hi @Sa');
    release();
    expect(held).toBeGreaterThan(0);
    const options = alice.page.getByRole('listbox', { name: 'People to mention' }).getByRole('option');
    await options.first().waitFor();
    // Only the dialog's participants are offered (never Carol, who is not in it), and never oneself.
    const offered = await options.allTextContents();
    expect(offered.map((s) => s.trim())).toEqual(['Sam (support agent)']);
    await alice.page.keyboard.press('Enter');
    await alice.page.keyboard.type('is it delivered?');
    await alice.page.keyboard.press('Enter');
    const sent = message(alice.page, 'is it delivered?');
    await sent.locator('[data-type="mention"][data-id="agent-sam"]').waitFor();
    // The host received message.new by webhook and its agent replied, quoting the mention.
    const answer = message(alice.page, 'Order #1003');
    await answer.waitFor({ timeout: 20_000 });
    expect(await answer.locator('.quote').textContent()).toContain('is it delivered?');
    expect(env.demo.host.log.some((e) => e.event === 'message.new' && e.verified)).toBe(true);
    await shot(alice.page, 'mention-agent');
    await alice.context.close();
  });
});
