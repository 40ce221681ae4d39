/** Files the page hands out: the daily series as CSV and a chart as PNG. */

import type { MetricView } from './protocol.ts';

/** One run's daily series: `values` holds `days` metric vectors of `width` numbers, one after the other. */
export interface SeriesView {
  metrics: readonly MetricView[];
  width: number;
  days: number;
  values: Float64Array;
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The daily series as CSV, as `sclab run --csv` writes it: `day` from 0, then every single-value
 * metric in the engine's units. A second run (the comparison) adds its columns named `B.metric`.
 */
export function seriesCsv(a: SeriesView, b?: SeriesView): string {
  const scalar = (s: SeriesView): MetricView[] => s.metrics.filter((m) => m.width === 1);
  const ma = scalar(a);
  const mb = b ? scalar(b) : [];
  const header = ['day', ...ma.map((m) => m.name), ...mb.map((m) => `B.${m.name}`)];
  const rows = [header.map(csvField).join(',')];
  const days = Math.max(a.days, b?.days ?? 0);
  const cell = (s: SeriesView, m: MetricView, d: number): string => (d < s.days ? String(s.values[d * s.width + m.slot]) : '');
  for (let d = 0; d < days; d++) {
    rows.push([String(d), ...ma.map((m) => cell(a, m, d)), ...mb.map((m) => cell(b!, m, d))].join(','));
  }
  return rows.join('\n') + '\n';
}

/** Hands `blob` to the browser as a download named `name`. */
export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** `text` in lines no wider than `width` on `g`'s font, broken between words. */
function wrap(g: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line === '' ? word : `${line} ${word}`;
    if (line !== '' && g.measureText(next).width > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  return line === '' ? lines : [...lines, line];
}

/** The chart's canvas on white, under its title and subtitle (wrapped to the chart's width), as a PNG. */
export function chartPng(canvas: HTMLCanvasElement, title: string, subtitle: string): Promise<Blob> {
  const ratio = canvas.width / Math.max(1, canvas.clientWidth || canvas.width);
  const pad = Math.round(12 * ratio);
  const out = document.createElement('canvas');
  out.width = canvas.width + 2 * pad;
  const g = out.getContext('2d')!;
  const fonts = { title: `600 ${Math.round(14 * ratio)}px system-ui, sans-serif`, sub: `${Math.round(11 * ratio)}px system-ui, sans-serif` };
  g.font = fonts.title;
  const titles = wrap(g, title, out.width - 2 * pad);
  g.font = fonts.sub;
  const subs = wrap(g, subtitle, out.width - 2 * pad);
  const [titleLine, subLine] = [Math.round(18 * ratio), Math.round(15 * ratio)];
  const head = pad + titles.length * titleLine + subs.length * subLine + Math.round(6 * ratio);
  out.height = canvas.height + head + pad;
  // Resizing the canvas reset its state: fill and fonts again.
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, out.width, out.height);
  g.textBaseline = 'top';
  g.fillStyle = '#1f2328';
  g.font = fonts.title;
  titles.forEach((t, k) => g.fillText(t, pad, pad + k * titleLine));
  g.fillStyle = '#6a737d';
  g.font = fonts.sub;
  subs.forEach((t, k) => g.fillText(t, pad, pad + titles.length * titleLine + k * subLine));
  g.drawImage(canvas, pad, head);
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('the chart could not be drawn as PNG'))), 'image/png'));
}
