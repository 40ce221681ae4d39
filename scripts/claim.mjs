// The Planning Outline's claim, tested (docs/claim.md): sweeps experiments/claim-trust.yaml into the
// project's result store (resuming whatever is there), then prints the paired effects of the
// programme and the answer they give. Usage: npm run claim [-- --store FILE]
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { store: { type: 'string', default: '.sclab/results.duckdb' } } });
const main = new URL('../dist/cli/main.js', import.meta.url).pathname;
const experiment = new URL('../experiments/claim-trust.yaml', import.meta.url).pathname;
const sweep = spawnSync(process.execPath, [main, 'sweep', experiment, '--store', values.store], { stdio: 'inherit' });
if (sweep.status !== 0) process.exit(sweep.status ?? 1);

const { Store, analyse } = await import(new URL('../dist/index.js', import.meta.url).href);
const store = await Store.open(values.store, { readOnly: true });
const a = await analyse(store, 'claim-trust');
store.close();
const effect = (metric) => a.paired.find((p) => p.metric === metric)?.interval;
const mean = (metric, arm) => a.cells.find((c) => c.metric === metric && c.arm === arm)?.interval.mean;
const f = (v, d = 0) => v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const ci = (i, d = 0) => `${f(i.mean, d)} [${f(i.lo, d)}, ${f(i.hi, d)}]`;

const coop = effect('cooperationRate');
const lawful = effect('lawfulActs');
const lawfulBase = mean('lawfulActs', 'no-programme');
const rows = [
  ['cooperation rate (share of chances to help taken)', ci({ mean: 100 * coop.mean, lo: 100 * coop.lo, hi: 100 * coop.hi }, 3) + ' percentage points'],
  ['innocent people listed', ci(effect('listingsOfInnocents'), 1)],
  ['days innocent people spent under sanctions', ci(effect('sanctionedInnocentDays'))],
  ['days family members were punished for nothing', ci(effect('collateralPersonDays'))],
  ['  of which children', ci(effect('collateralChildDays'))],
  ['lawful acts of dissent (petitions, criticism)', `${ci(lawful)} (${f((100 * lawful.mean) / lawfulBase, 1)}%)`],
  ['serious violations', ci(effect('seriousActs'))],
  ['approval of the programme', ci(effect('approval'), 4)],
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`\nThe programme against the same society without it, ${coop.n} paired replicates (${a.experiment.done} runs), 95% intervals:`);
for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
const rose = coop.lo > 0;
const fell = coop.hi < 0;
console.log(
  `\nAnswer: trust ${rose ? 'rose' : fell ? 'fell' : 'did not measurably change'} (a change in cooperation of ${f(100 * coop.mean, 3)} percentage points, ` +
    `95% interval ${f(100 * coop.lo, 3)} to ${f(100 * coop.hi, 3)}), while ${f(effect('listingsOfInnocents').mean, 1)} innocent people were listed, ` +
    `family members spent ${f(effect('collateralPersonDays').mean)} days punished for nothing, and ${f((-100 * lawful.mean) / lawfulBase, 1)}% of lawful dissent went quiet.`,
);
