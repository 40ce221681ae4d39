/** Messages between the page and the engine's worker. */

export interface ProblemView {
  line?: number;
  column?: number;
  /** The problem in words: `path: expected X, found Y (hint)`. */
  message: string;
}

export interface MetricView {
  name: string;
  description: string;
  /** A counter's total is its sum over days; a gauge's and a histogram's is the last day's. */
  kind: 'counter' | 'gauge' | 'histogram';
  slot: number;
  /** 1, or a histogram's number of bins (its slots follow `slot`). */
  width: number;
  /** Histograms: the bins' labels, one per bin. */
  bins?: string[];
}

export interface DossierRow {
  name: string;
  /** The value in words (labels where the column has them). */
  value: string;
  /** Ground truth, hidden from the system under study. */
  truth: boolean;
  description: string;
}

export interface DossierEvent {
  day: number;
  text: string;
  truth: boolean;
  /** About the agent itself (else a household member). */
  self: boolean;
}

export interface DossierView {
  agent: number;
  /** Days run so far. */
  day: number;
  rows: DossierRow[];
  keyColumns: { name: string; truth: boolean }[];
  household: { agent: number; values: string[] }[];
  /** Events since the last view. */
  events: DossierEvent[];
}

export type ToWorker =
  /** `threads`: the engine's threads (1: this worker alone; more need a cross-origin isolated page). */
  | { type: 'load'; yaml: string; agents?: number; days?: number; seed?: string; set?: string[]; threads?: number }
  | { type: 'run'; daysPerSecond: number }
  | { type: 'speed'; daysPerSecond: number }
  | { type: 'pause' }
  | { type: 'step' }
  /** Follow an agent (`sanctioned`: one under a sanction or listed now), or nobody. */
  | { type: 'watch'; agent: number | 'sanctioned' | null }
  /**
   * Sample the neighbourhood of `agent` (else the followed agent, else a sanctioned one, else any)
   * on `layer` (undefined: every layer), and send its state after each batch of days.
   */
  | { type: 'neighbourhood'; agent?: number; layer?: string; hops: number; cap: number };

export type FromWorker =
  | { type: 'ready'; name: string; agents: number; days: number; metricWidth: number; metrics: MetricView[]; setupMs: number; threads: number }
  | { type: 'problems'; problems: ProblemView[] }
  | { type: 'failed'; message: string }
  /** Days [from, to) have run: `values` holds their metric vectors, one after the other. */
  | { type: 'days'; from: number; to: number; values: Float64Array; computeMs: number }
  | { type: 'paused'; day: number }
  | { type: 'dossier'; dossier: DossierView }
  /** No dossier: `reason` says why (no such agent, nobody sanctioned yet). */
  | { type: 'no-dossier'; reason: string }
  | { type: 'finished'; day: number }
  | { type: 'neighbourhood'; sample: NeighbourhoodSample }
  /** The sampled agents' state at the end of a batch of days (or when sampled), for colouring. */
  | { type: 'neighbourhood-state'; state: NeighbourhoodState };

/** An agent's status in the network view, by code (an index into this list). */
export const STATUSES = ['clear', 'listed', 'sanctioned', 'punished for family'] as const;

/** A neighbourhood sampled breadth-first around `focal`: agent k of the sample is `agents[k]`. */
export interface NeighbourhoodSample {
  focal: number;
  /** The layer sampled on; undefined: every layer. */
  layer?: string;
  /** Every layer of the world, for the layer picker; edges name theirs by index here. */
  layers: string[];
  agents: Int32Array;
  /** Hops from the focal agent on `layer`. */
  hops: Uint8Array;
  /** Pairs of sample indices [a0, b0, a1, b1, ...], each edge once, on any layer. */
  edges: Uint16Array;
  edgeLayer: Uint8Array;
  /** The score column, if the scenario has one; values at or below `unscoredAt` mean not scored. */
  score?: { column: string; unscoredAt?: number };
  /** The grade column's labels, best first, if it has one. */
  grades?: string[];
}

export interface NeighbourhoodState {
  day: number;
  /** Codes into STATUSES. */
  status: Uint8Array;
  score?: Float32Array;
  /** The population's score range today (scored agents), so colours keep their meaning across samples. */
  scoreRange?: [number, number];
  grade?: Uint8Array;
}

/** Unlimited speed: as many days as the engine runs. */
export const MAX_SPEED = 0;
