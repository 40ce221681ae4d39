import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { parse } from 'yaml';
import { texts } from './library.ts';
import type { FromWorker, MetricView, ProblemView, ToWorker } from './protocol.ts';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const ui = {
  scenario: $<HTMLSelectElement>('scenario'),
  title: $('scenario-title'),
  agents: $<HTMLInputElement>('agents'),
  days: $<HTMLInputElement>('days'),
  seed: $<HTMLInputElement>('seed'),
  run: $<HTMLButtonElement>('run'),
  pause: $<HTMLButtonElement>('pause'),
  step: $<HTMLButtonElement>('step'),
  reset: $<HTMLButtonElement>('reset'),
  speed: $<HTMLSelectElement>('speed'),
  day: $('day'),
  horizon: $('horizon'),
  state: $('state'),
  population: $('population'),
  rate: $('rate'),
  yaml: $<HTMLTextAreaElement>('yaml'),
  gutter: $('gutter'),
  marks: $('marks'),
  problems: $<HTMLOListElement>('problems'),
  charts: $('charts'),
};

/** The metrics charted first, when a scenario has them: the ones the lab's questions are about. */
const PREFERRED = ['listed', 'wrongfulListings', 'sanctionedAgents', 'collateralAgents', 'dissentIndex', 'approvalIndex', 'cooperationRate', 'sanctionedDays', 'collateralDays'];
const MAX_CHARTS = 6;

interface Chart {
  metric: MetricView;
  scale: number;
  plot: uPlot;
  x: number[];
  y: number[];
  el: HTMLElement;
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker): void => worker.postMessage(m);

/** Whether the worker holds a world built from the current settings. */
let loaded = false;
let running = false;
let finished = false;
let agents = 0;
let charts: Chart[] = [];
let redraw = false;
let computed = { days: 0, ms: 0 };
let badLines = new Set<number>();

// ---- scenario text and settings ----

for (const name of texts.keys()) ui.scenario.add(new Option(name, name));
ui.scenario.value = texts.has('rm1') ? 'rm1' : (texts.keys().next().value ?? '');

function pick(name: string): void {
  ui.yaml.value = texts.get(name) ?? '';
  ui.agents.value = '';
  ui.days.value = '';
  ui.seed.value = '';
  try {
    const v = parse(ui.yaml.value) as { title?: string; agents?: number; days?: number; seed?: number | string };
    ui.title.textContent = v.title ?? '';
    ui.agents.placeholder = String(v.agents ?? '');
    ui.days.placeholder = String(v.days ?? '');
    ui.seed.placeholder = String(v.seed ?? '');
  } catch {
    ui.title.textContent = '';
  }
  showProblems([]);
  changed();
}

function changed(): void {
  loaded = false;
  finished = false;
  if (running) send({ type: 'pause' });
  setRunning(false);
}

const num = (input: HTMLInputElement): number | undefined => (input.value.trim() === '' ? undefined : Number(input.value));

function load(): void {
  clearCharts();
  computed = { days: 0, ms: 0 };
  ui.rate.textContent = '–';
  delete ui.rate.dataset.daysPerSecond;
  ui.day.textContent = '0';
  ui.horizon.textContent = '–';
  ui.population.textContent = '–';
  showProblems([]);
  const seed = ui.seed.value.trim();
  send({ type: 'load', yaml: ui.yaml.value, agents: num(ui.agents), days: num(ui.days), seed: seed === '' ? undefined : seed });
  loaded = true;
  finished = false;
}

// ---- the YAML editor: line numbers, marked lines, problems ----

function renderGutter(): void {
  const lines = ui.yaml.value.split('\n').length;
  const out: string[] = [];
  for (let i = 1; i <= lines; i++) out.push(badLines.has(i) ? `<span class="bad" data-line="${i}">${i}</span>` : String(i));
  ui.gutter.innerHTML = out.join('\n') + '\n';
  // The marked lines' backgrounds, behind the (transparent) textarea.
  const { lineHeight, paddingTop } = metrics();
  ui.marks.replaceChildren(
    ...[...badLines].map((line) => {
      const div = document.createElement('div');
      div.style.top = `${paddingTop + (line - 1) * lineHeight}px`;
      div.style.height = `${lineHeight}px`;
      return div;
    }),
  );
  syncScroll();
}

function metrics(): { lineHeight: number; paddingTop: number } {
  const style = getComputedStyle(ui.yaml);
  return { lineHeight: parseFloat(style.lineHeight) || 18, paddingTop: parseFloat(style.paddingTop) || 0 };
}

function syncScroll(): void {
  ui.gutter.scrollTop = ui.yaml.scrollTop;
  ui.marks.style.transform = `translate(${-ui.yaml.scrollLeft}px, ${-ui.yaml.scrollTop}px)`;
}

/** Scrolls the editor so that `line` shows, a few lines from the top. */
function reveal(line: number): void {
  ui.yaml.scrollTop = Math.max(0, (line - 5) * metrics().lineHeight);
  syncScroll();
}

function goToLine(line: number, column = 1): void {
  const lines = ui.yaml.value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i]!.length + 1;
  const len = lines[line - 1]?.length ?? 0;
  ui.yaml.focus();
  ui.yaml.setSelectionRange(offset + Math.min(column - 1, len), offset + len);
  reveal(line);
}

function showProblems(problems: ProblemView[]): void {
  ui.problems.replaceChildren();
  badLines = new Set(problems.flatMap((p) => (p.line === undefined ? [] : [p.line])));
  for (const p of problems) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    const where = document.createElement('span');
    where.className = 'where';
    where.textContent = p.line === undefined ? 'scenario' : `line ${p.line}${p.column === undefined ? '' : `, column ${p.column}`}`;
    b.append(where, p.message);
    if (p.line !== undefined) {
      const { line, column } = p;
      b.addEventListener('click', () => goToLine(line, column));
    } else b.disabled = true;
    b.setAttribute('data-line', String(p.line ?? ''));
    li.append(b);
    ui.problems.append(li);
  }
  renderGutter();
  const first = problems.find((p) => p.line !== undefined);
  if (first) reveal(first.line!);
}

ui.yaml.addEventListener('input', () => {
  renderGutter();
  changed();
});
ui.yaml.addEventListener('scroll', syncScroll);
ui.yaml.addEventListener('keydown', (e) => {
  // Tab indents by two spaces, as YAML wants; Escape leaves the editor so the keyboard is never trapped.
  if (e.key === 'Tab' && !e.shiftKey) {
    e.preventDefault();
    ui.yaml.setRangeText('  ', ui.yaml.selectionStart, ui.yaml.selectionEnd, 'end');
    renderGutter();
    changed();
  } else if (e.key === 'Escape') ui.run.focus();
});

// ---- charts ----

function clearCharts(): void {
  for (const c of charts) c.plot.destroy();
  charts = [];
  ui.charts.replaceChildren();
}

function chooseMetrics(metrics: MetricView[]): MetricView[] {
  const scalar = metrics.filter((m) => m.width === 1);
  const first = PREFERRED.flatMap((n) => scalar.filter((m) => m.name === n));
  const rest = scalar.filter((m) => !first.includes(m));
  return [...first, ...rest].slice(0, MAX_CHARTS);
}

function buildCharts(metrics: MetricView[]): void {
  clearCharts();
  for (const metric of chooseMetrics(metrics)) {
    const el = document.createElement('figure');
    el.className = 'chart';
    el.dataset.metric = metric.name;
    el.dataset.points = '0';
    const index = metric.name.endsWith('Index');
    const h = document.createElement('h2');
    h.textContent = metric.name;
    const p = document.createElement('p');
    p.textContent = metric.description + (index ? ' (per agent, 0 to 1)' : '');
    const box = document.createElement('div');
    box.className = 'plot';
    el.append(h, p, box);
    ui.charts.append(el);
    const x: number[] = [];
    const y: number[] = [];
    const plot = new uPlot(
      {
        width: Math.max(300, box.clientWidth),
        height: 180,
        legend: { show: false },
        scales: { x: { time: false } },
        axes: [{ label: 'day', size: 36, stroke: '#6a737d' }, { size: 60, stroke: '#6a737d', values: (_u, splits) => tickLabels(splits) }],
        series: [{}, { label: metric.name, stroke: '#2f6f9f', width: 1.5, fill: 'rgba(47,111,159,0.08)' }],
      },
      [x, y],
      box,
    );
    charts.push({ metric, scale: index ? 1 / (1000 * agents) : 1, plot, x, y, el });
  }
}

/** Tick labels with just enough decimals to tell neighbouring ticks apart. */
function tickLabels(splits: number[]): string[] {
  const step = splits.length > 1 ? Math.abs(splits[1]! - splits[0]!) : 1;
  const decimals = step > 0 ? Math.min(6, Math.max(0, -Math.floor(Math.log10(step)))) : 0;
  return splits.map((v) => (Math.abs(v) >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })));
}

new ResizeObserver(() => {
  for (const c of charts) {
    const w = c.el.querySelector<HTMLElement>('.plot')!.clientWidth;
    if (w > 0 && Math.abs(w - c.plot.width) > 2) c.plot.setSize({ width: w, height: 180 });
  }
}).observe(ui.charts);

function draw(): void {
  redraw = false;
  for (const c of charts) {
    c.plot.setData([c.x, c.y]);
    c.el.dataset.points = String(c.x.length);
  }
}

// ---- run control ----

function speed(): number {
  return Number(ui.speed.value);
}

function setRunning(on: boolean): void {
  running = on;
  ui.run.disabled = on;
  ui.pause.disabled = !on;
  ui.state.textContent = on ? 'running' : finished ? 'finished' : loaded ? 'paused' : 'idle';
}

ui.scenario.addEventListener('change', () => pick(ui.scenario.value));
for (const input of [ui.agents, ui.days, ui.seed]) input.addEventListener('input', changed);
ui.speed.addEventListener('change', () => send({ type: 'speed', daysPerSecond: speed() }));

ui.run.addEventListener('click', () => {
  if (!loaded || finished) load();
  send({ type: 'run', daysPerSecond: speed() });
  setRunning(true);
});
ui.pause.addEventListener('click', () => {
  send({ type: 'pause' });
  setRunning(false);
});
ui.step.addEventListener('click', () => {
  if (!loaded || finished) load();
  send({ type: 'step' });
  setRunning(false);
});
ui.reset.addEventListener('click', () => {
  load();
  setRunning(false);
});

worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'ready':
      agents = m.agents;
      ui.horizon.textContent = String(m.days);
      ui.population.textContent = m.agents.toLocaleString('en-US');
      ui.day.textContent = '0';
      buildCharts(m.metrics);
      ui.state.textContent = running ? 'running' : 'ready';
      break;
    case 'problems':
      loaded = false;
      showProblems(m.problems);
      setRunning(false);
      ui.state.textContent = `${m.problems.length} problem${m.problems.length === 1 ? '' : 's'} in the scenario`;
      break;
    case 'failed':
      loaded = false;
      showProblems([{ message: m.message }]);
      setRunning(false);
      ui.state.textContent = 'failed';
      break;
    case 'days': {
      const w = m.values.length / (m.to - m.from);
      for (const c of charts) {
        for (let d = m.from; d < m.to; d++) {
          c.x.push(d + 1);
          c.y.push(m.values[(d - m.from) * w + c.metric.slot]! * c.scale);
        }
      }
      ui.day.textContent = String(m.to);
      computed = { days: computed.days + (m.to - m.from), ms: computed.ms + m.computeMs };
      if (computed.ms > 0) {
        const dps = (computed.days * 1000) / computed.ms;
        ui.rate.textContent = `${dps.toFixed(dps < 10 ? 1 : 0)} days/s · ${((dps * agents) / 1e6).toFixed(2)} M agent-days/s`;
        ui.rate.dataset.daysPerSecond = String(dps);
      }
      if (!redraw) {
        redraw = true;
        requestAnimationFrame(draw);
      }
      break;
    }
    case 'paused':
      break;
    case 'finished':
      finished = true;
      setRunning(false);
      break;
  }
});
worker.addEventListener('error', (e) => {
  showProblems([{ message: `the engine's worker failed: ${e.message}` }]);
  setRunning(false);
});

pick(ui.scenario.value);
