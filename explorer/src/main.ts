// The charts first: uPlot's style sheet, then the page's, which may refine it.
import { Charts } from './charts.ts';
import './styles.css';
import { parse } from 'yaml';
import { download, seriesCsv, type SeriesView } from './export.ts';
import { canThread } from './isolation.ts';
import { texts } from './library.ts';
import { attachNetwork } from './network.ts';
import { paramsIn, type ParamControl } from './params.ts';
import type { DossierView, FromWorker, ProblemView, ToWorker } from './protocol.ts';
import { decodeShared, encodeShared, type Shared } from './share.ts';
import { $ } from './dom.ts';

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
  threads: $<HTMLSelectElement>('threads'),
  threadsNote: $('threads-note'),
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
  csv: $<HTMLButtonElement>('csv'),
  compare: $<HTMLInputElement>('compare'),
  compareBody: $('compare-body'),
  changes: $<HTMLTextAreaElement>('changes'),
  params: $('params'),
  agent: $<HTMLInputElement>('agent'),
  pickSanctioned: $<HTMLButtonElement>('pick-sanctioned'),
  dossierNote: $('dossier-note'),
  dossierBody: $('dossier-body'),
  dossierDay: $('dossier-day'),
  dossierState: $<HTMLTableElement>('dossier-state'),
  dossierHousehold: $<HTMLTableElement>('dossier-household'),
  dossierLog: $<HTMLOListElement>('dossier-log'),
};

/** One engine in its worker: A, the scenario as edited, and B, the scenario with the changes for B. */
interface Run extends SeriesView {
  label: 'A' | 'B';
  worker: Worker;
  agents: number;
  horizon: number;
  name: string;
  problems: ProblemView[];
  finished: boolean;
  /** The engine's threads for this world. */
  threads: number;
}

function makeRun(label: 'A' | 'B'): Run {
  const run: Run = {
    label,
    worker: new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: `engine ${label}` }),
    metrics: [],
    width: 0,
    days: 0,
    values: new Float64Array(0),
    agents: 0,
    horizon: 0,
    name: '',
    problems: [],
    finished: false,
    threads: 1,
  };
  run.worker.addEventListener('message', (e: MessageEvent<FromWorker>) => onMessage(run, e.data));
  run.worker.addEventListener('error', (e) => {
    run.problems = [{ message: `the engine's worker ${label} failed: ${e.message}` }];
    showAllProblems();
    setRunning(false);
  });
  return run;
}

const runA = makeRun('A');
/** The comparison's engine, started the first time it is needed. */
let runB: Run | undefined;
/** The runs of the loaded world: A, and B while comparing. */
let runs: Run[] = [runA];
const send = (m: ToWorker): void => {
  for (const r of runs) r.worker.postMessage(m);
};

/** Whether the workers hold worlds built from the current settings. */
let loaded = false;
let running = false;
let finished = false;
/** Whether the loaded world is compared with B. */
let comparing = false;
const charts = new Charts(ui.charts, () => ({ a: runA, b: comparing ? runB : undefined }), () => {
  if (loaded) void share();
});
/** Workers yet to answer a pause. */
let pausing = 0;
let computed = { days: 0, ms: 0 };
let badLines = new Set<number>();

// ---- scenario text and settings ----

for (const name of texts.keys()) ui.scenario.add(new Option(name, name));
ui.scenario.value = texts.has('rm1') ? 'rm1' : (texts.keys().next().value ?? '');

function pick(name: string, shared?: Shared): void {
  ui.yaml.value = shared?.yaml ?? texts.get(name) ?? '';
  ui.agents.value = shared?.agents ?? '';
  ui.days.value = shared?.days ?? '';
  ui.seed.value = shared?.seed ?? '';
  charts.chosen = shared?.charts;
  paramValues = new Map(parseChanges(shared?.params ?? '').map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)]));
  renderParams();
  try {
    const v = parse(ui.yaml.value) as { title?: string; agents?: number; days?: number; seed?: number | string };
    ui.title.textContent = v.title ?? '';
    ui.agents.placeholder = String(v.agents ?? '');
    ui.days.placeholder = String(v.days ?? '');
    ui.seed.placeholder = String(v.seed ?? '');
  } catch {
    ui.title.textContent = '';
  }
  for (const r of [runA, runB]) if (r) r.problems = [];
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

/** The changes for B as `path=value` lines; `path: value` is read as `path=value` too. */
function changesForB(): string[] {
  return parseChanges(ui.changes.value);
}

/** `path=value` lines (or `path: value`), blank lines and # comments left out. */
function parseChanges(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const colon = /^([A-Za-z_][\w.[\]-]*)\s*:\s+(.*)$/.exec(l);
      if (colon) return `${colon[1]}=${colon[2]}`;
      const eq = /^([A-Za-z_][\w.[\]-]*)\s*=\s*(.*)$/.exec(l);
      return eq ? `${eq[1]}=${eq[2]}` : l;
    });
}

function load(): void {
  charts.clear();
  computed = { days: 0, ms: 0 };
  ui.rate.textContent = '–';
  delete ui.rate.dataset.daysPerSecond;
  ui.day.textContent = '0';
  ui.horizon.textContent = '–';
  ui.population.textContent = '–';
  comparing = ui.compare.checked;
  if (comparing) runB ??= makeRun('B');
  runs = comparing ? [runA, runB!] : [runA];
  for (const r of runs) {
    Object.assign(r, { metrics: [], width: 0, days: 0, values: new Float64Array(0), problems: [], finished: false });
  }
  showProblems([]);
  const seed = ui.seed.value.trim();
  const base = { type: 'load', yaml: ui.yaml.value, agents: num(ui.agents), days: num(ui.days), seed: seed === '' ? undefined : seed, threads: Number(ui.threads.value) } as const;
  const set = paramChanges();
  runA.worker.postMessage({ ...base, set } satisfies ToWorker);
  if (comparing) runB!.worker.postMessage({ ...base, set: [...set, ...changesForB()] } satisfies ToWorker);
  // The dossier follows the same agent in the new world (its log starts again).
  dossierLog = [];
  const agent = num(ui.agent);
  if (agent !== undefined) runA.worker.postMessage({ type: 'watch', agent } satisfies ToWorker);
  else clearDossier();
  loaded = true;
  finished = false;
  updateExports();
}

// ---- the address: the settings, to share ----

function shared(): Shared {
  const name = ui.scenario.value;
  return {
    yaml: ui.yaml.value,
    scenario: name === '' ? undefined : name,
    agents: ui.agents.value.trim() || undefined,
    days: ui.days.value.trim() || undefined,
    seed: ui.seed.value.trim() || undefined,
    compare: ui.compare.checked || undefined,
    changes: ui.changes.value.trim() === '' ? undefined : ui.changes.value,
    params: paramChanges().join('\n') || undefined,
    diff: charts.diffMetric || undefined,
    charts: charts.chosen,
  };
}

/** Writes the settings into the page's address (the history keeps one entry). */
async function share(): Promise<void> {
  const hash = await encodeShared(shared());
  if (location.hash.slice(1) !== hash) history.replaceState(null, '', `#${hash}`);
  document.body.dataset.shared = hash;
}

/** Takes the settings from the page's address; false when it holds none. */
async function restore(): Promise<boolean> {
  const s = await decodeShared(location.hash);
  if (!s) return false;
  if (s.scenario !== undefined && texts.has(s.scenario)) ui.scenario.value = s.scenario;
  ui.compare.checked = s.compare ?? false;
  ui.changes.value = s.changes ?? '';
  ui.compareBody.hidden = !ui.compare.checked;
  charts.diffMetric = s.diff ?? '';
  pick(ui.scenario.value, s);
  return true;
}

// ---- parameter controls ----

/** The controls' values by `--set` path; a path absent keeps the scenario's value. */
let paramValues = new Map<string, string>();
let paramControls: (ParamControl & { path: string; current: unknown })[] = [];

function renderParams(): void {
  let doc: unknown;
  try {
    doc = parse(ui.yaml.value);
  } catch {
    doc = undefined;
  }
  paramControls = paramsIn(doc);
  ui.params.replaceChildren();
  paramControls.forEach((c, k) => {
    const field = document.createElement('div');
    field.className = 'field';
    const label = document.createElement('label');
    label.textContent = c.label;
    const id = `param-${k}`;
    label.htmlFor = id;
    let input: HTMLInputElement | HTMLSelectElement;
    const shown = c.current === undefined ? 'default' : JSON.stringify(c.current);
    if (c.kind === 'bool') {
      const select = document.createElement('select');
      select.add(new Option(`as in the scenario (${c.current === undefined ? 'default' : c.current ? 'on' : 'off'})`, ''));
      select.add(new Option('on', 'true'));
      select.add(new Option('off', 'false'));
      input = select;
    } else {
      const n = document.createElement('input');
      n.type = 'number';
      n.step = 'any';
      if (c.min !== undefined) n.min = String(c.min);
      if (c.max !== undefined) n.max = String(c.max);
      n.placeholder = shown;
      input = n;
    }
    input.id = id;
    input.dataset.path = c.path;
    input.title = `${c.path} (scenario: ${shown})`;
    input.value = paramValues.get(c.path) ?? '';
    input.addEventListener(c.kind === 'bool' ? 'change' : 'input', () => {
      if (input.value.trim() === '') paramValues.delete(c.path);
      else paramValues.set(c.path, input.value.trim());
      changed();
    });
    field.append(label, input);
    ui.params.append(field);
  });
  const group = ui.params.parentElement!;
  group.hidden = paramControls.length === 0;
}

/** The controls' changes as `path=value`, for the paths this scenario has. */
function paramChanges(): string[] {
  return paramControls.flatMap((c) => {
    const v = paramValues.get(c.path);
    return v === undefined ? [] : [`${c.path}=${v}`];
  });
}

// ---- the dossier ----

let dossierLog: { day: number; text: string; truth: boolean; self: boolean }[] = [];
let dossierAgent: number | undefined;
const MAX_LOG = 400;

const cell = (tag: 'td' | 'th', text: string, scope?: string): HTMLTableCellElement => {
  const c = document.createElement(tag);
  c.textContent = text;
  if (scope) c.scope = scope;
  return c;
};
const truthTag = (): HTMLElement => {
  const t = document.createElement('span');
  t.className = 'tag';
  t.textContent = 'truth, hidden from the system';
  return t;
};

function showDossier(d: DossierView): void {
  if (d.agent !== dossierAgent) dossierLog = [];
  dossierAgent = d.agent;
  if (ui.agent.value !== String(d.agent)) ui.agent.value = String(d.agent);
  dossierLog.unshift(...[...d.events].reverse());
  dossierLog.length = Math.min(dossierLog.length, MAX_LOG);
  ui.dossierBody.hidden = false;
  ui.dossierNote.textContent = `Agent ${d.agent}, followed day by day${d.household.length ? ` with ${d.household.length} household member${d.household.length === 1 ? '' : 's'}` : ''}.`;
  ui.dossierDay.textContent = String(d.day);
  document.body.dataset.dossierDay = String(d.day);
  const keys = new Set(d.keyColumns.map((k) => k.name));
  const body = ui.dossierState.tBodies[0]!;
  body.replaceChildren(
    ...d.rows.map((r) => {
      const tr = document.createElement('tr');
      tr.dataset.column = r.name;
      if (r.truth) tr.classList.add('truth');
      if (keys.has(r.name)) tr.classList.add('keycol');
      const name = cell('th', r.name, 'row');
      name.title = r.description;
      if (r.truth) name.append(truthTag());
      tr.append(name, cell('td', r.value));
      return tr;
    }),
  );
  const head = ui.dossierHousehold.tHead!;
  const hrow = document.createElement('tr');
  hrow.append(cell('th', 'Agent', 'col'), ...d.keyColumns.map((k) => cell('th', k.truth ? `${k.name} (truth)` : k.name, 'col')));
  head.replaceChildren(hrow);
  const hbody = ui.dossierHousehold.tBodies[0]!;
  hbody.replaceChildren(
    ...(d.household.length
      ? d.household.map((m) => {
          const tr = document.createElement('tr');
          tr.dataset.agent = String(m.agent);
          tr.append(cell('th', `#${m.agent}`, 'row'), ...m.values.map((v) => cell('td', v)));
          return tr;
        })
      : [Object.assign(document.createElement('tr'), { innerHTML: `<td colspan="${d.keyColumns.length + 1}" class="muted">no household in this scenario</td>` })]),
  );
  ui.dossierLog.replaceChildren(
    ...(dossierLog.length
      ? dossierLog.map((e) => {
          const li = document.createElement('li');
          if (!e.self) li.className = 'other';
          const day = document.createElement('span');
          day.className = 'd';
          day.textContent = `day ${e.day}`;
          li.append(day, e.text);
          if (e.truth) li.append(truthTag());
          return li;
        })
      : [Object.assign(document.createElement('li'), { className: 'empty', textContent: 'nothing yet' })]),
  );
  ui.dossierLog.dataset.events = String(dossierLog.length);
}

function clearDossier(): void {
  dossierLog = [];
  dossierAgent = undefined;
  ui.dossierBody.hidden = true;
  delete document.body.dataset.dossierDay;
  ui.dossierNote.textContent = 'Follow one agent day by day: its record, its household, what happens to it.';
}

function watch(agent: number | 'sanctioned' | null): void {
  if (agent === null) clearDossier();
  if (!loaded) {
    ui.dossierNote.textContent = agent === null ? '' : 'Run or step the scenario first; the dossier follows from then.';
    return;
  }
  runA.worker.postMessage({ type: 'watch', agent } satisfies ToWorker);
}

ui.agent.addEventListener('change', () => watch(num(ui.agent) ?? null));
ui.pickSanctioned.addEventListener('click', () => watch('sanctioned'));
// The network view samples around run A's agents; clicking one follows it here.
attachNetwork(runA.worker, watch);

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

/** A's problems, then B's (named so). */
function showAllProblems(): void {
  const b = runB && comparing ? runB.problems.map((p) => ({ ...p, message: `B: ${p.message}` })) : [];
  showProblems([...runA.problems, ...b]);
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
ui.yaml.addEventListener('change', renderParams);
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

// ---- export ----

function updateExports(): void {
  ui.csv.disabled = runA.days === 0;
}

ui.csv.addEventListener('click', () => {
  download(`${runA.name || 'explorer'}-daily.csv`, new Blob([seriesCsv(runA, comparing && runB ? runB : undefined)], { type: 'text/csv' }));
});

// ---- run control ----

function speed(): number {
  return Number(ui.speed.value);
}

function setRunning(on: boolean): void {
  running = on;
  pausing = 0;
  ui.run.disabled = on;
  ui.pause.disabled = !on;
  ui.state.textContent = on ? 'running' : finished ? 'finished' : loaded ? 'paused' : 'idle';
}

ui.scenario.addEventListener('change', () => pick(ui.scenario.value));
for (const input of [ui.agents, ui.days, ui.seed]) input.addEventListener('input', changed);
ui.threads.addEventListener('change', changed);

// Engine threads: as many as the cores (up to 8) where the page may share memory between workers.
{
  const cores = Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1));
  const most = canThread ? cores : 1;
  ui.threads.replaceChildren(...Array.from({ length: most }, (_, k) => new Option(String(k + 1), String(k + 1))));
  // One core is left to the page, so that it keeps drawing while the engine runs flat out.
  ui.threads.value = String(Math.max(1, Math.min(4, most - 1)));
  ui.threads.disabled = most === 1;
  ui.threadsNote.textContent = canThread
    ? `${cores} core${cores === 1 ? '' : 's'} here; one is left to the page by default. Any number gives the same results; more is faster on big worlds.`
    : 'One thread: this page cannot share memory between workers (it is not cross-origin isolated).';
}
ui.speed.addEventListener('change', () => send({ type: 'speed', daysPerSecond: speed() }));
ui.compare.addEventListener('change', () => {
  ui.compareBody.hidden = !ui.compare.checked;
  changed();
});
ui.changes.addEventListener('input', changed);

ui.run.addEventListener('click', () => {
  if (!loaded || finished) load();
  void share();
  send({ type: 'run', daysPerSecond: speed() });
  setRunning(true);
});
ui.pause.addEventListener('click', () => {
  send({ type: 'pause' });
  setRunning(false);
  // Days computed before the workers heard may still come: 'paused' once every worker has answered.
  pausing = runs.length;
  ui.state.textContent = 'pausing';
});
ui.step.addEventListener('click', () => {
  if (!loaded || finished) load();
  void share();
  send({ type: 'step' });
  setRunning(false);
});
ui.reset.addEventListener('click', () => {
  load();
  setRunning(false);
});

function onMessage(run: Run, m: FromWorker): void {
  if (!runs.includes(run)) return;
  const isA = run === runA;
  switch (m.type) {
    case 'ready':
      Object.assign(run, { agents: m.agents, horizon: m.days, name: m.name, metrics: m.metrics, width: m.metricWidth, days: 0, values: new Float64Array(m.days * m.metricWidth), threads: m.threads });
      if (!isA) {
        charts.requestDraw();
        break;
      }
      // A new world: the dossier's log starts again (whatever came from the last world came before this).
      dossierLog = [];
      ui.horizon.textContent = String(m.days);
      ui.population.textContent = m.agents.toLocaleString('en-US');
      ui.day.textContent = '0';
      charts.build(m.metrics, comparing);
      ui.state.textContent = running ? 'running' : 'ready';
      break;
    case 'problems':
    case 'failed': {
      run.problems = m.type === 'problems' ? m.problems : [{ message: m.message }];
      loaded = false;
      if (running) send({ type: 'pause' });
      setRunning(false);
      showAllProblems();
      const all = runs.reduce((n, r) => n + r.problems.length, 0);
      ui.state.textContent = m.type === 'failed' ? 'failed' : `${all} problem${all === 1 ? '' : 's'} in the scenario`;
      break;
    }
    case 'days': {
      const w = m.values.length / (m.to - m.from);
      if (run.values.length < m.to * w) {
        const grown = new Float64Array(Math.max(m.to * w, run.values.length * 2));
        grown.set(run.values.subarray(0, run.days * w));
        run.values = grown;
      }
      run.values.set(m.values, m.from * w);
      run.days = m.to;
      if (isA) {
        ui.day.textContent = String(m.to);
        computed = { days: computed.days + (m.to - m.from), ms: computed.ms + m.computeMs };
        if (computed.ms > 0) {
          const dps = (computed.days * 1000) / computed.ms;
          ui.rate.textContent = `${dps.toFixed(dps < 10 ? 1 : 0)} days/s · ${((dps * run.agents) / 1e6).toFixed(2)} M agent-days/s${run.threads > 1 ? ` on ${run.threads} threads` : ''}`;
          ui.rate.dataset.daysPerSecond = String(dps);
        }
        updateExports();
      }
      charts.requestDraw();
      break;
    }
    case 'dossier':
      if (isA) showDossier(m.dossier);
      break;
    case 'no-dossier':
      ui.dossierNote.textContent = `No dossier: ${m.reason}.`;
      break;
    case 'paused':
      if (pausing > 0 && --pausing === 0 && !running) ui.state.textContent = finished ? 'finished' : 'paused';
      break;
    case 'finished':
      run.finished = true;
      if (runs.every((r) => r.finished)) {
        finished = true;
        setRunning(false);
      }
      break;
  }
}

window.addEventListener('hashchange', () => {
  if (location.hash.slice(1) !== document.body.dataset.shared) void restore();
});

// The skip link moves the focus itself: a #charts address would replace the shared settings.
document.querySelector<HTMLAnchorElement>('.skip')?.addEventListener('click', (e) => {
  e.preventDefault();
  $('charts').focus();
});

void restore().then((done) => {
  if (!done) pick(ui.scenario.value);
  document.body.dataset.ready = 'true';
});
