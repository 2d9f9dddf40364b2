/**
 * @module widgets/widget: <parley-widget>, a ChatKit widget tree (chatkit-protocol §4) rendered natively: every
 * component of the strict list plus Table. Actions (`onClickAction`, `onSubmitAction`, `onChangeAction`,
 * Card confirm/cancel) are emitted as `parley-widget-action` with form values injected into the payload; the
 * thread that renders an agent message forwards them to the server, which authorizes them.
 */
import { LitElement, html, css, nothing, type TemplateResult } from 'lit';
import { marked } from 'marked';
import type { ActionConfig, WidgetActionDetail, WidgetNode } from './types.js';
import { layoutStyle, textStyle, color } from './layout.js';
import { renderChart } from './chart.js';
import { themeStyles, baseStyles } from '../theme.js';
import { safeHtml } from '../sanitize.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
// Plain symbols that every system font has (no emoji font, no icon font, no network).
const ICONS: Record<string, string> = {
  check: '✓',
  'check-circle': '✓',
  close: '✕',
  x: '✕',
  info: 'ℹ',
  warning: '⚠',
  error: '⊘',
  star: '★',
  calendar: '▦',
  clock: '◷',
  user: '☺',
  mail: '✉',
  phone: '☎',
  search: '⌕',
  plus: '+',
  minus: '−',
  'chevron-right': '›',
  'chevron-left': '‹',
  'arrow-right': '→',
  'arrow-left': '←',
  document: '▤',
  file: '▤',
  sparkle: '✦',
  bolt: 'ϟ',
  map: '⌖',
  cart: '⊞',
  globe: '◍',
};

/** Sets `value` at a dotted path (`a.b.c`) of `target`; false when the key is already taken (a collision). */
function setPath(target: Record<string, unknown>, path: string, value: unknown): boolean {
  const keys = path.split('.');
  let at = target;
  for (const key of keys.slice(0, -1)) {
    const next = at[key];
    if (next !== undefined && (typeof next !== 'object' || next === null)) return false;
    at[key] ??= {};
    at = at[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (last in at) return false;
  at[last] = value;
  return true;
}

export class ParleyWidget extends LitElement {
  static override properties = {
    widget: { attribute: false },
    itemId: { attribute: 'item-id' },
    theme: { reflect: true },
    busy: { state: true },
    invalid: { state: true },
  };
  declare widget: WidgetNode | undefined;
  declare itemId: string | undefined;
  declare theme: 'light' | 'dark';
  declare busy: string | undefined;
  declare invalid: boolean;

  static override styles = [
    themeStyles,
    baseStyles,
    css`
      :host {
        display: block;
        max-width: 100%;
      }
      .card {
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_bg);
        padding: 12px;
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      .card.sm { max-width: 320px; }
      .card.md { max-width: 440px; }
      .card.lg { max-width: 600px; }
      .card[data-busy='true'] { opacity: 0.6; }
      .col, .box, .form, .basic { display: flex; flex-direction: column; gap: 4px; }
      .row { display: flex; flex-direction: row; align-items: center; gap: 4px; }
      .list { display: flex; flex-direction: column; }
      .list-item { display: flex; gap: 8px; align-items: center; padding: 8px; border-bottom: 1px solid var(--_border); text-align: left; width: 100%; border-radius: 0; }
      .title { font-size: 17px; font-weight: 600; margin: 0; }
      .caption { font-size: 12px; color: var(--_muted); }
      .text { margin: 0; }
      .badge-w { display: inline-block; border-radius: 999px; padding: 0 8px; font-size: 12px; border: 1px solid currentColor; }
      .badge-w.solid { background: var(--_accent); color: var(--_accent-fg); border-color: transparent; }
      hr { border: none; border-top: 1px solid var(--_border); width: 100%; margin: 4px 0; }
      .spacer { flex: 1; }
      img { max-width: 100%; border-radius: 6px; }
      button.w { border: 1px solid var(--_border); }
      button.w.primary { background: var(--_accent); color: var(--_accent-fg); }
      label.field { display: flex; flex-direction: column; gap: 2px; }
      fieldset { border: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 2px; }
      .status { font-size: 12px; color: var(--_muted); display: flex; gap: 6px; align-items: center; }
      .actions { display: flex; gap: 8px; justify-content: flex-end; }
      table { border-collapse: collapse; width: 100%; }
      td, th { border-bottom: 1px solid var(--_border); padding: 4px 6px; text-align: left; }
      .chart { margin: 0; }
      .legend { display: flex; gap: 10px; font-size: 12px; }
      .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; }
      .markdown p { margin: 0 0 4px; }
      .invalid { color: var(--_danger); font-size: 12px; }
      .fade { animation: fade 0.2s; }
      @keyframes fade { from { opacity: 0; } to { opacity: 1; } }
    `,
  ];

  constructor() {
    super();
    this.theme = 'light';
    this.invalid = false;
  }

  /** Fires an action: collects the enclosing form's values into its payload first (dotted names nest). */
  private fire(action: ActionConfig | undefined, source: Element, sourceId?: string): void {
    if (!action || typeof action.type !== 'string') return;
    let payload = action.payload;
    const form = source.closest('form');
    if (form) {
      if (!form.checkValidity()) {
        form.reportValidity();
        this.invalid = true;
        return;
      }
      this.invalid = false;
      const values: Record<string, unknown> = {};
      const data = new FormData(form);
      for (const el of form.querySelectorAll<HTMLInputElement>('input[type=checkbox][name]')) data.set(el.name, String(el.checked));
      const merged = typeof payload === 'object' && payload !== null ? { ...(payload as Record<string, unknown>) } : {};
      for (const [name, value] of data) {
        const v = value === 'true' ? true : value === 'false' ? false : value;
        if (!setPath(merged, name, v)) {
          this.dispatchEvent(
            new CustomEvent('parley-widget-error', {
              detail: { message: `form field ${name} collides with the payload` },
              bubbles: true,
              composed: true,
            }),
          );
        }
        setPath(values, name, v);
      }
      payload = merged;
    }
    const behavior = action.loadingBehavior ?? 'auto';
    if (behavior === 'self' || behavior === 'container' || behavior === 'auto') this.busy = sourceId ?? 'widget';
    const detail: WidgetActionDetail = { action: { ...action, payload }, sourceId, itemId: this.itemId };
    this.dispatchEvent(new CustomEvent('parley-widget-action', { detail, bubbles: true, composed: true }));
  }

  /** Called by the host when the action it forwarded has finished. */
  done(): void {
    this.busy = undefined;
  }

  private kids(node: WidgetNode): TemplateResult[] {
    return (Array.isArray(node.children) ? node.children : []).map((c) => this.node(c));
  }

  private node(node: WidgetNode): TemplateResult {
    const style = layoutStyle(node);
    const id = node.id;
    switch (node.type) {
      case 'Card': {
        const size = str(node.size) || 'md';
        const status = node.status as { text?: string; icon?: string } | undefined;
        const confirm = node.confirm as { label?: string; action?: ActionConfig } | undefined;
        const cancel = node.cancel as { label?: string; action?: ActionConfig } | undefined;
        const body = html`${status?.text ? html`<div class="status">${status.icon ? (ICONS[status.icon] ?? '') : ''} ${status.text}</div>` : nothing}
          ${node.collapsed ? nothing : this.kids(node)}
          ${
            confirm || cancel
              ? html`<div class="actions">
                ${cancel ? html`<button type="button" class="w" @click=${(e: Event) => this.fire(cancel.action, e.currentTarget as Element, 'cancel')}>${cancel.label ?? ''}</button>` : nothing}
                ${confirm ? html`<button type="button" class="w primary" @click=${(e: Event) => this.fire(confirm.action, e.currentTarget as Element, 'confirm')}>${confirm.label ?? ''}</button>` : nothing}
              </div>`
              : nothing
          }`;
        return node.asForm
          ? html`<form class="card ${size}" style=${style} data-busy=${String(!!this.busy)} novalidate @submit=${(e: Event) => e.preventDefault()}>${body}</form>`
          : html`<section class="card ${size}" style=${style} data-busy=${String(!!this.busy)}>${body}</section>`;
      }
      case 'ListView': {
        const items = Array.isArray(node.children) ? node.children : [];
        const limit = typeof node.limit === 'number' ? node.limit : items.length;
        return html`<div class="list card" role="list" style=${style}>${items.slice(0, limit).map((c) => this.node(c))}</div>`;
      }
      case 'ListViewItem': {
        const action = node.onClickAction as ActionConfig | undefined;
        const inner = html`${this.kids(node)}`;
        return action
          ? html`<div role="listitem"><button type="button" class="list-item" style=${style} @click=${(e: Event) => this.fire(action, e.currentTarget as Element, id)}>${inner}</button></div>`
          : html`<div role="listitem" class="list-item" style=${style}>${inner}</div>`;
      }
      case 'Basic':
        return html`<div class="basic" style="${style}${node.direction === 'row' ? 'flex-direction:row;' : ''}">${this.kids(node)}</div>`;
      case 'Box':
        return html`<div class="box" style="${style}${node.direction === 'row' ? 'flex-direction:row;' : ''}">${this.kids(node)}</div>`;
      case 'Row':
        return html`<div class="row" style=${style}>${this.kids(node)}</div>`;
      case 'Col':
        return html`<div class="col" style=${style}>${this.kids(node)}</div>`;
      case 'Form':
        return html`<form
          class="form"
          style="${style}${node.direction === 'row' ? 'flex-direction:row;' : ''}"
          novalidate
          @submit=${(e: SubmitEvent) => {
            e.preventDefault();
            this.fire(node.onSubmitAction as ActionConfig, e.target as Element, id);
          }}
        >
          ${this.kids(node)}
        </form>`;
      case 'Text':
        if (node.editable && typeof node.editable === 'object') {
          const ed = node.editable as { name: string; required?: boolean; pattern?: string; placeholder?: string };
          return html`<input name=${ed.name} aria-label=${ed.placeholder ?? ed.name} .value=${str(node.value)} ?required=${ed.required} pattern=${ed.pattern ?? nothing} placeholder=${ed.placeholder ?? ''} />`;
        }
        return html`<p class="text" style=${textStyle(node)}>${str(node.value)}</p>`;
      case 'Title':
        return html`<h3 class="title" style=${textStyle(node)}>${str(node.value)}</h3>`;
      case 'Caption':
        return html`<span class="caption" style=${textStyle(node)}>${str(node.value)}</span>`;
      case 'Markdown':
        return html`<div class="markdown">${safeHtml(marked.parse(str(node.value), { async: false }) as string)}</div>`;
      case 'Badge':
        return html`<span class="badge-w ${node.variant === 'solid' ? 'solid' : ''}" style=${node.variant === 'solid' ? '' : `color:${color(node.color) ?? 'var(--_muted)'}`}>${str(node.label)}</span>`;
      case 'Divider':
        return html`<hr />`;
      case 'Spacer':
        return html`<div class="spacer" style=${node.minSize ? `min-width:${Number(node.minSize) * 4}px;min-height:${Number(node.minSize) * 4}px` : ''}></div>`;
      case 'Icon':
        return html`<span aria-hidden="true" style="color:${color(node.color) ?? 'inherit'}">${ICONS[str(node.name)] ?? '•'}</span>`;
      case 'Image':
        return html`<img src=${/^(https?:|data:image\/(png|jpeg|gif|webp);)/.test(str(node.src)) ? str(node.src) : ''} alt=${str(node.alt)} style="${style}object-fit:${str(node.fit) || 'cover'}" />`;
      case 'Button': {
        const action = node.onClickAction as ActionConfig | undefined;
        const primary = node.style === 'primary' || node.variant === 'solid';
        return html`<button
          type=${node.submit ? 'submit' : 'button'}
          class="w ${primary ? 'primary' : ''}"
          ?disabled=${Boolean(node.disabled) || this.busy === (id ?? 'widget')}
          aria-busy=${String(this.busy === (id ?? 'widget'))}
          @click=${(e: Event) => {
            if (node.submit) return;
            this.fire(action, e.currentTarget as Element, id);
          }}
        >
          ${node.iconStart ? html`<span aria-hidden="true">${ICONS[str(node.iconStart)] ?? ''}</span>` : nothing}${str(node.label)}${
            node.iconEnd ? html`<span aria-hidden="true">${ICONS[str(node.iconEnd)] ?? ''}</span>` : nothing
          }
        </button>`;
      }
      case 'Label':
        return html`<label class="field" for=${str(node.fieldName)}>${str(node.value)}</label>`;
      case 'Input':
        return html`<input
          id=${str(node.name)}
          name=${str(node.name)}
          type=${str(node.inputType) || 'text'}
          aria-label=${str(node.placeholder) || str(node.name)}
          .value=${str(node.defaultValue)}
          ?required=${Boolean(node.required)}
          pattern=${typeof node.pattern === 'string' ? node.pattern : nothing}
          placeholder=${str(node.placeholder)}
        />`;
      case 'Textarea':
        return html`<textarea id=${str(node.name)} name=${str(node.name)} aria-label=${str(node.placeholder) || str(node.name)} ?required=${Boolean(node.required)} placeholder=${str(node.placeholder)} .value=${str(node.defaultValue)}></textarea>`;
      case 'Select': {
        const options = (Array.isArray(node.options) ? node.options : []) as { value: string; label: string; disabled?: boolean }[];
        return html`<select
          id=${str(node.name)}
          name=${str(node.name)}
          aria-label=${str(node.placeholder) || str(node.name)}
          @change=${(e: Event) => this.fire(node.onChangeAction as ActionConfig, e.currentTarget as Element, id)}
        >
          ${node.placeholder ? html`<option value="">${str(node.placeholder)}</option>` : nothing}
          ${options.map((o) => html`<option value=${o.value} ?disabled=${o.disabled} ?selected=${o.value === node.defaultValue}>${o.label}</option>`)}
        </select>`;
      }
      case 'DatePicker':
        return html`<input
          type="date"
          id=${str(node.name)}
          name=${str(node.name)}
          aria-label=${str(node.placeholder) || str(node.name)}
          min=${str(node.min) || nothing}
          max=${str(node.max) || nothing}
          .value=${str(node.defaultValue)}
          @change=${(e: Event) => this.fire(node.onChangeAction as ActionConfig, e.currentTarget as Element, id)}
        />`;
      case 'Checkbox':
        return html`<label class="row"
          ><input
            type="checkbox"
            name=${str(node.name)}
            .checked=${Boolean(node.defaultChecked)}
            @change=${(e: Event) => this.fire(node.onChangeAction as ActionConfig, e.currentTarget as Element, id)}
          />${str(node.label)}</label
        >`;
      case 'RadioGroup': {
        const options = (Array.isArray(node.options) ? node.options : []) as { value: string; label: string; disabled?: boolean }[];
        return html`<fieldset role="radiogroup" aria-label=${str(node.ariaLabel) || str(node.name)}>
          ${options.map(
            (o) => html`<label class="row"
              ><input
                type="radio"
                name=${str(node.name)}
                value=${o.value}
                ?disabled=${o.disabled}
                ?checked=${o.value === node.defaultValue}
                @change=${(e: Event) => this.fire(node.onChangeAction as ActionConfig, e.currentTarget as Element, id)}
              />${o.label}</label
            >`,
          )}
        </fieldset>`;
      }
      case 'Chart':
        return renderChart(node);
      case 'Transition':
        return html`<div class="fade">${this.kids(node)}</div>`;
      case 'Table':
        return html`<table style=${style}><tbody>${this.kids(node)}</tbody></table>`;
      case 'Table.Row':
        return html`<tr>${this.kids(node)}</tr>`;
      case 'Table.Cell':
        return html`<td>${node.value !== undefined ? str(node.value) : this.kids(node)}</td>`;
      default:
        // Dynamic components from .widget templates: render their children, ignore unknown props.
        return html`<div class="box" data-unknown=${node.type}>${this.kids(node)}</div>`;
    }
  }

  override render() {
    if (!this.widget) return nothing;
    return html`${this.invalid ? html`<div class="invalid" role="alert">Please fill in the required fields</div>` : nothing}${this.node(this.widget)}`;
  }
}
