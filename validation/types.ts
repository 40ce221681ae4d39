/**
 * The validation suite: reproductions of published results, each run through the lab's own path
 * (a scenario resolved with resolveScenario, run with executeRun) and compared with what the paper
 * reports. A reproduction is one small file exporting a `Reproduction`, listed in
 * validation/registry.ts; validation/run.ts runs them and prints one table per reproduction.
 */

/** A value that survives JSON.stringify unchanged (results are written to a JSON file). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A 95% confidence interval. */
export interface Interval {
  lo: number;
  hi: number;
}

/** What the paper reports: in words (with figure or table numbers), and as values where it gives them. */
export interface Reported {
  text: string;
  values: Record<string, Json>;
}

/** One line of a reproduction's table: a figure of the paper (or of its theory) beside ours. */
export interface Row {
  /** What is compared, e.g. "z = 3: frequency of global cascades". */
  quantity: string;
  /** The paper's figure, as text, with where it comes from. */
  paper: string;
  /** Our figure: a number (formatted with `digits`) or text. */
  ours: number | string;
  /** 95% interval of ours, when it has one. */
  ci?: Interval | null;
  /** Decimal places for `ours` and `ci` (default 3). */
  digits?: number;
  /** What counts as agreement for this row. */
  tolerance: string;
  /** Whether it agrees; null: shown for comparison, not judged. */
  pass: boolean | null;
}

export interface RunOptions {
  /** The fast subset: smaller populations and fewer replicates, for `npm test`. */
  fast: boolean;
  /** Runner processes to spread replicates over (default 1: run them in this process). Results do not depend on it. */
  workers?: number;
  /** Progress messages for a long run (the runner prints them to stderr). */
  progress?: (message: string) => void;
}

/** What a reproduction found. */
export interface Outcome {
  /** Our measurements, as plain values (written to the results file). */
  ours: Record<string, Json>;
  /** Their 95% intervals, keyed like `ours` where they have one. */
  ci: Record<string, Json>;
  /** The tolerance as a whole, in words: what must agree, and how closely. */
  tolerance: string;
  /** Whether the reproduction agrees with the paper within the tolerance. */
  pass: boolean;
  /** The table: the paper's figures beside ours. */
  rows: Row[];
  /** Differences worth knowing and their reasons (finite n, update order, ...). */
  notes?: string[];
}

export interface Reproduction {
  /** Short kebab-case name, unique; what `validation/run.ts NAME` selects. */
  name: string;
  /** The paper, cited in full. */
  paper: string;
  /** What is simulated, in words: network, population, parameters, replicates. */
  setup: string;
  /** What the paper reports. */
  reported: Reported;
  run(o: RunOptions): Promise<Outcome>;
}
