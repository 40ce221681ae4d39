/**
 * The validation suite's runner:
 *
 *   npx tsx validation/run.ts [--fast] [--workers N] [--out FILE] [--list] [NAME ...]
 *
 * Runs the named reproductions (all by default; --workers N spreads their runs over N runner
 * processes, with the same results), prints a table for each (the paper's figure, ours
 * with its 95% interval, the tolerance, PASS or FAIL), writes every result to a JSON file
 * (test-artifacts/validation.json, or validation-fast.json with --fast) and exits with 1 if any
 * reproduction fails, 2 on a usage error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { REPRODUCTIONS, selectReproductions } from './registry.ts';
import { report, runReproduction, type Result } from './suite.ts';

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: { fast: { type: 'boolean', default: false }, out: { type: 'string' }, workers: { type: 'string' }, list: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\nusage: npx tsx validation/run.ts [--fast] [--workers N] [--out FILE] [--list] [NAME ...]`);
    return 2;
  }
  const { fast, out, list, help } = args.values;
  const workers = args.values.workers === undefined ? 1 : Number(args.values.workers);
  if (!Number.isInteger(workers) || workers < 1) {
    console.error(`--workers takes a whole number of processes, 1 or more; found ${JSON.stringify(args.values.workers)}`);
    return 2;
  }
  if (help) {
    console.log('usage: npx tsx validation/run.ts [--fast] [--workers N] [--out FILE] [--list] [NAME ...]');
    return 0;
  }
  if (list) {
    for (const r of REPRODUCTIONS) console.log(`${r.name}\t${r.paper}`);
    return 0;
  }
  let selected;
  try {
    selected = selectReproductions(args.positionals);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const results: Result[] = [];
  for (const r of selected) {
    console.error(`running ${r.name}${fast ? ' (fast)' : ''} ...`);
    const result = await runReproduction(r, { fast, workers, progress: (m) => console.error(`  ${r.name}: ${m}`) });
    results.push(result);
    console.log(`${report(result)}\n`);
  }
  const file = out ?? `test-artifacts/validation${fast ? '-fast' : ''}.json`;
  mkdirSync(dirname(file), { recursive: true });
  const failed = results.filter((r) => !r.pass);
  writeFileSync(
    file,
    `${JSON.stringify({ generated: new Date().toISOString(), node: process.version, fast, pass: failed.length === 0, results }, null, 2)}\n`,
  );
  const total = results.reduce((s, r) => s + r.seconds, 0);
  console.log(`${results.length - failed.length} of ${results.length} reproductions pass (${total.toFixed(1)} s); results in ${file}`);
  if (failed.length) console.log(`FAILED: ${failed.map((r) => r.name).join(', ')}`);
  return failed.length ? 1 : 0;
}

process.exitCode = await main();
