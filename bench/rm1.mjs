// RM-1 throughput: the engine on 1 and 2 threads against the C reference at the same size, in one
// invocation so that the ratios compare like with like on a shared, noisy machine.
// Usage: npm run bench [-- --agents N --days D]      npm run bench:10m   (10 M agents x 365 days)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { agents: { type: 'string', default: '1000000' }, days: { type: 'string', default: '365' }, threads: { type: 'string', default: '1,2' } },
});
const { agents, days } = values;
const threadCounts = values.threads.split(',').map(Number);
const reference = new URL('../../shared/reference-model/c-reference.sh', import.meta.url).pathname;
const hasCc = spawnSync('sh', ['-c', 'command -v cc'], { encoding: 'utf8' }).status === 0;

const rows = [];
for (const t of threadCounts) {
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', new URL('./run-one.mjs', import.meta.url).pathname, 'rm1', agents, days, `${t}`], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`engine run failed: ${r.stderr}`);
  rows.push({ what: `engine, ${t} thread(s)`, ...JSON.parse(r.stdout) });
}
const c = {};
if (hasCc && existsSync(reference)) {
  for (const t of threadCounts) {
    const r = spawnSync('bash', [reference, agents, days, '42', '--threads', `${t}`], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const m = /= ([\d.]+) M agent-days\/s/.exec(r.stderr);
    if (r.status === 0 && m) c[t] = Number(m[1]) * 1e6;
  }
} else console.log('(no C compiler or no shared/reference-model: C reference skipped)');

const fmt = (x) => (x / 1e6).toFixed(1);
console.log(`RM-1, ${Number(agents).toLocaleString('en-US')} agents x ${days} days`);
console.log('run                      M agent-days/s   vs C same threads   peak RSS MiB   bytes/agent   seconds');
for (const r of rows) {
  const ref = c[r.threads];
  console.log(
    `${r.what.padEnd(24)} ${fmt(r.agentDaysPerSecond).padStart(14)}   ${(ref ? (r.agentDaysPerSecond / ref).toFixed(2) + 'x' : '-').padStart(17)}   ${r.peakRssMiB.toFixed(0).padStart(12)}   ${r.bytesPerAgent.toFixed(1).padStart(11)}   ${r.seconds.toFixed(2).padStart(7)}`,
  );
}
for (const [t, v] of Object.entries(c)) console.log(`${`C reference, ${t} thread(s)`.padEnd(24)} ${fmt(v).padStart(14)}`);
const one = rows.find((r) => r.threads === 1);
const two = rows.find((r) => r.threads === 2);
if (one && two) console.log(`speed-up 1 -> 2 threads: ${(two.agentDaysPerSecond / one.agentDaysPerSecond).toFixed(2)}x`);
if (one && c[1]) console.log(`engine / C on one thread: ${(one.agentDaysPerSecond / c[1]).toFixed(2)}x (target >= 0.5x)`);
const hashes = new Set(rows.map((r) => r.stateHash));
console.log(`stateHash identical across thread counts: ${hashes.size === 1 ? 'yes' : 'NO'} (${[...hashes].join(', ')})`);
