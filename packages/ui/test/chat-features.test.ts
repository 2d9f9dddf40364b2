/**
 * The chat's other main screens in Chromium through the demo: the join flow, uploads (progress, cancel) and the
 * gallery, a message sent offline delivered once, locale and theme switching, and the inline mode at 360 px.
 */
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { axe, composer, message, send, shot, signIn, waitReady, useDemo } from './support/browser.js';

const env = useDemo();

describe('chat features', { timeout: 90_000 }, () => {
  it('lets a potential participant join from the Available tab with the profile form', async () => {
    const carol = await signIn(env.browser, env.demo, 'carol');
    const order = env.demo.host.dialogs['1002']!;
    expect(await carol.page.locator(`[data-dialog-id="${order}"]`).count()).toBe(0);
    await carol.page.getByRole('tab', { name: 'Available' }).click();
    await carol.page.locator(`[data-dialog-id="${order}"]`).click();
    const form = carol.page.getByRole('form', { name: 'Join this chat' });
    await form.waitFor();
    // The host's profile pre-fills the form.
    expect(await form.getByLabel('Your name').inputValue()).toBe('Carol Li');
    await shot(carol.page, 'join-form');
    expect(await axe(carol.page)).toEqual([]);
    await form.getByRole('button', { name: 'Join' }).click();
    await composer(carol.page).waitFor();
    await carol.page.locator('parley-thread .system').filter({ hasText: 'Carol Li (Parley Demo Logistics) joined the chat' }).waitFor();
    await carol.page.getByRole('tab', { name: 'My chats' }).click();
    await carol.page.locator(`parley-dialog-list [data-dialog-id="${order}"]`).waitFor();
    await carol.context.close();
  });

  it('uploads with progress and cancel, and shows images in a keyboard gallery', async () => {
    const alice = await signIn(env.browser, env.demo, 'alice');
    const order = env.demo.host.dialogs['1001']!;
    await alice.page.locator(`[data-dialog-id="${order}"]`).click();
    const input = alice.page.locator('[data-testid=file-input]');

    // A slow link: the upload shows its progress and can be cancelled.
    const cdp = await alice.context.newCDPSession(alice.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 100 * 1024,
    });
    await input.setInputFiles({ name: 'big.txt', mimeType: 'text/plain', buffer: Buffer.alloc(1024 * 1024, 'a') });
    const progress = alice.page.getByRole('progressbar', { name: 'Uploading big.txt' });
    await alice.page.waitForFunction(() => {
      const find = (root: Document | ShadowRoot): HTMLProgressElement | null =>
        root.querySelector('progress') ??
        [...root.querySelectorAll('*')].map((e) => (e.shadowRoot ? find(e.shadowRoot) : null)).find(Boolean) ??
        null;
      const p = find(document);
      return !!p && p.value > 0 && p.value < p.max;
    });
    await alice.page.getByRole('button', { name: 'Cancel upload of big.txt' }).click();
    await progress.waitFor({ state: 'detached' });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    const png = (color: string) =>
      sharp({ create: { width: 64, height: 48, channels: 3, background: color } })
        .png()
        .toBuffer();
    await input.setInputFiles([
      { name: 'red.png', mimeType: 'image/png', buffer: await png('#c62828') },
      { name: 'blue.png', mimeType: 'image/png', buffer: await png('#1f5fcc') },
    ]);
    await alice.page.locator('[data-upload-status="done"]').nth(1).waitFor();
    await send(alice.page, 'Photos of the damage');
    const sent = message(alice.page, 'Photos of the damage');
    await sent.locator('.thumb img').nth(1).waitFor();

    await sent.getByRole('button', { name: 'Open red.png' }).click();
    const gallery = alice.page.getByRole('dialog', { name: 'Image viewer' });
    await gallery.waitFor();
    await alice.page.keyboard.press('+');
    expect(await gallery.locator('img').getAttribute('data-zoom')).toBe('1.5');
    await alice.page.keyboard.press('ArrowRight');
    expect(await gallery.locator('img').getAttribute('alt')).toBe('blue.png');
    await shot(alice.page, 'gallery');
    expect(await axe(alice.page)).toEqual([]);
    await alice.page.keyboard.press('Escape');
    await gallery.waitFor({ state: 'detached' });
    await alice.context.close();
  });

  it('shows a message sent offline as pending and delivers it once when back online', async () => {
    const alice = await signIn(env.browser, env.demo, 'alice');
    const bob = await signIn(env.browser, env.demo, 'bob');
    const order = env.demo.host.dialogs['1003']!;
    for (const p of [alice.page, bob.page]) await p.locator(`[data-dialog-id="${order}"]`).click();
    await alice.context.setOffline(true);
    await send(alice.page, 'Sent from a tunnel');
    await alice.page.locator('[data-pending]').filter({ hasText: 'Sent from a tunnel' }).waitFor();
    await shot(alice.page, 'offline-pending');
    await alice.context.setOffline(false);
    await message(bob.page, 'Sent from a tunnel').waitFor({ timeout: 30_000 });
    await alice.page.locator('[data-pending]').waitFor({ state: 'detached', timeout: 30_000 });
    // Stored exactly once.
    const api = await env.demo.server.user('alice');
    const page = await api.get(`/api/v1/dialogs/${order}/messages?limit=100`);
    const copies = (page.body.data.messages as { content: string }[]).filter((m) => m.content.includes('Sent from a tunnel'));
    expect(copies).toHaveLength(1);
    expect(await message(alice.page, 'Sent from a tunnel').count()).toBe(1);
    await alice.context.close();
    await bob.context.close();
  });

  it('works from the keyboard alone: tabs, the list, the composer', async () => {
    const bob = await signIn(env.browser, env.demo, 'bob');
    await bob.page.getByRole('tab', { name: 'My chats' }).focus();
    await bob.page.keyboard.press('ArrowRight');
    expect(await bob.page.getByRole('tab', { name: 'Available' }).getAttribute('aria-selected')).toBe('true');
    await bob.page.keyboard.press('ArrowLeft');
    await bob.page.locator('parley-dialog-list li button').first().waitFor();
    await bob.page.getByLabel('Search chats').focus();
    await bob.page.keyboard.press('Tab');
    await bob.page.keyboard.press('Enter');
    // Focus moved to the composer of the dialog just opened: typing and Enter send.
    await composer(bob.page).waitFor();
    await bob.page.waitForFunction(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return el?.getAttribute('data-testid') === 'composer-input';
    });
    await bob.page.keyboard.type('Typed without a mouse');
    await bob.page.keyboard.press('Enter');
    await message(bob.page, 'Typed without a mouse').waitFor();
    await bob.context.close();
  });

  it('switches locale and theme live', async () => {
    const alice = await signIn(env.browser, env.demo, 'alice');
    await alice.page.getByLabel('Language').selectOption('ru');
    await alice.page.getByRole('tab', { name: 'Мои чаты' }).waitFor();
    await alice.page.getByLabel('Theme').selectOption('dark');
    const background = await alice.page.locator('parley-chat').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgb(23, 24, 28)');
    await alice.page.locator(`[data-dialog-id="${env.demo.host.dialogs['1001']}"]`).click();
    await alice.page.getByRole('button', { name: 'О чате' }).click();
    await alice.page.getByRole('heading', { name: 'Участники' }).waitFor();
    await shot(alice.page, 'dark-ru');
    expect(await axe(alice.page)).toEqual([]);
    await alice.page.getByLabel('Language').selectOption('zh');
    await alice.page.getByRole('tab', { name: '我的聊天' }).waitFor();
    await alice.context.close();
  });

  it('shows the order page with its inline chat at 360 px, and the full chat one pane at a time', async () => {
    const phone = { width: 360, height: 740 };
    const alice = await signIn(env.browser, env.demo, 'alice', '/orders/1001', phone);
    const inline = alice.page.locator('parley-chat[mode="inline"]');
    await inline.locator('parley-thread h2').filter({ hasText: 'Order #1001' }).waitFor();
    expect(await inline.locator('parley-dialog-list').count()).toBe(0);
    await send(alice.page, 'Sent from the order page');
    await message(alice.page, 'Sent from the order page').waitFor();
    const overflow = await alice.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(alice.page, 'inline-360');
    expect(await axe(alice.page)).toEqual([]);

    await alice.page.goto(env.demo.host.url + '/chat');
    await waitReady(alice.page);
    await alice.page.locator(`[data-dialog-id="${env.demo.host.dialogs['1001']}"]`).click();
    await message(alice.page, 'Sent from the order page').waitFor();
    expect(await alice.page.locator('parley-dialog-list').count()).toBe(0);
    await alice.page.getByRole('button', { name: 'Back to chats' }).click();
    await alice.page.locator('parley-dialog-list').waitFor();
    await shot(alice.page, 'full-360');
    await alice.context.close();
  });
});
