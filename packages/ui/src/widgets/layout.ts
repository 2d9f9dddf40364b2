/** @module widgets/layout: ChatKit layout props (gap, padding, align, colors, sizes...) as inline CSS. Numbers are 4 px units. */
import type { WidgetNode } from './types.js';

const unit = (v: unknown): string | undefined => (typeof v === 'number' ? `${v * 4}px` : typeof v === 'string' ? v : undefined);
const ALIGN: Record<string, string> = { start: 'flex-start', end: 'flex-end', center: 'center', stretch: 'stretch', baseline: 'baseline' };
const JUSTIFY: Record<string, string> = { ...ALIGN, between: 'space-between', around: 'space-around', evenly: 'space-evenly' };
const SIZE: Record<string, string> = { xs: '11px', sm: '13px', md: '14px', lg: '17px', xl: '20px', '2xl': '24px', '3xl': '30px' };

/** A color token (`secondary`, `success`, `danger`...) or a CSS color; object form `{light, dark}` uses light. */
export function color(v: unknown): string | undefined {
  if (v && typeof v === 'object' && 'light' in v) return color((v as { light: unknown }).light);
  if (typeof v !== 'string') return undefined;
  const tokens: Record<string, string> = {
    primary: 'var(--_fg)',
    secondary: 'var(--_muted)',
    tertiary: 'var(--_muted)',
    emphasis: 'var(--_accent)',
    info: 'var(--_accent)',
    success: 'var(--_online)',
    danger: 'var(--_danger)',
    warning: '#b26a00',
    discovery: '#7b3fbf',
    caution: '#b26a00',
  };
  if (tokens[v]) return tokens[v];
  return /^(#[0-9a-f]{3,8}|rgba?\([\d\s.,%]+\)|hsla?\([\d\s.,%deg]+\)|[a-z]+(-\d+)?)$/i.test(v)
    ? v.replace(/^([a-z]+)-(\d+)$/i, '$1')
    : undefined;
}

function box(v: unknown, prop: string): string {
  if (v === undefined) return '';
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    const parts = [o.top ?? o.y, o.right ?? o.x, o.bottom ?? o.y, o.left ?? o.x].map((p) => unit(p) ?? '0');
    return `${prop}:${parts.join(' ')};`;
  }
  const u = unit(v);
  return u ? `${prop}:${u};` : '';
}

/** Inline CSS for a node's layout and decoration props. */
export function layoutStyle(node: WidgetNode): string {
  let s = '';
  const gap = unit(node.gap);
  if (gap) s += `gap:${gap};`;
  s += box(node.padding, 'padding');
  s += box(node.margin, 'margin');
  if (typeof node.align === 'string' && ALIGN[node.align]) s += `align-items:${ALIGN[node.align]};`;
  if (typeof node.justify === 'string' && JUSTIFY[node.justify]) s += `justify-content:${JUSTIFY[node.justify]};`;
  if (node.wrap) s += `flex-wrap:${node.wrap === true ? 'wrap' : String(node.wrap)};`;
  if (node.flex !== undefined) s += `flex:${String(node.flex)};`;
  const bg = color(node.background);
  if (bg) s += `background:${bg};`;
  if (node.border !== undefined) {
    const b = node.border as number | { size?: number; color?: string };
    s +=
      typeof b === 'number'
        ? `border:${b}px solid var(--_border);`
        : `border:${b.size ?? 1}px solid ${color(b.color) ?? 'var(--_border)'};`;
  }
  if (node.radius !== undefined)
    s += `border-radius:${typeof node.radius === 'number' ? `${node.radius}px` : node.radius === 'full' ? '999px' : '8px'};`;
  for (const [key, css] of [
    ['width', 'width'],
    ['height', 'height'],
    ['minWidth', 'min-width'],
    ['maxWidth', 'max-width'],
    ['minHeight', 'min-height'],
    ['maxHeight', 'max-height'],
    ['size', 'width'],
  ] as const) {
    if (key === 'size' && typeof node.size === 'string') continue;
    const u = typeof node[key] === 'number' ? `${node[key] as number}px` : unit(node[key]);
    if (u) s += `${css}:${u};`;
  }
  return s;
}

/** Inline CSS for a text node's typography props. */
export function textStyle(node: WidgetNode): string {
  let s = '';
  const c = color(node.color);
  if (c) s += `color:${c};`;
  if (typeof node.size === 'string' && SIZE[node.size]) s += `font-size:${SIZE[node.size]};`;
  if (typeof node.weight === 'string') s += `font-weight:${{ normal: 400, medium: 500, semibold: 600, bold: 700 }[node.weight] ?? 400};`;
  if (typeof node.textAlign === 'string') s += `text-align:${node.textAlign};`;
  if (node.italic) s += 'font-style:italic;';
  if (node.lineThrough) s += 'text-decoration:line-through;';
  if (typeof node.maxLines === 'number')
    s += `display:-webkit-box;-webkit-line-clamp:${node.maxLines};-webkit-box-orient:vertical;overflow:hidden;`;
  if (node.truncate) s += 'overflow:hidden;text-overflow:ellipsis;white-space:nowrap;';
  return s;
}
