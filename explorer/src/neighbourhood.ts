/**
 * A neighbourhood of one agent for the page's network view, computed on the engine's worker: a
 * breadth-first sample on one layer or all of them, capped so the page can lay it out and draw it
 * every frame; the edges among the sampled agents on every layer; and, after each batch of days,
 * their status, score and grade, read from the columns the dossier reads.
 */
import { worldView } from '../../src/core/engine/schedule.ts';
import type { World } from '../../src/core/engine/world.ts';
import { neighbours } from '../../src/core/network/neighbours.ts';
import { compileTriggers, type Trigger, type TriggerBits } from '../../src/modules/triggers.ts';
import { findSanctioned } from './dossier.ts';
import { STATUSES, type NeighbourhoodSample, type NeighbourhoodState } from './protocol.ts';

const LISTED = STATUSES.indexOf('listed');
const SANCTIONED = STATUSES.indexOf('sanctioned');
const FAMILY = STATUSES.indexOf('punished for family');

/** The parameters of a sanctions module that tell whose sanctions are their own (see src/modules/sanctions.ts). */
interface SanctionsParams {
  column: string;
  sanctions: { trigger: Trigger }[];
}

/** A column holding a score: one named score, else a plain number column its owner calls a score. */
function scoreColumn(world: World): { column: string; unscoredAt?: number } | undefined {
  const plain = Object.entries(world.columns).filter(([, c]) => !c.spec.labels && !c.spec.truth && c.spec.type !== 'u8');
  const found = plain.find(([name]) => name === 'score') ?? plain.find(([, c]) => /\bscore\b/.test(c.spec.description));
  if (!found) return undefined;
  // sesame-score writes 0 for agents outside the opt-in score.
  return { column: found[0], unscoredAt: /\b0: not scored\b/.test(found[1].spec.description) ? 0 : undefined };
}

/** The agent to centre on when the page names none: the followed one, else one under a sanction, else any. */
export function focalAgent(world: World, followed: number | undefined): number {
  return followed ?? findSanctioned(world) ?? Math.floor(Math.random() * world.n);
}

export class Neighbourhood {
  readonly sample: NeighbourhoodSample;
  /** Each sanctions module's applied column with its own-record triggers, to tell own sanctions from a family member's. */
  private readonly sanctions: { applied: ArrayLike<number>; own: TriggerBits }[];
  private readonly listed: ArrayLike<number> | undefined;
  /** A sanctioned column no sanctions module owns (an economy's cut, say): any value counts as sanctioned. */
  private readonly otherSanctioned: ArrayLike<number> | undefined;

  /** Samples up to `cap` agents within `hops` of `focal` on `layer` (undefined: every layer). */
  constructor(
    private readonly world: World,
    focal: number,
    layer: string | undefined,
    hops: number,
    cap: number,
  ) {
    const names = Object.keys(world.layers);
    const agents = bfs(world, focal, layer === undefined ? names : [layer], hops, Math.min(cap, 0xffff));
    const { edges, edgeLayer } = edgesAmong(world, names, agents.ids);
    const grade = world.columns.grade?.spec.labels;
    this.sample = { focal, layer, layers: names, agents: agents.ids, hops: agents.hops, edges, edgeLayer, score: scoreColumn(world), grades: grade ? [...grade] : undefined };
    const view = worldView(world);
    this.sanctions = world.modules
      .filter((m) => m.module === 'sanctions')
      .map((m) => m.params as SanctionsParams)
      .map((p) => ({ applied: world.columns[p.column]!.array, own: compileTriggers(p.sanctions.map((s) => s.trigger), view) }));
    this.listed = world.columns.listed?.array;
    const owned = new Set(world.modules.filter((m) => m.module === 'sanctions').map((m) => (m.params as SanctionsParams).column));
    this.otherSanctioned = owned.has('sanctioned') ? undefined : world.columns.sanctioned?.array;
  }

  /** The sampled agents' state now (`day` days run). */
  state(day: number): NeighbourhoodState {
    const { agents } = this.sample;
    const status = new Uint8Array(agents.length);
    for (let k = 0; k < agents.length; k++) status[k] = this.statusOf(agents[k]!);
    const out: NeighbourhoodState = { day, status };
    const score = this.sample.score;
    if (score) {
      const a = this.world.columns[score.column]!.array;
      out.score = Float32Array.from(agents, (i) => a[i]!);
      // The whole population's range: one pass per batch, small beside the batch's days.
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < this.world.n; i++) {
        const v = a[i]!;
        if (score.unscoredAt !== undefined && v <= score.unscoredAt) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (lo <= hi) out.scoreRange = [lo, hi];
    }
    const grade = this.sample.grades && this.world.columns.grade!.array;
    if (grade) out.grade = Uint8Array.from(agents, (i) => grade[i]!);
    return out;
  }

  /** The buffers of a state, to transfer rather than copy. */
  static transfers(s: NeighbourhoodState): ArrayBuffer[] {
    return [s.status, s.score, s.grade].flatMap((a) => (a ? [a.buffer as ArrayBuffer] : []));
  }

  private statusOf(i: number): number {
    if (this.listed && this.listed[i] !== 0) return LISTED;
    let family = false;
    for (const s of this.sanctions) {
      const applied = s.applied[i]!;
      if (!applied) continue;
      // The sanctions module applies one's own triggers and the family's spill-over; with none of
      // one's own firing, the sanction came through a family member. Triggers are read now, at the
      // batch's end, not at the sanction phase: a listing made later the same day shows as own.
      if (s.own(i, i + 1)[0]! & applied) return SANCTIONED;
      family = true;
    }
    if (family) return FAMILY;
    if (this.otherSanctioned && this.otherSanctioned[i] !== 0) return SANCTIONED;
    return 0;
  }
}

/** Breadth first from `focal` over the named layers, nearest first, until `hops` or `cap`. */
function bfs(world: World, focal: number, layers: string[], hops: number, cap: number): { ids: Int32Array; hops: Uint8Array } {
  const rows = layers.map((name) => neighbours(world.layers[name]!));
  const ids: number[] = [focal];
  const hop: number[] = [0];
  const seen = new Set([focal]);
  const span = new Int32Array(2);
  for (let q = 0; q < ids.length && ids.length < cap; q++) {
    const a = ids[q]!;
    if (hop[q]! >= hops) break;
    for (const nb of rows) {
      nb.row(a, span);
      for (let e = span[0]!; e < span[1]! && ids.length < cap; e++) {
        const j = nb.ids ? nb.ids[e]! : e;
        if (j < 0 || seen.has(j)) continue;
        seen.add(j);
        ids.push(j);
        hop.push(hop[q]! + 1);
      }
    }
  }
  return { ids: Int32Array.from(ids), hops: Uint8Array.from(hop) };
}

/** Every edge between two sampled agents, once per layer, with the layer's index. */
function edgesAmong(world: World, layers: string[], ids: Int32Array): { edges: Uint16Array; edgeLayer: Uint8Array } {
  const index = new Map<number, number>();
  ids.forEach((id, k) => index.set(id, k));
  const pairs: number[] = [];
  const layerOf: number[] = [];
  const span = new Int32Array(2);
  layers.forEach((name, l) => {
    const nb = neighbours(world.layers[name]!);
    const seen = new Set<number>();
    for (let a = 0; a < ids.length; a++) {
      nb.row(ids[a]!, span);
      for (let e = span[0]!; e < span[1]!; e++) {
        const b = index.get(nb.ids ? nb.ids[e]! : e);
        if (b === undefined || b === a) continue;
        // Undirected: each pair once, whichever end lists it (and a directed layer's both ways once).
        const key = a < b ? a * 0x10000 + b : b * 0x10000 + a;
        if (seen.has(key)) continue;
        seen.add(key);
        pairs.push(a, b);
        layerOf.push(l);
      }
    }
  });
  return { edges: Uint16Array.from(pairs), edgeLayer: Uint8Array.from(layerOf) };
}
