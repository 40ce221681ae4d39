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

/**
 * The smallest share the colours tell apart. Shares are coloured on a log scale from here to the
 * key's top, because a score distribution is usually a crowd in one or two bands and a tail that
 * matters (the few pushed down); on a linear scale the tail would be as pale as an empty band.
 */
const FLOOR = 0.001;
/** Where on the ramp the smallest non-empty share starts, so that one agent never looks like none. */
const FIRST = 0.12;

/** The ramp position of a share: 0 for nobody, then log-scaled from FLOOR up to the key's top. */
export function shade(share: number, keyMax: number): number {
  if (share <= 0) return 0;
  const t = Math.log(Math.max(share, FLOOR) / FLOOR) / Math.log(Math.max(keyMax, FLOOR * 10) / FLOOR);
  return FIRST + (1 - FIRST) * Math.min(1, t);
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
  top: number;
  width: number;
  height: number;
  /** The bins drawn: `count` of them from `from` (score bands nobody reached are left out). */
  from: number;
  count: number;
}

/** One heatmap of a figure: a run's days, labelled (A, B) where a figure stacks several. */
export interface HeatmapPanel {
  label?: string;
  data: HeatmapData;
}

/** Each day's shares of the bins (-1: a day with nobody in any bin), and the largest share. */
function sharesOf(data: HeatmapData): { shares: Float32Array; max: number } {
  const nb = data.bins.length;
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
  return { shares, max };
}

/** One pixel per day and bin, scaled up without smoothing: crisp cells at any number of days. */
function drawCells(g: CanvasRenderingContext2D, data: HeatmapData, shares: Float32Array, keyMax: number, at: HeatmapLayout): void {
  const nb = data.bins.length;
  if (data.days === 0 || nb === 0) return;
  const up = ascending(data.bins);
  const cells = new ImageData(data.days, nb);
  for (let d = 0; d < data.days; d++) {
    for (let b = 0; b < nb; b++) {
      const s = shares[d * nb + b]!;
      if (s < 0) continue;
      const rgb = rampColour(shade(s, keyMax));
      const o = ((up ? nb - 1 - b : b) * data.days + d) * 4;
      cells.data.set([...rgb, 255], o);
    }
  }
  const bitmap = document.createElement('canvas');
  bitmap.width = data.days;
  bitmap.height = nb;
  bitmap.getContext('2d')!.putImageData(cells, 0, 0);
  g.imageSmoothingEnabled = false;
  g.drawImage(bitmap, at.left, at.top, (at.width * data.days) / horizonOf(data), at.height);
}

const horizonOf = (data: HeatmapData): number => Math.max(1, data.horizon, data.days);

/**
 * The bins worth drawing: for score bands, those anyone has reached in any panel, with one empty band
 * either side, since a score range is wide and the crowd narrow (a 0-1100 ledger whose agents sit
 * near 1000); named bins (grades) are all kept, an empty grade being news.
 */
function reached(panels: readonly HeatmapPanel[], nb: number): { from: number; count: number } {
  if (nb === 0 || !ascending(panels[0]!.data.bins)) return { from: 0, count: nb };
  let lo = nb, hi = -1;
  for (const { data } of panels) {
    for (let d = 0; d < data.days; d++) {
      for (let b = 0; b < nb; b++) {
        if (data.bin(d, b) > 0) {
          if (b < lo) lo = b;
          if (b > hi) hi = b;
        }
      }
    }
  }
  if (hi < 0) return { from: 0, count: nb };
  const from = Math.max(0, lo - 1);
  return { from, count: Math.min(nb - 1, hi + 1) - from + 1 };
}

/** The panel's data with only the bins [from, from + count). */
function cropped(data: HeatmapData, from: number, count: number): HeatmapData {
  if (from === 0 && count === data.bins.length) return data;
  return { days: data.days, horizon: data.horizon, bins: data.bins.slice(from, from + count), bin: (d, b) => data.bin(d, b + from) };
}

/**
 * Draws the panels stacked on `canvas`, `width` x `height` CSS pixels, on one colour scale so that
 * they compare; returns where each panel's cells went and the share the key's top stands for.
 */
export function drawHeatmaps(canvas: HTMLCanvasElement, width: number, height: number, panels: readonly HeatmapPanel[]): { layouts: HeatmapLayout[]; keyMax: number } {
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
  const range = reached(panels, panels[0]?.data.bins.length ?? 0);
  panels = panels.map((p) => ({ ...p, data: cropped(p.data, range.from, range.count) }));
  const bins = panels[0]?.data.bins ?? [];
  const nb = bins.length;
  const labelled = panels.some((p) => p.label !== undefined);
  const labelWidth = Math.min(72, Math.max(...bins.map((b) => g.measureText(b).width), 10));
  const left = Math.ceil(labelWidth) + 10 + (labelled ? 16 : 0);
  const plotW = Math.max(10, width - left - KEY);
  const gap = 8;
  const plotH = Math.max(10, (height - TOP - BOTTOM - gap * (panels.length - 1)) / Math.max(1, panels.length));
  const all = panels.map((p) => sharesOf(p.data));
  const keyMax = keyTop(Math.max(0, ...all.map((a) => a.max)));
  const layouts = panels.map((_, k): HeatmapLayout => ({ left, top: TOP + k * (plotH + gap), width: plotW, height: plotH, ...range }));

  panels.forEach((panel, k) => {
    const at = layouts[k]!;
    drawCells(g, panel.data, all[k]!.shares, keyMax, at);
    g.strokeStyle = LINE;
    g.lineWidth = 1;
    g.strokeRect(left - 0.5, at.top - 0.5, plotW + 1, plotH + 1);
    // The bins' labels, as many as fit without overlapping.
    g.fillStyle = INK;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    const up = ascending(bins);
    const cell = plotH / nb;
    for (let b = 0; b < nb; b += Math.max(1, Math.ceil(13 / cell))) {
      g.fillText(bins[b]!, left - 5, at.top + ((up ? nb - 1 - b : b) + 0.5) * cell, labelWidth);
    }
    if (panel.label !== undefined) {
      g.textAlign = 'left';
      g.font = `600 ${FONT}`;
      g.fillText(panel.label, 0, at.top + plotH / 2);
      g.font = FONT;
    }
  });

  // The day axis, under the last panel.
  const horizon = Math.max(1, ...panels.map((p) => horizonOf(p.data)));
  const bottom = TOP + panels.length * plotH + gap * (panels.length - 1);
  g.fillStyle = INK;
  g.textAlign = 'center';
  g.textBaseline = 'top';
  for (const d of dayTicks(horizon, Math.max(3, plotW / 50))) {
    const x = left + ((d - 0.5) / horizon) * plotW;
    g.fillRect(Math.round(x), bottom, 1, 4);
    g.fillText(d.toLocaleString('en-US'), x, bottom + 5);
  }
  g.fillText('day', left + plotW / 2, bottom + 19);

  // The colour key: the log ramp from the floor to the top share, beside all panels.
  const kx = left + plotW + 12;
  const keyH = bottom - TOP;
  const steps = 40;
  for (let k = 0; k < steps; k++) {
    const [r, gr, bl] = rampColour(FIRST + ((1 - FIRST) * k) / (steps - 1));
    g.fillStyle = `rgb(${r},${gr},${bl})`;
    g.fillRect(kx, bottom - ((k + 1) * keyH) / steps, 10, keyH / steps + 0.5);
  }
  g.strokeStyle = LINE;
  g.strokeRect(kx - 0.5, TOP - 0.5, 11, keyH + 1);
  g.fillStyle = INK;
  g.textAlign = 'left';
  g.textBaseline = 'top';
  g.fillText(percent(keyMax), kx + 14, TOP);
  g.textBaseline = 'middle';
  if (keyMax > 0.05) g.fillText('1%', kx + 14, bottom - keyH * (Math.log(0.01 / FLOOR) / Math.log(keyMax / FLOOR)));
  g.textBaseline = 'bottom';
  g.fillText(`${FLOOR * 100}%`, kx + 14, bottom);
  return { layouts, keyMax };
}

/** The panel, day and bin under a point of the canvas (CSS pixels), if it is on a drawn cell. */
export function cellAt(layouts: readonly HeatmapLayout[], panels: readonly HeatmapPanel[], x: number, y: number): { panel: number; day: number; bin: number } | undefined {
  const panel = layouts.findIndex((l) => y >= l.top && y < l.top + l.height);
  if (panel < 0) return undefined;
  const [at, data] = [layouts[panel]!, panels[panel]!.data];
  const day = Math.floor(((x - at.left) / at.width) * horizonOf(data));
  const row = Math.floor(((y - at.top) / at.height) * at.count);
  if (day < 0 || day >= data.days || row < 0 || row >= at.count) return undefined;
  return { panel, day, bin: at.from + (ascending(data.bins) ? at.count - 1 - row : row) };
}
