/** @module widgets/chart: the ChatKit Chart component as native SVG (bar, line and area series), with an accessible table. */
import { svg, html, nothing } from 'lit';
import type { WidgetNode } from './types.js';
import { color } from './layout.js';

interface Series {
  type: 'bar' | 'line' | 'area';
  dataKey: string;
  label?: string;
  color?: string;
  stack?: string;
}

const PALETTE = ['#1f5fcc', '#2e9d5b', '#d9822b', '#9b51e0', '#c62828', '#00838f'];
const W = 320;
const H = 160;
const PAD = 24;

export function renderChart(node: WidgetNode) {
  const rows = Array.isArray(node.data) ? (node.data as Record<string, unknown>[]) : [];
  const series = Array.isArray(node.series) ? (node.series as Series[]) : [];
  const xKey = typeof node.xAxis === 'string' ? node.xAxis : ((node.xAxis as { dataKey?: string } | undefined)?.dataKey ?? 'x');
  const hideX = typeof node.xAxis === 'object' && (node.xAxis as { hide?: boolean } | null)?.hide;
  const values = rows.flatMap((r) => series.map((s) => Number(r[s.dataKey]) || 0));
  const max = Math.max(1, ...values);
  const n = Math.max(1, rows.length);
  const step = (W - PAD * 2) / n;
  const y = (v: number) => H - PAD - (v / max) * (H - PAD * 2);
  const bars = series.filter((s) => s.type === 'bar');
  const barWidth = (step * 0.8) / Math.max(1, bars.length);
  const seriesColor = (s: Series, i: number) => color(s.color) ?? PALETTE[i % PALETTE.length]!;
  const title = typeof node.title === 'string' ? node.title : series.map((s) => s.label ?? s.dataKey).join(', ');
  return html`<figure class="chart">
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${title} width="100%">
      <line x1=${PAD} y1=${H - PAD} x2=${W - PAD} y2=${H - PAD} stroke="currentColor" stroke-opacity="0.3"></line>
      ${series.map((s, si) => {
        const c = seriesColor(s, si);
        if (s.type === 'bar') {
          const bi = bars.indexOf(s);
          return rows.map((r, i) => {
            const v = Number(r[s.dataKey]) || 0;
            return svg`<rect x=${PAD + i * step + step * 0.1 + bi * barWidth} y=${y(v)} width=${barWidth} height=${H - PAD - y(v)} fill=${c}></rect>`;
          });
        }
        const points = rows.map((r, i) => `${PAD + i * step + step / 2},${y(Number(r[s.dataKey]) || 0)}`).join(' ');
        if (s.type === 'area') {
          const first = `${PAD + step / 2},${H - PAD}`;
          const last = `${PAD + (n - 1) * step + step / 2},${H - PAD}`;
          return svg`<polygon points="${first} ${points} ${last}" fill=${c} fill-opacity="0.3" stroke=${c}></polygon>`;
        }
        return svg`<polyline points=${points} fill="none" stroke=${c} stroke-width="2"></polyline>`;
      })}
      ${hideX ? nothing : rows.map((r, i) => svg`<text x=${PAD + i * step + step / 2} y=${H - 8} font-size="9" text-anchor="middle" fill="currentColor">${String(r[xKey] ?? '')}</text>`)}
    </svg>
    <figcaption class="legend">
      ${series.map((s, i) => html`<span><span class="swatch" style="background:${seriesColor(s, i)}"></span>${s.label ?? s.dataKey}</span>`)}
    </figcaption>
  </figure>`;
}
