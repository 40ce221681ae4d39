/**
 * A histogram over days as a heatmap on a canvas: day across, the bins up, each cell's colour the
 * share of the day's agents in that bin. Axes and the colour key are drawn on the same canvas, so
 * that its PNG carries them.
 */

/** The days to draw: `bin(d, b)` is day d's count in bin b, for d < days. */
export interface HeatmapData {
  days: number;
  /** The x axis runs to here (the horizon), so that the picture fills from the left as days come. */
  horizon: number;
  bins: readonly string[];
  bin(day: number, b: number): number;
}

/** A light-to-deep blue ramp (ColorBrewer Blues), calm beside the page's accent. */
const RAMP = [
  [247, 251, 255],
  [198, 219, 239],
  [107, 174, 214],
  [33, 113, 181],
  [8, 48, 107],
] as const;

const INK = '#6a737d';
const LINE = '#e1e4e8';
const FONT = '11px system-ui, sans-serif';
/** Space for the colour key at the right and the day axis below, in CSS pixels. */
const KEY = 62;
const BOTTOM = 34;
const TOP = 6;

export function rampColour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const k = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - k;
  const [a, b] = [RAMP[k]!, RAMP[k + 1]!];
  return [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * f)) as [number, number, number];
}

/** The key's top: the largest share drawn, rounded up to a round percentage. */
function keyTop(max: number): number {
  if (max <= 0) return 0.01;
  const step = max > 0.2 ? 0.1 : max > 0.05 ? 0.05 : 0.01;
  return Math.min(1, Math.ceil(max / step - 1e-9) * step);
}

/** Ticks at 1, 2 or 5 times a power of ten, about `count` of them between 1 and `to`. */
function dayTicks(to: number, count: number): number[] {
  const raw = Math.max(1, to / Math.max(1, count));
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let d = step; d <= to; d += step) out.push(d);
  return out;
}

const percent = (v: number): string => `${Math.round(v * 100)}%`;

/** Whether bin 0 is the lowest value (numeric bands), drawn at the bottom; named bins (grades, best first) read downwards. */
const ascending = (bins: readonly string[]): boolean => /^-?\d/.test(bins[0] ?? '');

export interface HeatmapLayout {
  left: number;
  width: number;
  height: number;
  /** The share the key's top colour stands for. */
  top: number;
}

/** Draws `data` on `canvas` at `width` x `height` CSS pixels; returns where the cells went. */
export function drawHeatmap(canvas: HTMLCanvasElement, width: number, height: number, data: HeatmapData): HeatmapLayout {
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const g = canvas.getContext('2d')!;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  g.font = FONT;
  const nb = data.bins.length;
  const labelWidth = Math.min(72, Math.max(...data.bins.map((b) => g.measureText(b).width), 10));
  const left = Math.ceil(labelWidth) + 10;
  const plotW = Math.max(10, width - left - KEY);
  const plotH = Math.max(10, height - TOP - BOTTOM);
  const up = ascending(data.bins);

  // The shares, day by day; a day with nobody in any bin stays blank.
  const shares = new Float32Array(data.days * nb).fill(-1);
  let max = 0;
  for (let d = 0; d < data.days; d++) {
    let total = 0;
    for (let b = 0; b < nb; b++) total += data.bin(d, b);
    if (total <= 0) continue;
    for (let b = 0; b < nb; b++) {
      const s = data.bin(d, b) / total;
      shares[d * nb + b] = s;
      if (s > max) max = s;
    }
  }
  const top = keyTop(max);

  // One pixel per day and bin, scaled up without smoothing: crisp cells at any number of days.
  const horizon = Math.max(1, data.horizon, data.days);
  if (data.days > 0) {
    const cells = new ImageData(data.days, nb);
    for (let d = 0; d < data.days; d++) {
      for (let b = 0; b < nb; b++) {
        const s = shares[d * nb + b]!;
        if (s < 0) continue;
        const [r, gr, bl] = rampColour(s / top);
        const row = up ? nb - 1 - b : b;
        const o = (row * data.days + d) * 4;
        cells.data[o] = r;
        cells.data[o + 1] = gr;
        cells.data[o + 2] = bl;
        cells.data[o + 3] = 255;
      }
    }
    const bitmap = document.createElement('canvas');
    bitmap.width = data.days;
    bitmap.height = nb;
    bitmap.getContext('2d')!.putImageData(cells, 0, 0);
    g.imageSmoothingEnabled = false;
    g.drawImage(bitmap, left, TOP, (plotW * data.days) / horizon, plotH);
  }
  g.strokeStyle = LINE;
  g.lineWidth = 1;
  g.strokeRect(left - 0.5, TOP - 0.5, plotW + 1, plotH + 1);

  // The bins' labels, as many as fit without overlapping.
  g.fillStyle = INK;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  const cell = plotH / nb;
  const every = Math.max(1, Math.ceil(13 / cell));
  for (let b = 0; b < nb; b += every) {
    const row = up ? nb - 1 - b : b;
    const label = data.bins[b]!;
    g.fillText(label, left - 5, TOP + (row + 0.5) * cell, labelWidth);
  }

  // The day axis.
  g.textAlign = 'center';
  g.textBaseline = 'top';
  for (const d of dayTicks(horizon, Math.max(3, plotW / 50))) {
    const x = left + ((d - 0.5) / horizon) * plotW;
    g.fillRect(Math.round(x), TOP + plotH, 1, 4);
    g.fillText(d.toLocaleString('en-US'), x, TOP + plotH + 5);
  }
  g.fillText('day', left + plotW / 2, TOP + plotH + 19);

  // The colour key: the ramp from 0 to the top share.
  const kx = left + plotW + 12;
  const steps = 40;
  for (let k = 0; k < steps; k++) {
    const [r, gr, bl] = rampColour(k / (steps - 1));
    g.fillStyle = `rgb(${r},${gr},${bl})`;
    g.fillRect(kx, TOP + plotH - ((k + 1) * plotH) / steps, 10, plotH / steps + 0.5);
  }
  g.strokeStyle = LINE;
  g.strokeRect(kx - 0.5, TOP - 0.5, 11, plotH + 1);
  g.fillStyle = INK;
  g.textAlign = 'left';
  g.textBaseline = 'top';
  g.fillText(percent(top), kx + 14, TOP);
  g.textBaseline = 'bottom';
  g.fillText('0%', kx + 14, TOP + plotH);
  return { left, width: plotW, height: plotH, top };
}

/** The day and bin under a point of the canvas (CSS pixels), if it is on a drawn cell. */
export function cellAt(layout: HeatmapLayout, data: HeatmapData, x: number, y: number): { day: number; bin: number } | undefined {
  const horizon = Math.max(1, data.horizon, data.days);
  const day = Math.floor(((x - layout.left) / layout.width) * horizon);
  const row = Math.floor(((y - TOP) / layout.height) * data.bins.length);
  if (day < 0 || day >= data.days || row < 0 || row >= data.bins.length) return undefined;
  return { day, bin: ascending(data.bins) ? data.bins.length - 1 - row : row };
}
