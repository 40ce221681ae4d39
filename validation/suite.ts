import type { Outcome, Reported, Reproduction, Row, RunOptions } from './types.ts';

/** A reproduction's run, as the runner prints it and writes it to the results file. */
export interface Result {
  name: string;
  paper: string;
  setup: string;
  reported: Reported;
  fast: boolean;
  seconds: number;
  /** The outcome's verdict, and no judged row failing. */
  pass: boolean;
  outcome: Outcome;
}

/** Runs one reproduction and times it. */
export async function runReproduction(r: Reproduction, o: RunOptions): Promise<Result> {
  const started = performance.now();
  const outcome = await r.run(o);
  const seconds = (performance.now() - started) / 1000;
  const pass = outcome.pass && outcome.rows.every((row) => row.pass !== false);
  return { name: r.name, paper: r.paper, setup: r.setup, reported: r.reported, fast: o.fast, seconds, pass, outcome };
}

function oursText(row: Row): string {
  const digits = row.digits ?? 3;
  const value = typeof row.ours === 'number' ? row.ours.toFixed(digits) : row.ours;
  const ci = row.ci && Number.isFinite(row.ci.lo) && Number.isFinite(row.ci.hi) ? ` [${row.ci.lo.toFixed(digits)}, ${row.ci.hi.toFixed(digits)}]` : '';
  return value + ci;
}

const verdict = (pass: boolean | null): string => (pass === null ? '-' : pass ? 'PASS' : 'FAIL');

/** The rows as a Markdown table (aligned, so it reads in a terminal and pastes into docs). */
export function table(rows: readonly Row[]): string {
  const header = ['quantity', 'paper (or its theory)', 'ours [95% CI]', 'tolerance', 'verdict'];
  const cells = rows.map((r) => [r.quantity, r.paper, oursText(r), r.tolerance, verdict(r.pass)]);
  const widths = header.map((h, k) => Math.max(h.length, ...cells.map((c) => c[k]!.length)));
  const line = (c: readonly string[]): string => `| ${c.map((x, k) => x.padEnd(widths[k]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

/** A reproduction's report: what the paper did and found, the table, the verdict. */
export function report(r: Result): string {
  const lines = [
    `## ${r.name}${r.fast ? ' (fast)' : ''}: ${r.pass ? 'PASS' : 'FAIL'} (${r.seconds.toFixed(1)} s)`,
    '',
    `Paper: ${r.paper}`,
    `Set-up: ${r.setup}`,
    `Reported: ${r.reported.text}`,
    '',
    table(r.outcome.rows),
    '',
    `Tolerance: ${r.outcome.tolerance}`,
  ];
  for (const note of r.outcome.notes ?? []) lines.push(`Note: ${note}`);
  return lines.join('\n');
}
