/**
 * ChatKit widgets (chatkit-protocol §4) rendered natively by <parley-widget> from the bundle Parley serves, in
 * Chromium: every component of the strict list plus Table, actions with form values, validation, and DOMPurify.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../../server/test/support/server.js';
import { axe, launchBrowser, shot } from './support/browser.js';

let browser: Browser;
let server: TestServer;
let page: Page;

const ALL = [
  'Card',
  'ListView',
  'ListViewItem',
  'Basic',
  'Text',
  'Title',
  'Caption',
  'Markdown',
  'Badge',
  'Box',
  'Row',
  'Col',
  'Form',
  'Divider',
  'Spacer',
  'Icon',
  'Image',
  'Button',
  'Select',
  'DatePicker',
  'Checkbox',
  'Input',
  'Textarea',
  'Label',
  'RadioGroup',
  'Chart',
  'Transition',
  'Table',
  'Table.Row',
  'Table.Cell',
];

const PIXEL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const order = {
  type: 'Card',
  size: 'md',
  status: { text: 'Order assistant', icon: 'sparkle' },
  children: [
    {
      type: 'Row',
      gap: 2,
      children: [
        { type: 'Icon', name: 'cart' },
        { type: 'Title', value: 'Order #1001' },
        { type: 'Spacer' },
        { type: 'Badge', label: 'In transit', color: 'info' },
      ],
    },
    { type: 'Caption', value: 'Office chairs × 12' },
    { type: 'Markdown', value: 'Arrives **Tuesday**. <img src=x onerror="window.pwned=1"> [track](https://example.com/t)' },
    { type: 'Image', src: PIXEL, alt: 'Package photo', width: 40, height: 40 },
    { type: 'Divider' },
    {
      type: 'Form',
      id: 'reschedule',
      onSubmitAction: { type: 'order.reschedule', payload: { order_id: '1001' } },
      children: [
        { type: 'Label', value: 'New date', fieldName: 'delivery.date' },
        { type: 'DatePicker', name: 'delivery.date', placeholder: 'New date' },
        { type: 'Input', name: 'delivery.contact', placeholder: 'Contact name', required: true },
        { type: 'Textarea', name: 'note', placeholder: 'Note for the driver' },
        {
          type: 'Select',
          name: 'slot',
          placeholder: 'Time slot',
          options: [
            { value: 'am', label: 'Morning' },
            { value: 'pm', label: 'Afternoon' },
          ],
        },
        {
          type: 'RadioGroup',
          name: 'speed',
          ariaLabel: 'Speed',
          options: [
            { value: 'std', label: 'Standard' },
            { value: 'fast', label: 'Express' },
          ],
          defaultValue: 'std',
        },
        { type: 'Checkbox', name: 'notify', label: 'Text me on the day', defaultChecked: true },
        { type: 'Button', label: 'Reschedule', submit: true, style: 'primary' },
      ],
    },
    {
      type: 'ListView',
      children: [
        {
          type: 'ListViewItem',
          onClickAction: { type: 'order.open', payload: { id: '1002' } },
          children: [{ type: 'Text', value: 'Order #1002' }],
        },
        { type: 'ListViewItem', children: [{ type: 'Text', value: 'Order #1003', color: 'secondary' }] },
      ],
    },
    {
      type: 'Basic',
      children: [{ type: 'Box', children: [{ type: 'Col', children: [{ type: 'Text', value: 'Inside Basic/Box/Col' }] }] }],
    },
    { type: 'Transition', children: [{ type: 'Text', value: 'Faded in' }] },
    {
      type: 'Chart',
      data: [
        { day: 'Mon', parcels: 3, late: 1 },
        { day: 'Tue', parcels: 5, late: 0 },
        { day: 'Wed', parcels: 2, late: 2 },
      ],
      series: [
        { type: 'bar', dataKey: 'parcels', label: 'Parcels' },
        { type: 'line', dataKey: 'late', label: 'Late' },
      ],
      xAxis: 'day',
    },
    {
      type: 'Table',
      children: [
        {
          type: 'Table.Row',
          children: [
            { type: 'Table.Cell', value: 'Weight' },
            { type: 'Table.Cell', value: '84 kg' },
          ],
        },
      ],
    },
    { type: 'Button', id: 'call', label: 'Call me', onClickAction: { type: 'support.call', payload: { topic: 'delivery' } } },
  ],
  confirm: { label: 'Confirm', action: { type: 'order.confirm' } },
  cancel: { label: 'Not now', action: { type: 'order.dismiss' } },
};

/** Every node type used in a tree. */
function types(node: any, out = new Set<string>()): Set<string> {
  out.add(node.type);
  for (const c of node.children ?? []) types(c, out);
  return out;
}

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startServer()]);
  page = await browser.newPage({ viewport: { width: 720, height: 1100 } });
  page.setDefaultTimeout(15_000);
  await page.setContent(`<!doctype html><html lang="en"><head><title>Widgets</title><script type="module" src="${server.url}/ui/parley-ui.js"></script></head>
    <body><main><parley-widget item-id="item_1"></parley-widget></main></body></html>`);
  await page.waitForFunction(() => !!customElements.get('parley-widget'));
  await page.evaluate((widget) => {
    const el = document.querySelector('parley-widget') as any;
    (window as any).actions = [];
    el.addEventListener('parley-widget-action', (e: CustomEvent) => (window as any).actions.push(e.detail));
    el.widget = widget;
  }, order);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const actions = () => page.evaluate(() => (window as any).actions.splice(0));

describe('ChatKit widgets', { timeout: 60_000 }, () => {
  it('renders every component natively (the fixture uses each one)', async () => {
    expect([...types(order)].sort()).toEqual([...ALL].sort());
    const w = page.locator('parley-widget');
    await w.getByRole('heading', { name: 'Order #1001' }).waitFor();
    expect(await w.locator('[data-unknown]').count()).toBe(0);
    expect(await w.getByText('Office chairs × 12').count()).toBe(1);
    expect(await w.locator('.markdown strong').textContent()).toBe('Tuesday');
    expect(await w.getByRole('img', { name: 'Package photo' }).count()).toBe(1);
    expect(await w.locator('svg[role=img] rect').count()).toBe(3);
    expect(await w.locator('svg[role=img] polyline').count()).toBe(1);
    expect(await w.locator('td').allTextContents()).toEqual(['Weight', '84 kg']);
    expect(await w.getByRole('radiogroup', { name: 'Speed' }).count()).toBe(1);
    expect(await w.getByText('Inside Basic/Box/Col').count()).toBe(1);
    await shot(page, 'widgets');
    expect(await axe(page)).toEqual([]);
  });

  it('cleans Markdown HTML with DOMPurify', async () => {
    const w = page.locator('parley-widget');
    expect(await w.locator('.markdown img').count()).toBe(0);
    expect(await page.evaluate(() => (window as any).pwned)).toBeUndefined();
    expect(await w.locator('.markdown a').getAttribute('rel')).toContain('noopener');
  });

  it('sends button and list actions with their payload and the widget item id', async () => {
    await page.locator('parley-widget').getByRole('button', { name: 'Call me' }).click();
    await page.locator('parley-widget').getByRole('button', { name: 'Order #1002' }).click();
    await page.locator('parley-widget').getByRole('button', { name: 'Confirm' }).click();
    const fired = await actions();
    expect(fired.map((a: any) => [a.action.type, a.action.payload, a.itemId])).toEqual([
      ['support.call', { topic: 'delivery' }, 'item_1'],
      ['order.open', { id: '1002' }, 'item_1'],
      ['order.confirm', undefined, 'item_1'],
    ]);
  });

  it('blocks a form with a missing required field, then submits its values nested by dotted names', async () => {
    const w = page.locator('parley-widget');
    await w.getByRole('button', { name: 'Reschedule' }).click();
    expect(await actions()).toEqual([]);
    await w.getByLabel('Contact name').fill('Alice');
    await w.getByLabel('New date').fill('2026-12-08');
    await w.getByLabel('Time slot').selectOption('pm');
    const onChange = await actions();
    expect(onChange).toEqual([]);
    await w.getByLabel('Express').check();
    await w.getByRole('button', { name: 'Reschedule' }).click();
    const [submit] = await actions();
    expect(submit.action.type).toBe('order.reschedule');
    expect(submit.action.payload).toEqual({
      order_id: '1001',
      delivery: { date: '2026-12-08', contact: 'Alice' },
      note: '',
      slot: 'pm',
      speed: 'fast',
      notify: true,
    });
  });

  it('cleans message HTML with DOMPurify before it is rendered', async () => {
    const dirty =
      '<p onclick="x()">Hi <a href="javascript:alert(1)">x</a><script>alert(1)</script><img src=x onerror=alert(1)><span data-type="mention" data-id="bob">@Bob</span></p>';
    // A string expression: the test runner would rewrite an import() written in a function.
    const cleaned = await page.evaluate(`import('${server.url}/ui/parley-ui.js').then((ui) => ui.cleanHtml(${JSON.stringify(dirty)}))`);
    expect(cleaned).toBe(
      '<p>Hi <a target="_blank" rel="noopener noreferrer nofollow">x</a><span data-type="mention" data-id="bob">@Bob</span></p>',
    );
  });
});
