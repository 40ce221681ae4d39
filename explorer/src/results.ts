import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import type { ExperimentList, ExperimentListing, ExperimentResults } from '../../src/cli/explore-api.ts';
import { fmtNum } from '../../src/experiment/format.ts';
import { $, el, scrolling } from './dom.ts';
import { resultsHash, viewOf } from './results-address.ts';
import { sensitivity } from './results-sensitivity.ts';

// The Results view: the experiments in the result store that `sclab explore --store` serves
// read-only under /api/, and one of them opened: its design, its summaries and paired differences
// with 95% intervals, its sensitivity to the varied parameters, and its daily series with 95%
// bands per arm. The address says what is open (#results, #results=NAME), beside the run view's
// own #z=/#u= settings.

const ui = {
  layout: document.querySelector<HTMLElement>('main.layout')!,
  scenarioTitle: $('scenario-title'),
  results: $('results'),
  tabRun: $<HTMLAnchorElement>('tab-run'),
  tabResults: $<HTMLAnchorElement>('tab-results'),
  store: $('results-store'),
  list: $<HTMLUListElement>('experiments'),
  empty: $('results-empty'),
  status: $('results-status'),
  experiment: $('experiment'),
};

/** One colour per arm (or arm @ point), in the order the experiment names them; the first is the live charts' A. */
const PALETTE = ['#2f6f9f', '#c2662d', '#3c8d5a', '#7a4f9f', '#a33b5b', '#8a7a2a', '#2a7f8a', '#6a737d'];
const BAND_ALPHA = '26';

let listing: ExperimentList | undefined;
let open: { id: string; plots: { plot: uPlot; box: HTMLElement }[] } | undefined;

async function getJson<T>(path: string): Promise<T> {
  const r = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = (await r.json().catch(() => ({ error: `${r.status} ${r.statusText}` }))) as T & { error?: string };
  if (!r.ok) throw new Error(body.error ?? `${r.status} ${r.statusText}`);
  return body;
}

function say(text: string, isError = false): void {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', isError);
  ui.status.hidden = text === '';
}

// ---- the list ----

async function loadList(): Promise<void> {
  try {
    listing = await getJson<ExperimentList>('api/experiments');
  } catch (e) {
    listing = undefined;
    say(`Could not read the result store: ${(e as Error).message}`, true);
    ui.results.dataset.list = 'error';
    return;
  }
  ui.store.textContent = `Store: ${listing.store}`;
  ui.list.replaceChildren(...listing.experiments.map(item));
  ui.empty.hidden = listing.experiments.length > 0;
  if (listing.message) $('results-message').textContent = listing.message;
  ui.results.dataset.list = String(listing.experiments.length);
  markOpen();
}

function item(e: ExperimentListing): HTMLLIElement {
  const li = el('li');
  const a = el('a');
  a.href = `#${resultsHash(e.id)}`;
  a.dataset.experiment = e.id;
  a.append(el('span', e.name, 'name'));
  if (e.title) a.append(el('span', e.title, 'title'));
  const runs = `${e.runs.done}/${e.runs.total} runs${e.runs.failed ? `, ${e.runs.failed} failed` : ''}`;
  a.append(el('span', `${e.scenario} · ${e.arms.length} arm${e.arms.length === 1 ? '' : 's'} · ${e.points} point${e.points === 1 ? '' : 's'} · ${runs} · ${e.updated.slice(0, 16)}`, 'meta'));
  li.append(a);
  return li;
}

function markOpen(): void {
  for (const a of ui.list.querySelectorAll<HTMLAnchorElement>('a')) {
    if (a.dataset.experiment === open?.id) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// ---- one experiment ----

async function openExperiment(id: string, focus: boolean): Promise<void> {
  if (open?.id === id) return;
  close();
  open = { id, plots: [] };
  markOpen();
  say(`Opening ${id}…`);
  let r: ExperimentResults;
  try {
    r = await getJson<ExperimentResults>(`api/experiments/${encodeURIComponent(id)}`);
  } catch (e) {
    say(`Could not open ${id}: ${(e as Error).message}`, true);
    return;
  }
  if (open?.id !== id) return;
  say('');
  ui.experiment.replaceChildren(...describe(r), ...summaries(r), ...sensitivity(r, titled), ...charts(r));
  ui.experiment.hidden = false;
  ui.experiment.dataset.experiment = id;
  if (focus) ui.experiment.querySelector<HTMLElement>('h2')?.focus();
}

function close(): void {
  for (const p of open?.plots ?? []) p.plot.destroy();
  open = undefined;
  ui.experiment.replaceChildren();
  ui.experiment.hidden = true;
  delete ui.experiment.dataset.experiment;
  markOpen();
}

function describe(r: ExperimentResults): HTMLElement[] {
  const h = el('h2', r.title ? `${r.name}: ${r.title}` : r.name);
  h.id = 'experiment-title';
  h.tabIndex = -1;
  const out: HTMLElement[] = [h];
  if (r.description) out.push(el('p', r.description, 'lead'));
  const dl = el('dl', undefined, 'facts');
  const fact = (term: string, value: string | Node): void => {
    const dd = el('dd');
    dd.append(value);
    dl.append(el('dt', term), dd);
  };
  fact('Base scenario', r.scenario);
  fact('Design', r.design.parameters.length ? `${r.design.method}, ${r.design.points} points over ${r.design.parameters.join(', ')}` : r.design.method);
  fact('Replicates', String(r.design.replicates));
  const arms = el('ul', undefined, 'arms');
  r.arms.forEach((a, k) => {
    const li = el('li');
    li.append(el('span', a, 'arm'));
    if (k === 0) li.append(el('span', ' (reference)', 'muted-inline'));
    const d = r.armDescriptions[a];
    if (d) li.append(`: ${d}`);
    arms.append(li);
  });
  fact('Arms', arms);
  fact('Runs', `${r.runs.done} done, ${r.runs.failed} failed, ${r.runs.total - r.runs.done - r.runs.failed} pending, of ${r.runs.total}`);
  fact('Swept', `${r.updated.slice(0, 19)} UTC, from ${r.file}`);
  out.push(dl);
  const file = el('details', undefined, 'file');
  file.append(el('summary', 'Experiment file'), el('pre', r.text));
  out.push(file);
  if (r.message) out.push(el('p', r.message, 'note'));
  return out;
}

/** A table in a box that scrolls sideways on a narrow screen, reachable by keyboard. */
function table(caption: string, head: string[], rows: { label: string; n: number; mean: number; lo: number; hi: number }[], kind: 'summary' | 'difference', metric: string): HTMLElement {
  const t = el('table', undefined, 'rtable');
  t.dataset.kind = kind;
  t.dataset.metric = metric;
  t.createCaption().textContent = caption;
  const tr = t.createTHead().insertRow();
  for (const [k, text] of head.entries()) {
    const th = el('th', text);
    th.scope = 'col';
    if (k > 0) th.className = 'num';
    tr.append(th);
  }
  const body = t.createTBody();
  for (const r of rows) {
    const row = body.insertRow();
    Object.assign(row.dataset, { label: r.label, n: String(r.n), mean: String(r.mean), lo: String(r.lo), hi: String(r.hi) });
    const th = el('th', r.label);
    th.scope = 'row';
    row.append(th, el('td', String(r.n), 'num'), el('td', fmtNum(r.mean), 'num'), el('td', `[${fmtNum(r.lo)}, ${fmtNum(r.hi)}]`, 'num'));
    // Where the interval of a difference excludes zero, the arms differ beyond what the replicates' spread explains.
    if (kind === 'difference' && (r.lo > 0 || r.hi < 0)) row.classList.add('clear');
  }
  return scrolling(t, caption);
}

/** A section of the open experiment, named by its heading, with a line on how to read it. */
function titled(cls: string, title: string, note: string): HTMLElement {
  const section = el('section', undefined, cls);
  const h = el('h3', title);
  h.id = `${cls}-title`;
  section.setAttribute('aria-labelledby', h.id);
  section.append(h, el('p', note, 'muted'));
  return section;
}

/** Above this many rows a table starts folded: a sensitivity design's points matter little one by one. */
const MANY_ROWS = 12;

function folded(box: HTMLElement, rows: number): HTMLElement {
  if (rows <= MANY_ROWS) return box;
  const d = el('details', undefined, 'many');
  d.append(el('summary', `${box.getAttribute('aria-label') ?? ''}: ${rows} rows`), box);
  return d;
}

function summaries(r: ExperimentResults): HTMLElement[] {
  if (!r.summaries.length) return [];
  const section = titled('outputs', 'Outputs at the end of the runs', 'Mean over replicates with its 95% interval; differences are of runs with the same seed, each arm less the reference arm. A difference whose interval excludes 0 is marked.');
  for (const s of r.summaries) {
    const tables = el('div', undefined, 'tables');
    tables.append(folded(table(`${s.metric} by arm`, ['Group', 'n', 'Mean', '95% interval'], s.groups, 'summary', s.metric), s.groups.length));
    for (const e of r.effects.filter((x) => x.metric === s.metric)) {
      const head = [e.contrast, 'n', 'Mean', '95% interval'];
      const overall = e.rows.filter((x) => x.label === 'all points');
      const perPoint = e.rows.filter((x) => x.label !== 'all points');
      if (overall.length && perPoint.length > MANY_ROWS) {
        tables.append(table(`${s.metric}: paired difference over all points`, head, overall, 'difference', s.metric));
        tables.append(folded(table(`${s.metric}: paired difference per point`, head, perPoint, 'difference', s.metric), perPoint.length));
      } else tables.append(table(`${s.metric}: paired difference`, head, e.rows, 'difference', s.metric));
    }
    const block = el('div', undefined, 'output');
    block.append(el('h4', s.metric), tables);
    section.append(block);
  }
  return [section];
}

// ---- charts: a line per arm with its 95% band ----

function charts(r: ExperimentResults): HTMLElement[] {
  if (!r.series.length) return [];
  const section = titled('series', 'Over time', 'Daily mean over replicates per arm, the shaded band its 95% interval.');
  const grid = el('div', undefined, 'rcharts');
  section.append(grid);
  const plots = open!.plots;
  // The grid must be in the page before uPlot measures it.
  queueMicrotask(() => {
    for (const s of r.series) {
      const groups = styled(s.groups, r.arms);
      const fig = el('figure', undefined, 'chart');
      fig.dataset.series = s.metric;
      const head = el('div', undefined, 'chart-head');
      head.append(el('h4', s.metric));
      const key = el('div', undefined, 'bandkey');
      for (const g of groups) {
        const item = el('span', g.label);
        item.style.setProperty('--c', g.color);
        item.style.setProperty('--s', g.keyStyle);
        key.append(item);
      }
      const box = el('div', undefined, 'plot');
      fig.append(head, key, el('p', s.description ?? ''), box);
      fig.setAttribute('aria-label', `${s.metric} by day, ${groups.map((g) => g.label).join(', ')}, with 95% bands`);
      grid.append(fig);
      plots.push({ plot: bandPlot(box, fig, groups), box });
    }
  });
  return [section];
}

type Group = ExperimentResults['series'][number]['groups'][number];
type Styled = Group & { color: string; dash?: number[]; keyStyle: string };

/** Dashes for the points of one arm (a line per arm and point for designs of a few points). */
const DASHES: { dash?: number[]; keyStyle: string }[] = [{ keyStyle: 'solid' }, { dash: [6, 3], keyStyle: 'dashed' }, { dash: [2, 3], keyStyle: 'dotted' }, { dash: [10, 3, 2, 3], keyStyle: 'double' }];

/**
 * The groups in the experiment's order of arms, each arm in its colour (the same order as the
 * tables), its points told apart by dashes. A group's label is `arm` or `arm @ point`.
 */
function styled(groups: Group[], arms: string[]): Styled[] {
  const armOf = (g: Group): number => arms.indexOf(g.label.split(' @ ')[0]!);
  const seen = new Map<number, number>();
  return [...groups]
    .sort((a, b) => armOf(a) - armOf(b))
    .map((g) => {
      const arm = armOf(g);
      const k = seen.get(arm) ?? 0;
      seen.set(arm, k + 1);
      return { ...g, color: PALETTE[Math.max(0, arm) % PALETTE.length]!, ...DASHES[k % DASHES.length]! };
    });
}

function bandPlot(box: HTMLElement, fig: HTMLElement, groups: Styled[]): uPlot {
  const days = groups[0]?.band.day ?? [];
  const series: uPlot.Series[] = [{}];
  const bands: uPlot.Band[] = [];
  const data: (number | null)[][] = [days.map((d) => d + 1)];
  for (const g of groups) {
    const at = series.length;
    const edge: uPlot.Series = { stroke: 'transparent', width: 0, points: { show: false } };
    series.push({ label: g.label, stroke: g.color, width: 1.6, ...(g.dash ? { dash: g.dash } : {}) }, { ...edge, label: `${g.label} upper` }, { ...edge, label: `${g.label} lower` });
    data.push(g.band.mean, g.band.hi, g.band.lo);
    bands.push({ series: [at + 1, at + 2], fill: g.color + BAND_ALPHA });
  }
  return new uPlot(
    {
      width: Math.max(280, box.clientWidth),
      height: 200,
      legend: { show: false },
      scales: { x: { time: false } },
      axes: [{ label: 'day', size: 36, stroke: '#6a737d' }, { size: 56, stroke: '#6a737d' }],
      series,
      bands,
      hooks: { draw: [(u) => void (fig.dataset.drawn = String(u.data[0].length))] },
    },
    data as uPlot.AlignedData,
    box,
  );
}

new ResizeObserver(() => {
  for (const { plot, box } of open?.plots ?? []) {
    const w = box.clientWidth;
    if (w > 0 && Math.abs(w - plot.width) > 2) plot.setSize({ width: w, height: 200 });
  }
}).observe(ui.results);

// ---- which view, from the address ----

async function show(focus: boolean): Promise<void> {
  const view = viewOf(location.hash);
  const onResults = view !== undefined;
  ui.results.hidden = !onResults;
  ui.layout.hidden = onResults;
  // The header's subtitle names the run view's scenario, which means nothing here.
  ui.scenarioTitle.hidden = onResults;
  ui.tabResults.setAttribute('aria-current', String(onResults));
  ui.tabRun.setAttribute('aria-current', String(!onResults));
  if (!onResults) return;
  if (!listing) await loadList();
  if (view.id === undefined) close();
  else await openExperiment(view.id, focus);
}

ui.tabRun.addEventListener('click', (e) => {
  e.preventDefault();
  // Back to the run view with its settings, as the run view last wrote them into the address.
  const shared = document.body.dataset.shared;
  history.pushState(null, '', shared ? `#${shared}` : location.pathname + location.search);
  void show(false);
});
ui.tabResults.addEventListener('click', (e) => {
  // The list is read again each time the view is entered: a sweep may have added to the store.
  listing = undefined;
  if (location.hash === '#results') {
    e.preventDefault();
    void show(false);
  }
});
window.addEventListener('hashchange', () => void show(true));
void show(false);
