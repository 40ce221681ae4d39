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
  | { type: 'load'; yaml: string; agents?: number; days?: number; seed?: string; set?: string[] }
  | { type: 'run'; daysPerSecond: number }
  | { type: 'speed'; daysPerSecond: number }
  | { type: 'pause' }
  | { type: 'step' }
  /** Follow an agent (`sanctioned`: one under a sanction or listed now), or nobody. */
  | { type: 'watch'; agent: number | 'sanctioned' | null };

export type FromWorker =
  | { type: 'ready'; name: string; agents: number; days: number; metricWidth: number; metrics: MetricView[]; setupMs: number }
  | { type: 'problems'; problems: ProblemView[] }
  | { type: 'failed'; message: string }
  /** Days [from, to) have run: `values` holds their metric vectors, one after the other. */
  | { type: 'days'; from: number; to: number; values: Float64Array; computeMs: number }
  | { type: 'paused'; day: number }
  | { type: 'dossier'; dossier: DossierView }
  /** No dossier: `reason` says why (no such agent, nobody sanctioned yet). */
  | { type: 'no-dossier'; reason: string }
  | { type: 'finished'; day: number };

/** Unlimited speed: as many days as the engine runs. */
export const MAX_SPEED = 0;
