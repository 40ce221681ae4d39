// The experiment layer's own costs, measured in one invocation so the ratios compare like with like:
//  1. per-run overhead of the local runner: many tiny runs (rm1, 1,000 agents x 10 days), on 1 and
//     2 worker processes, against the same runs executed back to back in one process;
//  2. scaling from 1 to 2 local workers on runs big enough to matter (court-blacklist, 5,000 agents
//     x 365 days, one thread per run);
//  3. the queue: the tiny runs through BullMQ on a real redis-server, with 1 and 2 workers.
// Usage: npm run bench:sweep [-- --tiny 200 --big 8]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { tiny: { type: 'string', default: '200' }, big: { type: 'string', default: '8' } } });
const main = new URL('../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sclab-bench-sweep-'));

const experiment = (name, scenario, agents, days, replicates) => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `version: 1\nname: ${name}\nscenario: ${scenario}\nset: { agents: ${agents}, days: ${days} }\nreplicates: ${replicates}\narms: [{ name: a }]\n`);
  return file;
};
/** Seconds of a whole `sclab sweep` command, and of its runs alone (from the first run's start, as it reports). */
const sweep = (file, store, ...args) => {
  const t = performance.now();
  const r = spawnSync(process.execPath, [main, 'sweep', file, '--store', join(dir, store), '--quiet', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sweep failed: ${r.stderr}`);
  return { wall: (performance.now() - t) / 1000, runs: Number(/in ([\d.]+) s/.exec(r.stdout)[1]) };
};
/** The same runs back to back in one process, with no runner around them: the floor. */
const inProcess = (scenario, agents, days, runs) => {
  const code = `
    import { builtins } from '${new URL('../dist/cli/library.js', import.meta.url).pathname}';
    import { MODULES } from '${new URL('../dist/modules/index.js', import.meta.url).pathname}';
    import { resolveScenario } from '${new URL('../dist/scenario/load.js', import.meta.url).pathname}';
    import { executeRun } from '${new URL('../dist/experiment/execute.js', import.meta.url).pathname}';
    const t = performance.now();
    for (let r = 0; r < ${runs}; r++) await executeRun(resolveScenario(builtins.open('${scenario}'), builtins, MODULES, { agents: ${agents}, days: ${days}, seed: String(r + 1) }), 1);
    console.log((performance.now() - t) / 1000);`;
  return Number(spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }).stdout.trim());
};

const tiny = Number(values.tiny);
const big = Number(values.big);
const rows = [];
const tinyFile = experiment('bench-tiny', 'rm1', 1000, 10, tiny);
const floor = inProcess('rm1', 1000, 10, tiny);
rows.push(['tiny runs in one process, no runner (floor)', tiny, { wall: floor, runs: floor }]);
for (const w of [1, 2]) rows.push([`tiny runs, local runner, ${w} worker(s)`, tiny, sweep(tinyFile, `tiny-${w}.duckdb`, '--workers', `${w}`, '--threads', '1')]);
// The same command again, with every run stored: the fixed cost of a sweep (start, plan, store).
rows.push(['the same sweep again, nothing left to run', 0, sweep(tinyFile, 'tiny-1.duckdb')]);

const bigFile = experiment('bench-big', 'court-blacklist', 5000, 365, big);
const b1 = sweep(bigFile, 'big-1.duckdb', '--workers', '1', '--threads', '1');
const b2 = sweep(bigFile, 'big-2.duckdb', '--workers', '2', '--threads', '1');
rows.push([`court-blacklist 5,000 x 365, 1 worker`, big, b1], [`court-blacklist 5,000 x 365, 2 workers`, big, b2]);

if (existsSync('/usr/bin/redis-server')) {
  const port = await new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  const redis = spawn('/usr/bin/redis-server', ['--bind', '127.0.0.1', '--port', `${port}`, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  const url = `redis://127.0.0.1:${port}`;
  for (const w of [1, 2]) {
    const workers = Array.from({ length: w }, () => spawn(process.execPath, [main, 'worker', '--queue', url, '--concurrency', '1', '--threads', '1'], { stdio: 'ignore' }));
    await new Promise((r) => setTimeout(r, 1500));
    rows.push([`tiny runs through the queue, ${w} worker process(es)`, tiny, sweep(tinyFile, `queue-${w}.duckdb`, '--queue', url)]);
    for (const p of workers) p.kill('SIGKILL');
  }
  redis.kill();
} else rows.push(['queue: redis-server not installed, skipped', 0, 0]);

const w = Math.max(...rows.map((r) => r[0].length));
console.log(`${'what'.padEnd(w)}  runs  command s  runs s  runs/s  ms/run`);
for (const [what, runs, t] of rows) {
  const per = runs ? `${(runs / t.runs).toFixed(1).padStart(6)}  ${((1000 * t.runs) / runs).toFixed(1).padStart(6)}` : '';
  console.log(`${what.padEnd(w)}  ${String(runs).padStart(4)}  ${t.wall.toFixed(2).padStart(9)}  ${t.runs.toFixed(2).padStart(6)}  ${per}`);
}
console.log("runs s: from the first run's start to the last run stored, as the sweep reports it; command s: the whole command.");
console.log(`scaling 1 -> 2 local workers (court-blacklist): ${(b1.runs / b2.runs).toFixed(2)}x on the runs, ${(b1.wall / b2.wall).toFixed(2)}x on the command`);
