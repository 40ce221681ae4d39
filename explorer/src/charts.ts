/**
 * The live charts: a line per chosen metric (A, and B dashed while comparing), a heatmap per chosen
 * histogram, the difference B − A for one metric, and the chooser of what is charted. The runs'
 * daily vectors stay in the runs; the charts read them on each animation frame after new days.
 */

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartMetrics, defaultChoice, type ChartMetric } from './chart-metrics.ts';
import { chartPng, download, type SeriesView } from './export.ts';
import { cellAt, drawHeatmaps, type HeatmapLayout, type HeatmapPanel } from './heatmap.ts';
import type { MetricView } from './protocol.ts';

/** A run as the charts read it: its daily vectors, population and horizon. */
export interface ChartRun extends SeriesView {
  agents: number;
  horizon: number;
  name: string;
}

const COLOR = { A: '#2f6f9f', B: '#c2662d', diff: '#7a4f9f' };
const HEIGHT = 180;
/** Narrower than this, a chart scrolls rather than squeezes its axes. */
const MIN_WIDTH = 240;

interface Line {
  metric: ChartMetric;
  plot: uPlot;
  el: HTMLElement;
}

interface Heat {
  metric: ChartMetric;
  canvas: HTMLCanvasElement;
  el: HTMLElement;
  /** What the last frame drew (A, and B below it while comparing), for the tooltip. */
  panels: HeatmapPanel[];
  layouts: HeatmapLayout[];
}

/** Each run's chartable metrics, kept while its metric list is the same. */
const perRun = new WeakMap<readonly MetricView[], Map<string, ChartMetric>>();
function metricsOf(run: ChartRun): Map<string, ChartMetric> {
  let m = perRun.get(run.metrics);
  if (!m) perRun.set(run.metrics, (m = new Map(chartMetrics(run.metrics).map((x) => [x.name, x]))));
  return m;
}

/** A run's daily values of a chart's metric; null past its last day or where undefined. */
function seriesOf(run: ChartRun, name: string, days: number): (number | null)[] {
  const m = metricsOf(run).get(name);
  const out: (number | null)[] = [];
  for (let d = 0; d < days; d++) out.push(m && m.kind === 'line' && d < run.days ? m.value(run.values, d * run.width, run.agents) : null);
  return out;
}

/** Tick labels with just enough decimals to tell neighbouring ticks apart. */
function tickLabels(splits: number[]): string[] {
  const step = splits.length > 1 ? Math.abs(splits[1]! - splits[0]!) : 1;
  const decimals = (unit: number): number => (step > 0 ? Math.min(6, Math.max(0, -Math.floor(Math.log10(step / unit)))) : 0);
  const millions = decimals(1e6);
  return splits.map((v) => (Math.abs(v) >= 1e6 ? `${(v / 1e6).toFixed(Math.max(1, millions))}M` : v.toLocaleString('en-US', { minimumFractionDigits: decimals(1), maximumFractionDigits: decimals(1) })));
}

const widthOf = (box: HTMLElement): number => Math.max(MIN_WIDTH, box.clientWidth);

/** A line chart in words: how many days, and the last day's value (B's beside it when comparing). */
function spoken(title: string, a: ChartRun, va: (number | null)[], vb?: (number | null)[]): string {
  if (a.days === 0) return `${title}: no days run yet`;
  const say = (v: number | null | undefined): string => (v === null || v === undefined ? 'no value' : v.toLocaleString('en-US', { maximumSignificantDigits: 4 }));
  const last = va[a.days - 1];
  return `${title}, ${a.days} days: ${vb ? `A ${say(last)}, B ${say(vb[a.days - 1])}` : say(last)} on day ${a.days}`;
}

function plotIn(box: HTMLElement, series: uPlot.Series[]): uPlot {
  const empty: uPlot.AlignedData = [[], ...series.map((): (number | null)[] => [])];
  return new uPlot(
    {
      width: widthOf(box),
      height: HEIGHT,
      legend: { show: false },
      scales: { x: { time: false } },
      axes: [{ label: 'day', size: 36, stroke: '#6a737d' }, { size: 60, stroke: '#6a737d', values: (_u, splits) => tickLabels(splits) }],
      series: [{}, ...series],
    },
    empty,
    box,
  );
}

export class Charts {
  /** The user's choice of charts, in order; undefined: the default set of the world loaded. */
  chosen: string[] | undefined;
  /** The difference chart's metric, kept across runs (and in the address). */
  diffMetric = '';
  private lines: Line[] = [];
  private heats: Heat[] = [];
  private diff: { plot: uPlot; el: HTMLElement } | undefined;
  private all: ChartMetric[] = [];
  private defaults: string[] = [];
  private comparing = false;
  private redraw = false;
  private chooserOpen = false;
  private chooser: HTMLDetailsElement | undefined;

  /**
   * `runs` gives run A and, while comparing, B; `chose` hears of a change of the charts chosen or
   * of the difference's metric (for the address).
   */
  constructor(
    private readonly root: HTMLElement,
    private readonly runs: () => { a: ChartRun; b?: ChartRun },
    private readonly chose: () => void,
  ) {
    new ResizeObserver(() => this.resize()).observe(root);
  }

  /** No charts until the next world is ready. */
  clear(): void {
    this.clearFigures();
    this.chooser = undefined;
    this.root.replaceChildren();
  }

  /** The charts of a new world, with `metrics`. */
  build(metrics: readonly MetricView[], comparing: boolean): void {
    this.clear();
    this.comparing = comparing;
    this.all = chartMetrics(metrics);
    this.defaults = defaultChoice(this.all, metrics);
    this.chooser = this.makeChooser();
    this.root.append(this.chooser);
    this.buildFigures();
  }

  /** The charts shown: the choice where this world has its metrics, else the defaults. */
  shown(): ChartMetric[] {
    const names = this.chosen ?? this.defaults;
    return names.flatMap((n) => this.all.filter((m) => m.name === n));
  }

  requestDraw(): void {
    if (!this.redraw) {
      this.redraw = true;
      requestAnimationFrame(() => this.draw());
    }
  }

  private clearFigures(): void {
    for (const c of this.lines) c.plot.destroy();
    this.diff?.plot.destroy();
    for (const el of [...this.lines, ...this.heats, ...(this.diff ? [this.diff] : [])].map((c) => c.el)) el.remove();
    this.lines = [];
    this.heats = [];
    this.diff = undefined;
  }

  private buildFigures(): void {
    this.clearFigures();
    if (this.comparing) this.buildDiff();
    for (const metric of this.shown()) {
      if (metric.kind === 'heatmap') this.buildHeat(metric);
      else this.buildLine(metric);
    }
    this.updateSummary();
    this.requestDraw();
  }

  /** A figure with its title (the metric's name small beside it), a key while comparing, a PNG button and the box the chart draws in. */
  private figure(title: string, name: string | undefined, description: string, key: boolean, detail?: string): { el: HTMLElement; head: HTMLElement; box: HTMLElement } {
    const el = document.createElement('figure');
    el.className = 'chart';
    el.dataset.points = '0';
    const head = document.createElement('div');
    head.className = 'chart-head';
    const h = document.createElement('h2');
    h.textContent = title;
    h.title = title;
    if (name !== undefined && name !== title) {
      const small = document.createElement('code');
      small.className = 'metric-name';
      small.textContent = name;
      h.append(' ', small);
    }
    head.append(h);
    if (key) {
      const k = document.createElement('span');
      k.className = 'key';
      k.innerHTML = '<span class="a">A</span><span class="b">B</span>';
      head.append(k);
    }
    const p = document.createElement('p');
    p.textContent = description;
    if (detail !== undefined) p.title = detail;
    const png = document.createElement('button');
    png.type = 'button';
    png.className = 'png';
    png.textContent = 'PNG';
    png.setAttribute('aria-label', `Download the ${name ?? title} chart as PNG`);
    png.addEventListener('click', () => {
      const canvas = el.querySelector('canvas');
      const metric = el.dataset.metric ?? el.dataset.diffMetric ?? 'chart';
      const heading = name === undefined ? `${title}: ${metric}` : name === title ? name : `${title} (${name})`;
      const file = `${this.runs().a.name || 'explorer'}-${el.classList.contains('diff') ? 'difference-' : ''}${metric}.png`;
      if (canvas) void chartPng(canvas, heading, p.textContent ?? '').then((b) => download(file, b));
    });
    head.append(png);
    const box = document.createElement('div');
    box.className = 'plot';
    el.append(head, p, box);
    return { el, head, box };
  }

  private buildLine(metric: ChartMetric): void {
    const { el, box } = this.figure(metric.title, metric.name, metric.description, this.comparing, metric.detail);
    el.dataset.metric = metric.name;
    this.root.append(el);
    const series: uPlot.Series[] = [{ label: this.comparing ? 'A' : metric.name, stroke: COLOR.A, width: 1.5, fill: this.comparing ? undefined : 'rgba(47,111,159,0.08)' }];
    if (this.comparing) series.push({ label: 'B', stroke: COLOR.B, width: 1.5, dash: [6, 3] });
    // The canvas says nothing to a screen reader: the box is an image whose label carries the latest values.
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', `${metric.title}: no days run yet`);
    this.lines.push({ metric, plot: plotIn(box, series), el });
  }

  private buildHeat(metric: ChartMetric): void {
    const what = this.comparing ? ', A above B on one colour scale' : '';
    const { el, box } = this.figure(metric.title, metric.name, metric.description + what, false, metric.detail);
    el.dataset.metric = metric.name;
    el.dataset.kind = 'heatmap';
    el.dataset.bins = String(metric.bins.length);
    el.classList.add('heat');
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${metric.title}: share of agents in each band (${metric.bins.join(', ')}), day by day, darker is more (on a log scale from 0.1%)${what}`);
    box.append(canvas);
    this.root.append(el);
    const heat: Heat = { metric, canvas, el, panels: [], layouts: [] };
    canvas.addEventListener('mousemove', (e) => {
      const at = cellAt(heat.layouts, heat.panels, e.offsetX, e.offsetY);
      canvas.title = at ? this.cellText(heat.panels[at.panel]!, at.day, at.bin) : '';
    });
    this.heats.push(heat);
  }

  private cellText(panel: HeatmapPanel, day: number, bin: number): string {
    const { data } = panel;
    let total = 0;
    for (let b = 0; b < data.bins.length; b++) total += data.bin(day, b);
    const n = data.bin(day, bin);
    const share = total > 0 ? ((100 * n) / total).toFixed(1) : '0';
    return `${panel.label === undefined ? '' : `${panel.label}: `}day ${day + 1}, ${data.bins[bin]}: ${share}% (${n.toLocaleString('en-US')} agents)`;
  }

  /** The difference chart, B − A, for a metric picked in it. */
  private buildDiff(): void {
    const charted = this.shown().filter((m) => m.kind === 'line');
    const lines = [...charted, ...this.all.filter((m) => m.kind === 'line' && !charted.includes(m))];
    if (lines.length === 0) return;
    const { el, head, box } = this.figure('Difference B − A', undefined, 'the chosen metric in B less the same metric in A, day by day', false);
    el.classList.add('diff');
    el.id = 'diff-chart';
    const field = document.createElement('label');
    field.className = 'inline';
    field.textContent = 'Metric';
    const select = document.createElement('select');
    select.id = 'diff-metric';
    field.htmlFor = select.id;
    for (const m of lines) select.add(new Option(m.title, m.name));
    select.value = lines.some((m) => m.name === this.diffMetric) ? this.diffMetric : lines[0]!.name;
    this.diffMetric = select.value;
    select.addEventListener('change', () => {
      this.diffMetric = select.value;
      el.dataset.diffMetric = this.diffMetric;
      this.requestDraw();
      this.chose();
    });
    const png = head.querySelector('.png');
    head.insertBefore(field, png);
    head.insertBefore(select, png);
    el.dataset.diffMetric = this.diffMetric;
    this.root.append(el);
    this.diff = { plot: plotIn(box, [{ label: 'B − A', stroke: COLOR.diff, width: 1.5, fill: 'rgba(122,79,159,0.08)' }]), el };
  }

  // ---- the chooser ----

  /**
   * A closed disclosure of checkboxes, one per chart this world allows. The boxes exist only while
   * it is open: a world has a hundred metrics or more, and their labels would crowd the page's
   * other labelled controls.
   */
  private makeChooser(): HTMLDetailsElement {
    const details = document.createElement('details');
    details.className = 'chooser';
    details.id = 'chart-chooser';
    const summary = document.createElement('summary');
    details.append(summary);
    details.open = this.chooserOpen;
    details.addEventListener('toggle', () => {
      this.chooserOpen = details.open;
      if (details.open) this.fillChooser(details);
      else details.querySelector('fieldset')?.remove();
    });
    if (details.open) this.fillChooser(details);
    return details;
  }

  private fillChooser(details: HTMLDetailsElement): void {
    details.querySelector('fieldset')?.remove();
    const set = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = 'Charts to draw';
    const reset = document.createElement('button');
    reset.type = 'button';
    reset.className = 'defaults';
    reset.textContent = 'Back to the default charts';
    reset.addEventListener('click', () => this.choose(undefined));
    const list = document.createElement('div');
    list.className = 'choices';
    const shown = new Set(this.shown().map((m) => m.name));
    const order = [...this.defaults.flatMap((n) => this.all.filter((m) => m.name === n)), ...this.all.filter((m) => !this.defaults.includes(m.name))];
    for (const m of order) {
      const label = document.createElement('label');
      label.className = 'check';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = m.name;
      box.checked = shown.has(m.name);
      box.addEventListener('change', () => {
        const now = this.shown().map((x) => x.name);
        this.choose(box.checked ? [...now, m.name] : now.filter((n) => n !== m.name));
      });
      const name = document.createElement('code');
      name.className = 'metric-name';
      name.textContent = m.name;
      const text = document.createElement('span');
      text.append(`${m.title}${m.kind === 'heatmap' ? ' (heatmap)' : ''} `, name);
      label.title = m.description;
      label.append(box, text);
      list.append(label);
    }
    set.append(legend, reset, list);
    details.append(set);
  }

  private choose(names: string[] | undefined): void {
    this.chosen = names;
    this.buildFigures();
    const boxes = this.chooser?.querySelectorAll<HTMLInputElement>('.choices input');
    const shown = new Set(this.shown().map((m) => m.name));
    for (const b of boxes ?? []) b.checked = shown.has(b.value);
    this.chose();
  }

  private updateSummary(): void {
    const summary = this.chooser?.querySelector('summary');
    if (summary) summary.textContent = `Charts: ${this.shown().length} of ${this.all.length} shown, choose…`;
  }

  // ---- drawing ----

  private resize(): void {
    for (const c of [...this.lines, ...(this.diff ? [this.diff] : [])]) {
      const w = c.el.querySelector<HTMLElement>('.plot')!.clientWidth;
      if (w > 0 && Math.abs(Math.max(MIN_WIDTH, w) - c.plot.width) > 2) c.plot.setSize({ width: Math.max(MIN_WIDTH, w), height: HEIGHT });
    }
    if (this.heats.length) this.requestDraw();
  }

  private draw(): void {
    this.redraw = false;
    const { a, b } = this.runs();
    const days = Math.max(a.days, b?.days ?? 0);
    const x = Array.from({ length: days }, (_, d) => d + 1);
    for (const c of this.lines) {
      const va = seriesOf(a, c.metric.name, days);
      const vb = b && seriesOf(b, c.metric.name, days);
      if (b) {
        c.plot.setData([x, va, vb!] as uPlot.AlignedData);
        c.el.dataset.pointsB = String(b.days);
      } else c.plot.setData([x, va] as uPlot.AlignedData);
      c.el.dataset.points = String(a.days);
      c.el.dataset.last = String(va[a.days - 1] ?? '');
      c.el.querySelector('.plot')?.setAttribute('aria-label', spoken(c.metric.title, a, va, vb));
    }
    for (const h of this.heats) this.drawHeat(h, a, b);
    if (this.diff && b) {
      const both = Math.min(a.days, b.days);
      const va = seriesOf(a, this.diffMetric, both);
      const vb = seriesOf(b, this.diffMetric, both);
      const d = va.map((v, i) => (v === null || vb[i] === null ? null : vb[i]! - v));
      this.diff.plot.setData([x.slice(0, both), d] as uPlot.AlignedData);
      this.diff.el.dataset.points = String(both);
      this.diff.el.dataset.maxAbs = String(d.reduce<number>((m, v) => Math.max(m, Math.abs(v ?? 0)), 0));
    }
  }

  private drawHeat(h: Heat, a: ChartRun, b: ChartRun | undefined): void {
    const box = h.el.querySelector<HTMLElement>('.plot')!;
    if (box.clientWidth === 0) return;
    const panel = (run: ChartRun, label?: string): HeatmapPanel[] => {
      const m = metricsOf(run).get(h.metric.name);
      if (!m || m.kind !== 'heatmap') return [];
      const nb = m.bins.length;
      return [{ label, data: { days: run.days, horizon: run.horizon, bins: m.bins, bin: (d, k) => (k < nb ? run.values[d * run.width + m.slot + k]! : 0) } }];
    };
    h.panels = b ? [...panel(a, 'A'), ...panel(b, 'B')] : panel(a);
    if (h.panels.length === 0) return;
    const drawn = drawHeatmaps(h.canvas, widthOf(box), h.panels.length > 1 ? HEIGHT + 120 : HEIGHT, h.panels);
    h.layouts = drawn.layouts;
    h.el.dataset.points = String(a.days);
    if (b) h.el.dataset.pointsB = String(b.days);
    h.el.dataset.top = String(drawn.keyMax);
  }
}
