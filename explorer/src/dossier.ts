/**
 * The dossier of one agent, computed on the engine's worker: its columns today (with their labels,
 * ground truth marked), its household's key columns, and the notable events found by comparing days.
 */
import type { World } from '../../src/core/engine/world.ts';
import { neighbours } from '../../src/core/network/neighbours.ts';
import type { DossierEvent, DossierRow, DossierView } from './protocol.ts';

/** The columns shown for the household and first in the agent's table, when the scenario has them. */
export const KEY_COLUMNS = ['acts', 'violated', 'score', 'grade', 'listed', 'sanctioned'];

/** A column's value in words: set bits by name for a set of flags, a category's name, or the number. */
export function valueText(world: World, name: string, i: number): string {
  const c = world.columns[name]!;
  const v = c.array[i]!;
  const labels = labelsOf(world, name);
  if (labels && /\bbits?\b/.test(c.spec.description)) {
    const set = labels.filter((_, k) => (v >>> k) & 1);
    return set.length ? set.join(', ') : 'none';
  }
  if (labels && Number.isInteger(v) && labels[v] !== undefined) return labels[v];
  if (c.spec.type === 'f32' || c.spec.type === 'f64') return Number(v.toPrecision(4)).toString();
  return String(v);
}

/** The other members of `agent`'s household, on a layer named household (none without one). */
export function household(world: World, agent: number): number[] {
  const layer = world.layers.household;
  if (!layer) return [];
  const nb = neighbours(layer);
  const span = new Int32Array(2);
  nb.row(agent, span);
  const out: number[] = [];
  for (let e = span[0]!; e < span[1]!; e++) {
    const j = nb.ids ? nb.ids[e]! : e;
    if (j !== agent) out.push(j);
  }
  return out;
}

/** The first agent under a sanction, else the first listed, else undefined. */
export function findSanctioned(world: World): number | undefined {
  for (const name of ['sanctioned', 'listed']) {
    const a = world.columns[name]?.array;
    if (!a) continue;
    for (let i = 0; i < world.n; i++) if (a[i] !== 0) return i;
  }
  return undefined;
}

type Values = Record<string, number>;

/**
 * Score changes at least this large are logged; smaller ones (a point of weekly recovery) would
 * bury the events that matter, and the state table always shows the score itself.
 */
const SCORE_STEP = 5;

const read = (world: World, i: number): Values => Object.fromEntries(Object.entries(world.columns).map(([k, c]) => [k, c.array[i]!]));

/** A column's labels; a set of flags 'bit per category' without its own takes the acts column's. */
function labelsOf(world: World, name: string): readonly string[] | undefined {
  const spec = world.columns[name]?.spec;
  return spec?.labels ?? (spec && /bit per category/.test(spec.description) ? world.columns.acts?.spec.labels : undefined);
}

function bitsNamed(world: World, name: string, bits: number): string {
  const labels = labelsOf(world, name) ?? [];
  return labels.filter((_, k) => (bits >>> k) & 1).join(', ') || String(bits);
}

/** Follows one agent day by day. */
export class Dossier {
  private last: Values | undefined;
  private lastHousehold = new Map<number, Values>();
  readonly members: number[];
  /** The day's acts by category (what was done, observed, identified, falsely matched, penalised), found by their descriptions. */
  private readonly daily: { name: string; what: string; truth: boolean }[];

  constructor(
    private readonly world: World,
    readonly agent: number,
  ) {
    this.members = household(world, agent);
    this.daily = Object.entries(world.columns)
      .filter(([, c]) => /\btoday\b/.test(c.spec.description) && /bit per category/.test(c.spec.description) && !/confirmed reports/.test(c.spec.description))
      .map(([name, c]) => ({ name, what: c.spec.description.split(',')[0]!, truth: c.spec.truth === true }));
  }

  /** The events since the last call (none the first time), and the state now. */
  view(day: number): DossierView {
    const w = this.world;
    const now = read(w, this.agent);
    const events: DossierEvent[] = this.last ? this.compare(day, this.last, now, this.agent, true) : [this.start(day, now)];
    for (const j of this.members) {
      const v = read(w, j);
      const before = this.lastHousehold.get(j);
      if (before) events.push(...this.compare(day, before, v, j, false));
      this.lastHousehold.set(j, v);
    }
    if (this.last) events.push(...this.reports(day));
    this.last = now;
    const rows: DossierRow[] = Object.entries(w.columns).map(([name, c]) => ({
      name,
      value: valueText(w, name, this.agent),
      truth: c.spec.truth === true,
      description: c.spec.description,
    }));
    const key = KEY_COLUMNS.filter((k) => w.columns[k]);
    rows.sort((a, b) => rank(key, a.name) - rank(key, b.name));
    return {
      agent: this.agent,
      day,
      rows,
      keyColumns: key.map((k) => ({ name: k, truth: w.columns[k]!.spec.truth === true })),
      household: this.members.map((j) => ({ agent: j, values: key.map((k) => valueText(w, k, j)) })),
      events,
    };
  }

  /** The first entry: where the agent stands when it is first followed. */
  private start(day: number, now: Values): DossierEvent {
    const parts: string[] = [];
    if (now.listed) parts.push('listed');
    if (now.sanctioned) parts.push(`sanctioned: ${bitsNamed(this.world, 'sanctioned', now.sanctioned)}`);
    if (now.grade !== undefined) parts.push(`grade ${valueOf(this.world, 'grade', now.grade)}`);
    if (now.score !== undefined) parts.push(`score ${now.score}`);
    return { day, text: `followed from here${parts.length ? `: ${parts.join('; ')}` : ''}`, truth: false, self: true };
  }

  private compare(day: number, a: Values, b: Values, who: number, self: boolean): DossierEvent[] {
    const out: DossierEvent[] = [];
    const name = self ? 'the agent' : `household member #${who}`;
    const add = (text: string, truth = false): void => void out.push({ day, text: `${name}: ${text}`, truth, self });
    if (a.listed !== undefined && a.listed !== b.listed) add(b.listed ? 'listed' : 'delisted');
    if (b.sanctioned !== undefined && a.sanctioned !== b.sanctioned) {
      const added = (b.sanctioned & ~a.sanctioned!) >>> 0;
      const lifted = (a.sanctioned! & ~b.sanctioned) >>> 0;
      if (added) add(`sanctioned: ${bitsNamed(this.world, 'sanctioned', added)}`);
      if (lifted) add(`sanction lifted: ${bitsNamed(this.world, 'sanctioned', lifted)}`);
    }
    for (const c of this.daily) if (b[c.name]) add(`${c.what}: ${bitsNamed(this.world, c.name, b[c.name]!)}`, c.truth);
    if (self && b.grade !== undefined && a.grade !== b.grade) add(`grade ${valueOf(this.world, 'grade', a.grade!)} → ${valueOf(this.world, 'grade', b.grade)}`);
    if (self && b.score !== undefined && Math.abs(b.score - a.score!) >= SCORE_STEP) add(`score ${a.score} → ${b.score}`);
    if (self && b.violated && !this.daily.some((c) => c.truth)) add('broke a rule', this.world.columns.violated!.spec.truth === true);
    if (self && b.redlisted !== undefined && a.redlisted !== b.redlisted) add(b.redlisted ? 'redlisted' : 'off the redlist');
    return out;
  }

  /** Reports against the agent today: by a contact (reportTarget), or confirmed (informer, reportedActs). */
  private reports(day: number): DossierEvent[] {
    const w = this.world;
    const out: DossierEvent[] = [];
    const target = w.columns.reportTarget?.array;
    if (target) for (let j = 0; j < w.n; j++) if (target[j] === this.agent) out.push({ day, text: `the agent: reported by contact #${j}`, truth: false, self: true });
    const informer = w.columns.informer?.array[this.agent];
    const acts = w.columns.reportedActs?.array[this.agent];
    if (informer || acts) out.push({ day, text: `the agent: penalised on a report${informer ? ` by #${informer - 1}` : ''}${acts ? ` for ${bitsNamed(w, 'reportedActs', acts)}` : ''}`, truth: false, self: true });
    return out;
  }
}

function valueOf(world: World, name: string, v: number): string {
  return world.columns[name]?.spec.labels?.[v] ?? String(v);
}

function rank(key: string[], name: string): number {
  const k = key.indexOf(name);
  return k < 0 ? key.length : k;
}
