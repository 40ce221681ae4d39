import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtins } from '../src/cli/library.ts';
import { analyse } from '../src/experiment/analysis.ts';
import { planExperiment, runRequest } from '../src/experiment/plan.ts';
import { ProcessPool, RunFailure, balance } from '../src/experiment/pool.ts';
import { localBackend, sweep, type Backend } from '../src/experiment/sweep.ts';
import { MODULES } from '../src/modules/index.ts';
import { ScenarioError } from '../src/scenario/errors.ts';
import { Store } from '../src/store/store.ts';

const fixture = new URL('./fixtures/experiments/small-grid.yaml', import.meta.url).pathname;
const tmp = () => mkdtempSync(join(tmpdir(), 'sclab-sweep-'));
const plan = () => planExperiment(fixture, builtins, MODULES);

/** Everything a store says about an experiment's finished runs, in a fixed order. */
async function contents(store: Store, name: string) {
  const runs = (await store.runs(name)).map(({ run_id, point, arm, replicate, seed, status, state_hash }) => ({ run_id, point, arm, replicate, seed, status, state_hash }));
  const summaries = (await store.summaries(name)).map(({ run_id, metric, value }) => ({ run_id, metric, value }));
  const series = await store.series(name, ['newListings', 'listed', 'collateralDays']);
  return { runs, summaries, series };
}

describe('experiment plans', () => {
  it('expands points x replicates x arms, with the same seeds in every arm and point', () => {
    const p = plan();
    expect(p.runs).toHaveLength(2 * 3 * 2);
    expect(p.runs.map((r) => `${r.point}/${r.replicate}/${r.arm}`).slice(0, 4)).toEqual(['0/0/spill-over', '0/0/no-spill-over', '0/1/spill-over', '0/1/no-spill-over']);
    for (const r of p.runs) {
      expect(r.seed).toBe(String(7 + r.replicate));
      expect(r.scenario.agents).toBe(3000);
      const jp = r.scenario.modules.find((m) => m.module === 'joint-punishment')!.params as { spillover: boolean };
      expect(jp.spillover).toBe(r.arm === 'spill-over');
      const bl = r.scenario.modules.find((m) => m.module === 'blacklist')!.params as { below: number };
      expect(bl.below).toBe(r.params['modules.blacklist.params.below']);
    }
    // Ids are stable and distinct.
    expect(new Set(p.runs.map((r) => r.id)).size).toBe(12);
    expect(plan().runs.map((r) => r.id)).toEqual(p.runs.map((r) => r.id));
  });

  it('gives two arms with the same scenario (an A/A test) runs of their own', () => {
    const dir = tmp();
    const file = join(dir, 'aa.yaml');
    writeFileSync(file, 'version: 1\nname: aa\nscenario: rm1\nreplicates: 2\narms: [{ name: a }, { name: b }]\n');
    const p = planExperiment(file, builtins, MODULES);
    expect(new Set(p.runs.map((r) => r.id)).size).toBe(4);
  });

  it('names the file, the point and the arm of a change the scenario refuses', () => {
    const dir = tmp();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'version: 1\nname: bad\nscenario: rm1\narms:\n  - name: a\n  - name: b\n    set: { modules.joint-punishment.params.spillover: maybe }\n');
    expect(() => planExperiment(file, builtins, MODULES)).toThrowError(ScenarioError);
    try {
      planExperiment(file, builtins, MODULES);
    } catch (e) {
      expect((e as Error).message).toMatch(/bad\.yaml: point 0, arm "b": --set modules\.joint-punishment\.params\.spillover: .*expected/);
    }
    writeFileSync(file, 'version: 1\nname: bad\nscenario: rm1\nreplicates: 0\n');
    expect(() => planExperiment(file, builtins, MODULES)).toThrowError(/bad\.yaml:4:13: replicates: expected/);
  });

  it('balances runs and threads over the cores', () => {
    expect(balance(100, 8)).toEqual({ workers: 8, threads: 1 });
    expect(balance(2, 8)).toEqual({ workers: 2, threads: 4 });
    expect(balance(1, 8)).toEqual({ workers: 1, threads: 8 });
    expect(balance(100, 8, { threads: 2 })).toEqual({ workers: 4, threads: 2 });
    expect(balance(100, 8, { workers: 3 })).toEqual({ workers: 3, threads: 2 });
  });
});

describe('local sweeps', () => {
  it('stores every run once, resumes after an interruption, and ends identical to an uninterrupted sweep', async () => {
    const dir = tmp();
    const whole = await Store.open(join(dir, 'whole.duckdb'));
    const r = await sweep(plan(), whole, localBackend({ workers: 2 }), { command: 'test', stop: new AbortController().signal });
    expect(r).toMatchObject({ total: 12, done: 12, failed: 0, skipped: 0, interrupted: false });
    const expected = await contents(whole, 'small-grid');
    expect(expected.runs.every((x) => x.status === 'done')).toBe(true);
    expect(expected.series).toHaveLength(12 * 3 * 120);
    // Again: nothing left to do.
    const again = await sweep(plan(), whole, localBackend({ workers: 2 }), { command: 'test', stop: new AbortController().signal });
    expect(again).toMatchObject({ total: 12, done: 0, skipped: 12 });
    expect(await contents(whole, 'small-grid')).toEqual(expected);
    const a = await analyse(whole, 'small-grid');
    expect(a.cells).toHaveLength(3 * 2 * 2);
    expect(a.paired).toHaveLength(3 * 3);
    // Common random numbers: the spill-over switch changes nothing but collateral days.
    for (const p of a.paired.filter((x) => x.metric !== 'collateralDays')) expect(p.interval).toMatchObject({ mean: 0, lo: 0, hi: 0 });
    for (const p of a.paired.filter((x) => x.metric === 'collateralDays')) expect(p.interval.mean).toBeLessThan(0);
    whole.close();

    // Interrupted after three runs are stored, then resumed.
    const cut = await Store.open(join(dir, 'cut.duckdb'));
    const stop = new AbortController();
    const first = await sweep(plan(), cut, localBackend({ workers: 2 }), {
      command: 'test',
      stop: stop.signal,
      progress: (p) => {
        if (p.done >= 3) stop.abort();
      },
    });
    expect(first.interrupted).toBe(true);
    expect(first.done).toBeGreaterThanOrEqual(3);
    expect(first.done).toBeLessThan(12);
    const partial = await contents(cut, 'small-grid');
    const doneIds = partial.runs.filter((x) => x.status === 'done').map((x) => x.run_id);
    expect(doneIds).toHaveLength(first.done);
    expect(partial.runs.filter((x) => x.status !== 'done').every((x) => x.status === 'pending')).toBe(true);
    // Only whole runs: every stored run has all its summaries.
    const perRun = expected.summaries.length / 12;
    for (const id of doneIds) expect(partial.summaries.filter((s) => s.run_id === id)).toHaveLength(perRun);
    const second = await sweep(plan(), cut, localBackend({ workers: 2 }), { command: 'test', stop: new AbortController().signal });
    expect(second).toMatchObject({ skipped: first.done, done: 12 - first.done, failed: 0 });
    expect(await contents(cut, 'small-grid')).toEqual(expected);
    cut.close();
  });

  it('records a failed run with its error, stores the others, and retries it on the next sweep', async () => {
    const dir = tmp();
    const store = await Store.open(join(dir, 's.duckdb'));
    const p = plan();
    const victim = p.runs[5]!.id;
    const real = localBackend({ workers: 2 });
    // A backend whose runs all succeed but one.
    const flaky: Backend = {
      execute: (runs, report, stop) =>
        real.execute(
          runs,
          (f) => (f.id === victim ? report({ ...f, ok: false, error: 'the runner process died (SIGKILL)' }) : report(f)),
          stop,
        ),
    };
    const r = await sweep(p, store, flaky, { command: 'test', stop: new AbortController().signal });
    expect(r).toMatchObject({ done: 11, failed: 1 });
    expect(r.errors).toEqual([{ id: victim, error: 'the runner process died (SIGKILL)' }]);
    const failed = (await store.runs('small-grid')).filter((x) => x.status === 'failed');
    expect(failed.map((x) => [x.run_id, x.error])).toEqual([[victim, 'the runner process died (SIGKILL)']]);
    const retry = await sweep(plan(), store, real, { command: 'test', stop: new AbortController().signal });
    expect(retry).toMatchObject({ skipped: 11, done: 1, failed: 0 });
    store.close();
  });

  it('exports runs, summaries and series as CSV and Parquet', async () => {
    const dir = tmp();
    const store = await Store.open(join(dir, 's.duckdb'));
    await sweep(plan(), store, localBackend({ workers: 2 }), { command: 'test', stop: new AbortController().signal });
    const csv = await store.export('small-grid', join(dir, 'csv'), 'csv');
    const pq = await store.export('small-grid', join(dir, 'pq'), 'parquet');
    expect(readdirSync(join(dir, 'csv')).sort()).toEqual(['small-grid-runs.csv', 'small-grid-series.csv', 'small-grid-summaries.csv']);
    expect(pq).toHaveLength(3);
    expect(csv).toHaveLength(3);
    store.close();
  });
});

describe('branching arms from one warmed-up state', () => {
  it('runs every arm from the same state at the branch day, under the same random streams', async () => {
    const dir = tmp();
    const write = (name: string, branch: string) => {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(
        file,
        `version: 1\nname: ${name}\nscenario: rm1\nset: { agents: 3000, days: 80 }\nreplicates: 2\n${branch}` +
          `arms:\n  - name: base\n  - name: harsh\n    set: { modules.blacklist.params.below: 750 }\n`,
      );
      return planExperiment(file, builtins, MODULES);
    };
    const store = await Store.open(join(dir, 's.duckdb'));
    const stop = new AbortController().signal;
    const branched = write('branched', 'branch: { day: 40 }\n');
    expect(branched.runs[1]!.warmup).toMatchObject({ day: 40 });
    await sweep(branched, store, localBackend({ workers: 2 }), { command: 'test', stop });
    await sweep(write('plain', ''), store, localBackend({ workers: 2 }), { command: 'test', stop });
    const metrics = ['listed', 'newListings', 'observed', 'scoreSum'];
    const byRun = async (name: string) => {
      const runs = await store.runs(name);
      const series = await store.series(name, metrics);
      return (arm: string, replicate: number) => {
        const id = runs.find((r) => r.arm === arm && r.replicate === replicate)!.run_id;
        return { hash: runs.find((r) => r.run_id === id)!.state_hash, rows: series.filter((x) => x.run_id === id).map(({ metric, day, value }) => ({ metric, day, value })) };
      };
    };
    const b = await byRun('branched');
    const p = await byRun('plain');
    for (const rep of [0, 1]) {
      const [base, harsh] = [b('base', rep), b('harsh', rep)];
      // The same past up to the branch, a different future after it.
      expect(harsh.rows.filter((x) => x.day < 40)).toEqual(base.rows.filter((x) => x.day < 40));
      expect(harsh.rows.filter((x) => x.day >= 40)).not.toEqual(base.rows.filter((x) => x.day >= 40));
      // The arm without changes is the uninterrupted run; the harsh arm from day 0 is not the branch.
      expect(base).toEqual(p('base', rep));
      expect(harsh.rows.filter((x) => x.day < 40)).not.toEqual(p('harsh', rep).rows.filter((x) => x.day < 40));
    }
    store.close();
  });

  it('refuses a branch day at or after the end of the runs', () => {
    const dir = tmp();
    const file = join(dir, 'late.yaml');
    writeFileSync(file, 'version: 1\nname: late\nscenario: rm1\nset: { days: 30 }\nbranch: { day: 30 }\n');
    expect(() => planExperiment(file, builtins, MODULES)).toThrowError(/branch\.day: expected a day before the end of the runs \(30 days\), found 30/);
  });
});

describe('sensitivity from the designs made for it', () => {
  const write = (dir: string, method: string, extra: string) => {
    const file = join(dir, `${method}.yaml`);
    writeFileSync(
      file,
      `version: 1\nname: ${method}\nscenario: rm1\nset: { agents: 2000, days: 60 }\nvary:\n  method: ${method}\n${extra}  parameters:\n` +
        `    - { path: modules.observation.params.probability, min: 0.1, max: 0.9 }\n    - { path: modules.reporting.params.falseAccept, min: 0, max: 0.5 }\n` +
        `outputs: [newListings, falseAccepted]\n`,
    );
    return file;
  };

  it('gives Morris elementary effects and Sobol indices for each output', async () => {
    const dir = tmp();
    const store = await Store.open(join(dir, 's.duckdb'));
    for (const [method, extra, points] of [['morris', '  trajectories: 4\n', 12], ['saltelli', '  samples: 8\n', 32]] as const) {
      const p = planExperiment(write(dir, method, extra), builtins, MODULES);
      expect(p.runs).toHaveLength(points);
      const r = await sweep(p, store, localBackend({ workers: 2 }), { command: 'test', stop: new AbortController().signal });
      expect(r.done).toBe(points);
      const a = await analyse(store, method);
      expect(a.sensitivity.map((x) => [x.metric, x.kind, x.rows.map((row) => row.parameter)])).toEqual(
        ['newListings', 'falseAccepted'].map((m) => [m, method === 'morris' ? 'morris' : 'sobol', ['modules.observation.params.probability', 'modules.reporting.params.falseAccept']]),
      );
      // Accepted false reports depend on the acceptance rate far more than on surveillance.
      const fa = a.sensitivity.find((x) => x.metric === 'falseAccepted')!.rows;
      expect(fa[1]!.high).toBeGreaterThan(fa[0]!.high);
    }
    store.close();
  });
});

describe('the runner pool', () => {
  it('fails a run whose scenario is refused, or whose process dies, and keeps serving the others', async () => {
    const pool = new ProcessPool(1);
    try {
      const bad = pool.run({ id: 'x', scenario: '{"version": 1}', threads: 1 });
      await expect(bad).rejects.toThrowError(RunFailure);
      await expect(bad).rejects.toThrowError(/expected/);
      const run = plan().runs[0]!;
      const json = (agents: number) => JSON.stringify({ ...JSON.parse(runRequest(run).scenario), agents });
      // Killed in the middle of a long run: that run fails, and a new process takes the next.
      const long = pool.run({ id: 'long', scenario: json(400_000), threads: 1 });
      await new Promise((r) => setTimeout(r, 500));
      const pids = spawnSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' }).stdout.trim().split(/\s+/).map(Number);
      // The runner, and the finished `ps` itself, which is gone already.
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // ESRCH: not there any more.
        }
      }
      await expect(long).rejects.toThrowError(/the runner process died \(SIGKILL\)/);
      const ok = await pool.run({ id: 'y', scenario: json(3000), threads: 1 });
      expect(ok.days).toBe(120);
    } finally {
      await pool.close();
    }
  });

});
