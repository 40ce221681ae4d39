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
  slot: number;
  width: number;
}

export type ToWorker =
  | { type: 'load'; yaml: string; agents?: number; days?: number; seed?: string; set?: string[] }
  | { type: 'run'; daysPerSecond: number }
  | { type: 'speed'; daysPerSecond: number }
  | { type: 'pause' }
  | { type: 'step' };

export type FromWorker =
  | { type: 'ready'; name: string; agents: number; days: number; metricWidth: number; metrics: MetricView[]; setupMs: number }
  | { type: 'problems'; problems: ProblemView[] }
  | { type: 'failed'; message: string }
  /** Days [from, to) have run: `values` holds their metric vectors, one after the other. */
  | { type: 'days'; from: number; to: number; values: Float64Array; computeMs: number }
  | { type: 'paused'; day: number }
  | { type: 'finished'; day: number };

/** Unlimited speed: as many days as the engine runs. */
export const MAX_SPEED = 0;
