/** @module chatkit/composer: the composer of <parley-chatkit>: text, attachments with byte progress, tool and model pickers, send or stop. */
import { html, nothing } from 'lit';
import { formatSize } from '../format.js';
import { icons } from '../icons.js';
import type { ChatKitTranslate } from './strings.js';
import type { Uploads } from './uploads.js';

/** A tool the composer offers (`composer.tools` of chatkit-js); its id goes as `inference_options.tool_choice`. */
export interface ToolOption {
  id: string;
  label: string;
  placeholderOverride?: string;
}
/** A model the composer offers (`composer.models` of chatkit-js); its id goes as `inference_options.model`. */
export interface ModelOption {
  id: string;
  label: string;
  default?: boolean;
  disabled?: boolean;
}

export interface ComposerView {
  t: ChatKitTranslate;
  uploads: Uploads;
  attachments: boolean;
  tools: ToolOption[];
  models: ModelOption[];
  tool: string;
  model: string;
  streaming: boolean;
  canStop: boolean;
  disabled: boolean;
  onSend(text: string): void;
  onStop(): void;
  onFiles(files: File[]): void;
  onTool(id: string): void;
  onModel(id: string): void;
}

export function renderComposer(v: ComposerView) {
  const t = v.t;
  const submit = (form: HTMLFormElement) => {
    const area = form.querySelector('textarea')!;
    const text = area.value.trim();
    if (!text || v.streaming || v.disabled || v.uploads.busy) return;
    area.value = '';
    v.onSend(text);
  };
  const placeholder = v.tools.find((x) => x.id === v.tool)?.placeholderOverride ?? t('ck.placeholder');
  return html`<form class="composer" @submit=${(e: Event) => {
    e.preventDefault();
    submit(e.currentTarget as HTMLFormElement);
  }}>
    ${
      v.uploads.list.length
        ? html`<div class="uploads">
          ${v.uploads.list.map((u) => {
            const percent = Math.round(u.fraction * 100);
            const done = !!u.attachment;
            return html`<div class="upload ${u.failed ? 'failed' : ''}" data-upload=${u.name} data-done=${String(done)}>
              <span>${u.name} · ${formatSize(u.size)}</span>
              ${u.failed ? html`<span role="alert">${t('composer.uploadFailed', { name: u.name })}: ${u.failed}</span>` : nothing}
              ${done || u.failed ? nothing : html`<progress max="100" value=${percent} aria-label=${t('ck.upload', { name: u.name, percent })}></progress>`}
              <button type="button" class="icon" aria-label=${done || u.failed ? t('composer.removeFile', { name: u.name }) : t('composer.cancelUpload', { name: u.name })}
                @click=${() => v.uploads.remove(u.key)}>${icons.close}</button>
            </div>`;
          })}
        </div>`
        : nothing
    }
    <div class="line">
      ${
        v.attachments
          ? html`<label class="sr-only" for="ck-files">${t('composer.attach')}</label>
            <input id="ck-files" class="sr-only" type="file" multiple tabindex="-1" @change=${(e: Event) => {
              const input = e.currentTarget as HTMLInputElement;
              v.onFiles([...(input.files ?? [])]);
              input.value = '';
            }} />
            <button type="button" class="icon" aria-label=${t('composer.attach')} ?disabled=${v.disabled}
              @click=${(e: Event) => ((e.currentTarget as HTMLElement).previousElementSibling as HTMLInputElement).click()}>${icons.attach}</button>`
          : nothing
      }
      <textarea rows="1" aria-label=${t('composer.label')} placeholder=${placeholder} data-testid="chatkit-input" ?disabled=${v.disabled}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit((e.currentTarget as HTMLElement).closest('form')!);
          }
        }}></textarea>
      ${
        v.streaming && v.canStop
          ? html`<button type="button" class="primary icon" aria-label=${t('agent.stopLabel')} @click=${() => v.onStop()}>${icons.stop}</button>`
          : html`<button type="submit" class="primary icon" aria-label=${t('composer.send')} ?disabled=${v.streaming || v.disabled}>${icons.send}</button>`
      }
    </div>
    ${
      v.tools.length || v.models.length
        ? html`<div class="line">
          ${
            v.tools.length
              ? html`<select aria-label=${t('ck.tool')} @change=${(e: Event) => v.onTool((e.currentTarget as HTMLSelectElement).value)}>
                <option value="" ?selected=${v.tool === ''}>${t('ck.noTool')}</option>
                ${v.tools.map((o) => html`<option value=${o.id} ?selected=${o.id === v.tool}>${o.label}</option>`)}
              </select>`
              : nothing
          }
          ${
            v.models.length
              ? html`<select aria-label=${t('ck.model')} @change=${(e: Event) => v.onModel((e.currentTarget as HTMLSelectElement).value)}>
                ${v.models.map((o) => html`<option value=${o.id} ?disabled=${o.disabled === true} ?selected=${o.id === v.model}>${o.label}</option>`)}
              </select>`
              : nothing
          }
        </div>`
        : nothing
    }
  </form>`;
}
