/**
 * The engine's thread in the page: the lab's own core and modules (../src, the code the CLI runs),
 * driven day by day on this worker, by a LocalDriver on one thread or by a pool of engine threads
 * (thread-pool.ts) that share the world. The page never blocks on a simulation.
 */
import { LocalDriver, type Driver } from '../../src/core/engine/driver.ts';
import type { ThreadPool } from '../../src/core/engine/pool.ts';
import { CompileError } from '../../src/core/engine/world.ts';
import { MODULES } from '../../src/modules/index.ts';
import { compileScenario } from '../../src/scenario/compile.ts';
import { formatPath, ScenarioError } from '../../src/scenario/errors.ts';
import { resolveScenario } from '../../src/scenario/load.ts';
import { parseScenarioText, type SourceDoc } from '../../src/scenario/source.ts';
import { Dossier, findSanctioned } from './dossier.ts';
import { library } from './library.ts';
import { focalAgent, Neighbourhood } from './neighbourhood.ts';
import { MAX_SPEED, type DossierView, type FromWorker, type ProblemView, type ToWorker } from './protocol.ts';
import { canThread } from './isolation.ts';
import { webThreadPool } from './thread-pool.ts';

interface Scope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}
const scope = globalThis as unknown as Scope;
const post = (m: FromWorker, transfer?: Transferable[]): void => scope.postMessage(m, transfer);

/** The file name problems are reported against. */
const FILE = 'scenario.yaml';
/** How long one batch of days may hold the worker at full speed before the page hears from it. */
const BATCH_MS = 30;

let driver: Driver | undefined;
/** Engine threads, kept from one world to the next while their number stays the same. */
let pool: ThreadPool | undefined;
/** What a day cost last, so that a pool is sent as many days at once as fit in a batch. */
let msPerDay = 0;
/** The agent followed, if any: its dossier is sent each day. */
let dossier: Dossier | undefined;
/** The neighbourhood the page's network view shows, if any: its state is sent with each batch. */
let hood: Neighbourhood | undefined;
let running = false;
let daysPerSecond = MAX_SPEED;
/** Paced runs: the time and day the current pace started from. */
let paceStart = { t: 0, day: 0 };
let timer: ReturnType<typeof setTimeout> | undefined;

// A MessageChannel yields to the event loop without the 4 ms clamp of nested timeouts.
const channel = new MessageChannel();
// At most one tick is ever waiting (here or in `timer`): a pause and a run in quick succession must
// not leave two chains of ticks going.
let ticking = false;
channel.port1.onmessage = () => {
  ticking = false;
  serial(tick);
};
const soon = (): void => {
  if (ticking || timer !== undefined) return;
  ticking = true;
  channel.port2.postMessage(null);
};

function problemsOf(e: unknown, doc: SourceDoc | undefined): ProblemView[] | undefined {
  if (e instanceof ScenarioError) {
    return e.problems.map((p) => {
      const where = p.pathText === '' ? '' : `${p.pathText}: `;
      const hint = p.hint === undefined ? '' : ` (${p.hint})`;
      return { line: p.line, column: p.column, message: `${where}expected ${p.expected}, found ${p.found}${hint}` };
    });
  }
  if (e instanceof CompileError) {
    const at = doc?.locate(e.path);
    const where = e.path.length ? `${formatPath(e.path)}: ` : '';
    return [{ line: at?.line, column: at?.column, message: `${where}expected ${e.expected}, found ${e.found}` }];
  }
  return undefined;
}

async function load(m: Extract<ToWorker, { type: 'load' }>): Promise<void> {
  stop();
  driver = undefined;
  dossier = undefined;
  hood = undefined;
  msPerDay = 0;
  let doc: SourceDoc | undefined;
  try {
    const t0 = performance.now();
    doc = parseScenarioText(m.yaml, FILE);
    const scenario = resolveScenario(doc, library, MODULES, { agents: m.agents, days: m.days, seed: m.seed, set: m.set });
    const world = compileScenario(scenario, MODULES);
    const threads = canThread ? Math.max(1, Math.floor(m.threads ?? 1)) : 1;
    if (pool && pool.threads !== threads) void pool.terminate();
    if (threads > 1) {
      pool = pool?.threads === threads ? pool : webThreadPool(threads);
      driver = await pool.start(world, MODULES).catch((e: unknown) => {
        pool = undefined;
        throw e;
      });
    } else {
      pool = undefined;
      driver = new LocalDriver(world, MODULES);
    }
    const metrics = world.metrics.map((s) => ({ name: s.name, description: s.description, kind: s.kind, slot: s.slot, width: s.width, bins: s.bins && [...s.bins] }));
    post({ type: 'ready', name: scenario.name, agents: world.n, days: world.days, metricWidth: world.metricWidth, metrics, setupMs: performance.now() - t0, threads });
  } catch (e) {
    const problems = problemsOf(e, doc);
    if (problems) post({ type: 'problems', problems });
    else post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * Runs up to `days` days (fewer at the horizon) and sends their vectors to the page. A dossier is
 * read after every day; without one, a pool is sent the days that fit in the budget at once, since
 * each request is a round trip to every thread.
 */
async function advance(days: number, budgetMs = Infinity): Promise<void> {
  if (!driver) return;
  const from = driver.day;
  const t0 = performance.now();
  let left = days;
  /** The dossier at the batch's end, with the events of all its days. */
  let latest: DossierView | undefined;
  while (left > 0 && driver.day < driver.world.days) {
    const t = performance.now();
    const chunk = driver instanceof LocalDriver || dossier || msPerDay === 0 ? 1 : Math.max(1, Math.min(left, Math.floor((budgetMs - (t - t0)) / msPerDay)));
    const before = driver.day;
    if (driver instanceof LocalDriver) driver.advanceSync(chunk);
    else await driver.advance(chunk);
    if (driver.day > before) msPerDay = (performance.now() - t) / (driver.day - before);
    if (dossier) {
      const view = dossier.view(driver.day);
      latest = { ...view, events: [...(latest?.events ?? []), ...view.events] };
    }
    left -= chunk;
    if (performance.now() - t0 > budgetMs) break;
  }
  const to = driver.day;
  if (to === from) return;
  const w = driver.world.metricWidth;
  const values = driver.series.slice(from * w, to * w);
  post({ type: 'days', from, to, values, computeMs: performance.now() - t0 }, [values.buffer]);
  if (latest) post({ type: 'dossier', dossier: latest });
  if (hood) postHood(hood);
}

function postHood(h: Neighbourhood): void {
  const state = h.state(driver!.day);
  post({ type: 'neighbourhood-state', state }, Neighbourhood.transfers(state));
}

function sampleNeighbourhood(m: Extract<ToWorker, { type: 'neighbourhood' }>): void {
  if (!driver) return;
  const world = driver.world;
  const layer = m.layer !== undefined && world.layers[m.layer] ? m.layer : undefined;
  const agent = m.agent !== undefined && Number.isInteger(m.agent) && m.agent >= 0 && m.agent < world.n ? m.agent : focalAgent(world, dossier?.agent);
  hood = new Neighbourhood(world, agent, layer, m.hops, m.cap);
  // Copies: the sample stays here to be read again each batch.
  post({ type: 'neighbourhood', sample: hood.sample });
  postHood(hood);
}

async function tick(): Promise<void> {
  // This tick does the work of one still pending on the clock (a run sent while paced).
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  if (!running || !driver) return;
  if (daysPerSecond === MAX_SPEED) {
    await advance(Infinity, BATCH_MS);
  } else {
    const due = paceStart.day + Math.floor(((performance.now() - paceStart.t) * daysPerSecond) / 1000) - driver.day;
    if (due > 0) await advance(due, BATCH_MS);
  }
  if (!running || !driver) return;
  if (driver.day >= driver.world.days) {
    running = false;
    post({ type: 'finished', day: driver.day });
    return;
  }
  if (daysPerSecond === MAX_SPEED) soon();
  else if (!ticking && timer === undefined) timer = setTimeout(() => serial(tick), Math.max(4, Math.min(100, 1000 / daysPerSecond / 2)));
}

function pace(dps: number): void {
  daysPerSecond = dps;
  paceStart = { t: performance.now(), day: driver?.day ?? 0 };
}

function stop(): void {
  running = false;
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
}

function watch(agent: number | 'sanctioned' | null): void {
  dossier = undefined;
  if (agent === null) return;
  if (!driver) {
    post({ type: 'no-dossier', reason: 'run the scenario first' });
    return;
  }
  const world = driver.world;
  const i = agent === 'sanctioned' ? findSanctioned(world) : agent;
  if (i === undefined) {
    post({ type: 'no-dossier', reason: 'nobody is under a sanction or listed yet' });
    return;
  }
  if (!Number.isInteger(i) || i < 0 || i >= world.n) {
    post({ type: 'no-dossier', reason: `no agent ${i}: agents are 0 to ${world.n - 1}` });
    return;
  }
  dossier = new Dossier(world, i);
  post({ type: 'dossier', dossier: dossier.view(driver.day) });
}

/**
 * Runs `job` after the one in flight. With a pool, advancing a day awaits the threads; meanwhile no
 * other message may load a new world or read this one, which they share.
 */
let queue: Promise<void> = Promise.resolve();
function serial(job: () => void | Promise<void>): void {
  queue = queue.then(job).catch((e: unknown) => {
    stop();
    driver = undefined;
    pool = undefined;
    post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  });
}

scope.onmessage = (e) => {
  const m = e.data;
  // Pause takes effect at once; its answer waits for the days in flight, so that it gives the last day.
  if (m.type === 'pause') stop();
  serial(() => handle(m));
};

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'load':
      await load(m);
      break;
    case 'run':
      if (!driver || running) return;
      running = true;
      pace(m.daysPerSecond);
      await tick();
      break;
    case 'speed':
      pace(m.daysPerSecond);
      break;
    case 'pause':
      stop();
      post({ type: 'paused', day: driver?.day ?? 0 });
      break;
    case 'watch':
      watch(m.agent);
      break;
    case 'neighbourhood':
      sampleNeighbourhood(m);
      break;
    case 'step':
      stop();
      await advance(1);
      if (driver && driver.day >= driver.world.days) post({ type: 'finished', day: driver.day });
      break;
  }
}
