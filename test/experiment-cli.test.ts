import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.ts';

// The built CLI, as installed: `npm test` builds before it runs the tests.
const main = new URL('../dist/cli/main.js', import.meta.url).pathname;
const fixture = new URL('./fixtures/experiments/small-grid.yaml', import.meta.url).pathname;
const sclab = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [main, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
const tmp = () => mkdtempSync(join(tmpdir(), 'sclab-exp-cli-'));

describe('sclab sweep, results and report', () => {
  it('sweeps into the project store, shows intervals and paired differences, exports and reports', () => {
    const dir = tmp();
    const s = sclab(dir, 'sweep', fixture);
    expect(s.status, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/small-grid: 12 runs stored, 0 already stored, 0 failed/);
    expect(s.stderr).toMatch(/12 runs \(2 points x 3 replicates x 2 arms\)/);
    expect(existsSync(join(dir, '.sclab/results.duckdb'))).toBe(true);

    const again = sclab(dir, 'sweep', fixture);
    expect(again.stdout).toMatch(/0 runs stored, 12 already stored/);

    const list = sclab(dir, 'results');
    expect(list.stdout).toMatch(/^small-grid\s+12\/12 done\s+0 failed/);

    const r = sclab(dir, 'results', 'small-grid');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/collateralDays: mean \[95% CI\] over replicates/);
    expect(r.stdout).toMatch(/spill-over @ below=600\s+n=3\s+[\d.]+ \[/);
    expect(r.stdout).toMatch(/no-spill-over − spill-over @ below=700\s+n=3\s+-/);
    expect(r.stdout).toMatch(/sensitivity \(main effects/);

    const j = JSON.parse(sclab(dir, 'results', 'small-grid', '--json', '--outputs', 'collateralDays').stdout) as { outputs: string[]; paired: { interval: { mean: number; lo: number; hi: number } }[] };
    expect(j.outputs).toEqual(['collateralDays']);
    expect(j.paired).toHaveLength(3);
    for (const p of j.paired) expect(p.interval.lo).toBeLessThanOrEqual(p.interval.hi);

    const bad = sclab(dir, 'results', 'small-grid', '--outputs', 'nonsense');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/no output "nonsense" in the stored runs \(have: .*collateralDays/);
    const none = sclab(dir, 'results', 'no-such');
    expect(none.stderr).toMatch(/no experiment "no-such" .*have: small-grid/);

    const ex = sclab(dir, 'results', 'small-grid', '--export', 'csv', '--out', 'out');
    expect(ex.status, ex.stderr).toBe(0);
    const runs = readFileSync(join(dir, 'out/small-grid-runs.csv'), 'utf8').trim().split('\n');
    expect(runs).toHaveLength(13);
    expect(runs[0]).toMatch(/^run_id,experiment,point,arm,replicate,seed,params,status/);

    const rep = sclab(dir, 'report', 'small-grid', '--out', 'report.html');
    expect(rep.status, rep.stderr).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link /);
    // The data of every section is in the page: bands per arm and point, paired effects, the ODD text, the command.
    expect(html).toMatch(/spill-over @ below=600/);
    expect(html).toMatch(/no-spill-over − spill-over/);
    expect(html).toMatch(/Entities, state variables and scales/);
    expect(html).toMatch(/sclab sweep .*small-grid\.yaml/);
  });

  it('stops on Ctrl-C with the store consistent, and the next sweep finishes the rest', async () => {
    const dir = tmp();
    // Longer runs, so that the signal lands while runs are in flight.
    const file = join(dir, 'slow.yaml');
    writeFileSync(file, readFileSync(fixture, 'utf8').replace('agents: 3000', 'agents: 200000').replace('name: small-grid', 'name: slow'));
    const p = spawn(process.execPath, [main, 'sweep', file, '--workers', '2'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    // Once the runs have started (the plan is printed just before), and long before they can all end.
    await new Promise<void>((resolve) =>
      p.stderr.on('data', () => {
        if (/12 runs \(/.test(err)) resolve();
      }),
    );
    await new Promise((r) => setTimeout(r, 1500));
    p.kill('SIGINT');
    const code = await new Promise<number | null>((r) => p.once('exit', (c) => r(c)));
    expect(code, err).toBe(130);
    const m = /interrupted: (\d+) of 12 runs stored; run the same command again to resume/.exec(err);
    expect(m, err).not.toBeNull();
    const stored = Number(m![1]);
    expect(stored).toBeLessThan(12);
    const store = await Store.open(join(dir, '.sclab/results.duckdb'), { readOnly: true });
    const runs = await store.runs('slow');
    expect(runs.filter((r) => r.status === 'done')).toHaveLength(stored);
    expect(runs.filter((r) => r.status === 'failed')).toHaveLength(0);
    store.close();
    const rest = sclab(dir, 'sweep', file);
    expect(rest.status, rest.stderr).toBe(0);
    expect(rest.stdout).toMatch(new RegExp(`${12 - stored} runs stored, ${stored} already stored, 0 failed`));
  });

  it('refuses a bad experiment file with its line and path', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.yaml'), 'version: 1\nname: bad\nscenario: rm1\nvary:\n  method: gird\n  parameters: [{ path: agents, values: [10] }]\n');
    const r = sclab(dir, 'sweep', 'bad.yaml');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:5:11: vary\.method: expected one of .*grid/);
  });
});
