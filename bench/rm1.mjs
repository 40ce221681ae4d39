// RM-1 throughput: the engine on 1 and 2 threads against the C reference at the same size, in one
// invocation so that the ratios compare like with like on a shared, noisy machine.
// Each configuration runs --repeat times, interleaved, and the best run counts: on a shared machine
// the best is the run least disturbed by others.
// Then the flagship scenario, planning-outline, once at --flagship-agents on the most threads
// (--flagship-agents 0 skips it).
// Usage: npm run bench [-- --agents N --days D --repeat R]      npm run bench:10m   (10 M agents x 365 days)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '365' },
    threads: { type: 'string', default: '1,2' },
    repeat: { type: 'string', default: '3' },
    'flagship-agents': { type: 'string', default: '1000000' },
    'flagship-days': { type: 'string', default: '365' },
  },
});
const { agents, days } = values;
const threadCounts = values.threads.split(',').map(Number);
const reference = new URL('../../shared/reference-model/c-reference.sh', import.meta.url).pathname;
const hasCc = spawnSync('sh', ['-c', 'command -v cc'], { encoding: 'utf8' }).status === 0;

const engine = (t, scenario = 'rm1', n = agents, d = days) => {
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', new URL('./run-one.mjs', import.meta.url).pathname, scenario, n, d, `${t}`], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`engine run failed: ${r.stderr}`);
  return { what: `engine, ${t} thread(s)`, ...JSON.parse(r.stdout) };
};
const cRef = (t) => {
  const r = spawnSync('bash', [reference, agents, days, '42', '--threads', `${t}`], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const m = /= ([\d.]+) M agent-days\/s/.exec(r.stderr);
  return r.status === 0 && m ? Number(m[1]) * 1e6 : undefined;
};
const withC = hasCc && existsSync(reference);
if (!withC) console.log('(no C compiler or no shared/reference-model: C reference skipped)');

const best = {};
const c = {};
for (let k = 0; k < Number(values.repeat); k++) {
  for (const t of threadCounts) {
    const r = engine(t);
    if (!best[t] || r.seconds < best[t].seconds) best[t] = r;
    const x = withC ? cRef(t) : undefined;
    if (x && (!c[t] || x > c[t])) c[t] = x;
  }
}
const rows = threadCounts.map((t) => best[t]);
const fmt = (x) => (x / 1e6).toFixed(1);
console.log(`RM-1, ${Number(agents).toLocaleString('en-US')} agents x ${days} days, best of ${values.repeat} (wall time of compile + run, as the C reference times set-up + run)`);
console.log('run                      M agent-days/s   vs C same threads   peak RSS MiB   bytes/agent   seconds (set-up + days)');
for (const r of rows) {
  const ref = c[r.threads];
  console.log(
    `${r.what.padEnd(24)} ${fmt(r.agentDaysPerSecond).padStart(14)}   ${(ref ? (r.agentDaysPerSecond / ref).toFixed(2) + 'x' : '-').padStart(17)}   ${r.peakRssMiB.toFixed(0).padStart(12)}   ${r.bytesPerAgent.toFixed(1).padStart(11)}   ${r.seconds.toFixed(2).padStart(7)} (${r.setupSeconds.toFixed(2)} + ${r.daySeconds.toFixed(2)})`,
  );
}
for (const [t, v] of Object.entries(c)) console.log(`${`C reference, ${t} thread(s)`.padEnd(24)} ${fmt(v).padStart(14)}`);
const one = rows.find((r) => r.threads === 1);
const two = rows.find((r) => r.threads === 2);
if (one && two) {
  console.log(`speed-up 1 -> 2 threads: ${(two.agentDaysPerSecond / one.agentDaysPerSecond).toFixed(2)}x in wall time, ${(one.daySeconds / two.daySeconds).toFixed(2)}x on the days alone (target >= 1.8x)`);
}
if (one && c[1]) console.log(`engine / C on one thread: ${(one.agentDaysPerSecond / c[1]).toFixed(2)}x (target >= 0.5x)`);
const hashes = new Set(rows.map((r) => r.stateHash));
console.log(`stateHash identical across thread counts: ${hashes.size === 1 ? 'yes' : 'NO'} (${[...hashes].join(', ')})`);

const flagshipAgents = Number(values['flagship-agents']);
if (flagshipAgents > 0) {
  const t = Math.max(...threadCounts);
  const f = engine(t, 'planning-outline', values['flagship-agents'], values['flagship-days']);
  console.log(
    `flagship planning-outline, ${flagshipAgents.toLocaleString('en-US')} agents x ${f.days} days, ${t} thread(s): ${f.seconds.toFixed(1)} s (${f.setupSeconds.toFixed(1)} set-up + ${f.daySeconds.toFixed(1)} days), ` +
      `${fmt(f.agentDaysPerSecond)} M agent-days/s, ${f.bytesPerAgent.toFixed(0)} bytes/agent, peak RSS ${f.peakRssMiB.toFixed(0)} MiB (one run; the paired counterfactual of sclab run doubles it)`,
  );
}
