import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { calibrate, planCalibration, poolRunner, type CalibrationResult } from '../src/calibrate/calibrate.ts';
import { acceptClosest, acceptedCount, distance } from '../src/calibrate/objective.ts';
import { nelderMead } from '../src/calibrate/search.ts';
import { readCalibration, targetScale, targetValue, TOLERANCE_Z, type Target } from '../src/calibrate/targets.ts';
import { builtins } from '../src/cli/library.ts';
import { calibrateCommand } from '../src/cli/calibrate.ts';
import { MODULES } from '../src/modules/index.ts';
import { ScenarioError } from '../src/scenario/errors.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'sclab-calibrate-'));
const write = (dir: string, name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const problemsOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof ScenarioError) return e.format();
    throw e;
  }
  throw new Error('expected a ScenarioError');
};

/** rm1, small: observation's probability sets `observed` (violations do not depend on it in rm1). */
const PATH = 'modules.observation.params.probability';
const TRUE_P = 0.3;
const SEEDS = [7, 8];
const rm1File = (targets: string, o: { samples?: number; refine?: number } = {}): string => `version: 1
name: rm1-observation
scenario: rm1
set: { agents: 1000, days: 100 }
parameters:
  - { path: ${PATH}, min: 0.05, max: 0.95 }
targets:
${targets}
replicates: ${SEEDS.length}
seed: ${SEEDS[0]}
method: { design: latin-hypercube, samples: ${o.samples ?? 30}, accept: 0.2, refine: ${o.refine ?? 10} }
`;

describe('calibration files', () => {
  it('reports every problem with file:line:column, path, expected and found', () => {
    const dir = tmp();
    const file = write(
      dir,
      'bad.targets.yaml',
      `version: 1
scenario: rm1
parameters:
  - { path: ${PATH}, min: 0.9, max: 0.1 }
  - { path: modules.blacklist.params.below, min: 500, max: 700, scale: logg }
targets:
  - { name: observed, value: 100, sd: 5, tolerance: 10, from: observed }
  - { name: listings, value: 10, sd: 1, from: { numerator: newListings } }
replicates: 0
methd: {}
`,
    );
    const text = problemsOf(() => readCalibration(file));
    expect(text).toContain(`${file}:4:5: parameters[0]: expected a range with max above min`);
    expect(text).toMatch(new RegExp(`${file}:5:72: parameters\\[1\\]\\.scale: expected one of "linear", "log", found "logg" \\(did you mean "log"\\?\\)`));
    expect(text).toContain(`${file}:7:5: targets[0]: expected either sd or tolerance (one of them)`);
    expect(text).toMatch(new RegExp(`${file}:8:47: targets\\[1\\]\\.from\\.denominator: expected .*, found nothing \\(the key is missing\\)`));
    expect(text).toContain(`${file}:9:13: replicates: expected an integer in [1, 1000], found 0`);
    expect(text).toMatch(new RegExp(`${file}:10:1: methd: expected a known key .*found unknown key "methd" \\(did you mean "method"\\?\\)`));
  });

  it('checks parameter paths and target names against the scenario before anything runs', () => {
    const dir = tmp();
    const unknownName = write(dir, 'names.yaml', rm1File('  - { name: seen, value: 60, sd: 3, from: { numerator: observd, denominator: [newListings, -delistingz] } }'));
    const text = problemsOf(() => planCalibration(unknownName, {}, builtins, MODULES));
    expect(text).toMatch(new RegExp(`${unknownName}:8:\\d+: targets\\[0\\]\\.from\\.numerator: expected a metric of the scenario \\(.*observed.*\\) or an audit indicator, found "observd" \\(did you mean "observed"\\?\\)`));
    expect(text).toMatch(/targets\[0\]\.from\.denominator\[1\]: .*found "delistingz" \(did you mean "delistings"\?\)/);

    const badPath = write(dir, 'path.yaml', rm1File('  - { name: seen, value: 60, sd: 3, from: observed }').replace(PATH, 'modules.observation.params.probabilty'));
    expect(problemsOf(() => planCalibration(badPath, {}, builtins, MODULES))).toBe(
      `${badPath}:6:13: parameters[0].path: modules[2].params.probabilty = 0.05 (the low end of its range): expected a known key (probability, penalty, actColumn, pendingColumn, diceWord), found unknown key "probabilty" (did you mean "probability"?)`,
    );
    // A fractional value where the scenario wants an integer: found at a sampled point, or at an end of the range.
    const fractional = write(dir, 'int.yaml', rm1File('  - { name: seen, value: 60, sd: 3, from: observed }').replace(`{ path: ${PATH}, min: 0.05, max: 0.95 }`, '{ path: modules.blacklist.params.below, min: 500, max: 700 }'));
    expect(problemsOf(() => planCalibration(fractional, {}, builtins, MODULES))).toMatch(new RegExp(`^${fractional}:6:13: parameters\\[0\\]\\.path: modules\\[5\\]\\.params\\.below = [\\d.]+ \\(a sampled point\\): expected an integer`));
    expect(planCalibration(write(dir, 'int2.yaml', readFileSync(fractional, 'utf8').replace('max: 700 }', 'max: 700, integer: true }')), {}, builtins, MODULES).design.points.every(([v]) => Number.isInteger(v))).toBe(true);
    const badSet = write(dir, 'set.yaml', rm1File('  - { name: seen, value: 60, sd: 3, from: observed }').replace('agents: 1000', 'agents: -5'));
    expect(problemsOf(() => planCalibration(badSet, {}, builtins, MODULES))).toBe(`${badSet}:4:16: set.agents: agents: expected an integer in [1, 2147483647], found -5`);

    const noScenario = write(dir, 'none.yaml', rm1File('  - { name: seen, value: 60, sd: 3, from: observed }').replace('scenario: rm1\n', ''));
    expect(problemsOf(() => planCalibration(noScenario, {}, builtins, MODULES))).toMatch(/none\.yaml:1:1: scenario: expected a scenario to calibrate/);
    // The command line may name it instead.
    expect(planCalibration(noScenario, { scenario: 'rm1' }, builtins, MODULES).base.agents).toBe(1000);
  });

  it('computes totals, ratios, sums and per-agent statistics, and scales a tolerance as a 95% half-width', () => {
    const summary = { a: 30, b: 10, c: 4, gini: 0.5 };
    const t = (from: Target['from'], per?: 'agents'): Target => ({ name: 'x', value: 1, sd: 1, from, per });
    expect(targetValue(t('a'), summary, 100)).toBe(30);
    expect(targetValue(t('a', 'agents'), summary, 100)).toBeCloseTo(0.3, 12);
    expect(targetValue(t({ numerator: 'a', denominator: 'b' }), summary, 100)).toBe(3);
    expect(targetValue(t({ numerator: ['a', '-b', '-c'], denominator: ['b', 'c'] }), summary, 100)).toBeCloseTo(16 / 14, 12);
    expect(targetValue(t({ numerator: 'a', denominator: ['b', '-b'] }), summary, 100)).toBeNaN();
    expect(targetValue(t('missing'), summary, 100)).toBeNaN();
    const doc = readCalibration(write(tmp(), 'tol.yaml', rm1File('  - { name: seen, value: 60, tolerance: 3.92, from: observed }')));
    expect(targetScale(doc.spec.targets[0]!)).toBeCloseTo(3.92 / 1.959964, 6);
    expect(targetScale({ ...doc.spec.targets[0]!, sd: 0.5, tolerance: undefined })).toBe(0.5);
  });
});

describe('the method', () => {
  it('measures errors in units of each target\'s uncertainty, and accepts the closest points in sample order', () => {
    expect(distance([3, 10], [1, 10], [1, 5])).toBe(2);
    expect(distance([3, 20], [1, 10], [1, 5])).toBeCloseTo(Math.SQRT2 * 2, 12);
    expect(distance([NaN, 10], [1, 10], [1, 5])).toBe(Infinity);
    expect(acceptedCount(64, 0.1)).toBe(7);
    expect(acceptedCount(30, 0.2)).toBe(6);
    expect(acceptedCount(5, 0.01)).toBe(1);
    expect(acceptClosest([3, 1, Infinity, 1, 2], 3)).toEqual([1, 3, 4]);
  });

  it('Nelder–Mead finds a minimum inside the box, and one on its boundary, within its budget', async () => {
    let calls = 0;
    const quadratic = (c: number[]) => (xs: number[][]) => {
      calls += xs.length;
      return Promise.resolve(xs.map((x) => x.reduce((s, xi, j) => s + (j + 1) * (xi - c[j]!) ** 2, 0)));
    };
    const inside = await nelderMead(quadratic([0.3, 0.7]), [0.9, 0.1], 10, [0.1, 0.1], { budget: 200, tolerance: 1e-6 });
    expect(inside.reason).toBe('converged');
    expect(inside.x[0]).toBeCloseTo(0.3, 3);
    expect(inside.x[1]).toBeCloseTo(0.7, 3);
    calls = 0;
    const edge = await nelderMead(quadratic([1.4, 0.5]), [0.2, 0.2], 10, [0.1, 0.1], { budget: 30 });
    expect(calls).toBeLessThanOrEqual(30);
    expect(edge.evaluations).toBe(calls);
    expect(edge.x[0]).toBeGreaterThan(0.9);
    expect(edge.x[0]).toBeLessThanOrEqual(1);
  });
});

describe('calibrating rm1 to figures it produced itself', () => {
  let runner: ReturnType<typeof poolRunner>;
  beforeAll(() => {
    runner = poolRunner({ workers: 2 });
  });
  afterAll(() => runner.close());

  it('recovers the observation probability: the 90% interval holds it, the median and the refined point are close', async () => {
    const dir = tmp();
    // The targets: what rm1 does at p = 0.3 under the same seeds, a total per agent and a ratio.
    const probe = planCalibration(write(dir, 'probe.yaml', rm1File('  - { name: seen, value: 1, sd: 1, from: observed }')), {}, builtins, MODULES);
    const truth = await Promise.all(probe.seeds.map((seed) => runner.run(probe.resolve([TRUE_P], seed))));
    const mean = (f: (s: Record<string, number>) => number): number => truth.reduce((s, x) => s + f(x), 0) / truth.length;
    const perAgent = mean((s) => s.observed! / 1000);
    const share = mean((s) => s.observed! / (s.observed! + s.reportsFiled!));
    expect(perAgent).toBeGreaterThan(0.02);
    const file = write(
      dir,
      'rm1.targets.yaml',
      rm1File(
        `  - { name: observedPerAgent, value: ${perAgent}, sd: ${perAgent * 0.03}, from: observed, per: agents }
  - { name: observedShare, value: ${share}, tolerance: ${share * 0.1}, from: { numerator: observed, denominator: [observed, reportsFiled] } }`,
      ),
    );
    const plan = planCalibration(file, {}, builtins, MODULES);
    const seen: number[] = [];
    const r = await calibrate(plan, runner.run, { progress: (p) => seen.push(p.done) });
    const [p] = r.posterior as [CalibrationResult['posterior'][number]];
    expect(r.accepted.count).toBe(6);
    expect(p.lo).toBeLessThanOrEqual(TRUE_P);
    expect(p.hi).toBeGreaterThanOrEqual(TRUE_P);
    expect(Math.abs(p.median - TRUE_P)).toBeLessThan(0.05);
    // The targets narrowed the prior a lot, and the refinement did not make things worse.
    expect(p.widthShare).toBeLessThan(0.3);
    expect(r.refined!.distance).toBeLessThanOrEqual(r.best.distance);
    expect(Math.abs(r.refined!.values[0]! - TRUE_P)).toBeLessThan(0.03);
    expect(r.refined!.evaluations).toBeLessThanOrEqual(10);
    // Every sampled point ran under the same two seeds; the ratio is computed per run, then averaged.
    expect(r.runs).toBe(2 * (30 + r.evaluations.filter((e) => e.stage === 'refine').length));
    expect(r.evaluations.filter((e) => e.stage === 'sample')).toHaveLength(30);
    const best = r.evaluations[r.accepted.indices[0]!]!;
    expect(best.stats).toHaveLength(2);
    expect(best.mean[1]).toBeCloseTo((best.stats[0]![1]! + best.stats[1]![1]!) / 2, 12);
    expect(r.best.targets[1]!.scale).toBeCloseTo((share * 0.1) / TOLERANCE_Z, 12);
    expect(seen.at(-1)).toBeGreaterThan(0);

    // The same calibration again gives the same figures: common random numbers, a seeded sample.
    const again = await calibrate(planCalibration(file, { refine: 0 }, builtins, MODULES), runner.run);
    expect(again.posterior[0]).toEqual({ ...p, refined: undefined });
    expect(again.best).toEqual(r.best);
  });
});

describe('sclab calibrate', () => {
  it('prints the table of parameters and targets, the method and the command, and writes --json atomically', async () => {
    const dir = tmp();
    const file = write(dir, 'rm1.targets.yaml', rm1File('  - { name: seen, value: 60, sd: 3, from: observed, source: "a test [S0]" }', { samples: 8, refine: 4 }));
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    const program = (): Command => {
      const cli = new Command('sclab').exitOverride();
      calibrateCommand(cli);
      return cli;
    };
    try {
      await program().parseAsync(['node', 'sclab', 'calibrate', '--targets', file, '--workers', '2', '--seed', '7', '--json', join(dir, 'out.json')]);
      const bad = program().parseAsync(['node', 'sclab', 'calibrate', '--targets', file, '--json', join(dir, 'no/such/dir/out.json')]);
      await expect(bad).rejects.toBeInstanceOf(CommanderError);
      await expect(bad).rejects.toMatchObject({ exitCode: 2 });
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    const text = out.join('');
    expect(text).toMatch(/^calibration of rm1 \(1000 agents x 100 days\) to .*rm1\.targets\.yaml: 1 parameter\(s\), 1 target\(s\)$/m);
    expect(text).toMatch(/^method: ABC rejection on a latin-hypercube sample of 8 points .* 2 replicate\(s\) each \(seeds 7\.\.8, the same at every point\); accepted the 2 closest \(20%\)/m);
    expect(text).toMatch(/^refinement: Nelder–Mead from the best accepted point, \d+ evaluation\(s\)/m);
    expect(text).toMatch(/^parameter\s+prior\s+posterior median\s+90% interval\s+width\/prior\s+best sampled\s+refined$/m);
    expect(text).toMatch(new RegExp(`^${PATH.replace(/\./g, '\\.')}\\s+\\[0\\.05, 0\\.95\\] linear\\s+[\\d.]+\\s+\\[[\\d.]+, [\\d.]+\\]`, 'm'));
    expect(text).toMatch(/^target\s+value ± scale\s+best sampled: mean \[95% CI\]\s+rel\. error\s+refined: mean \[95% CI\]\s+rel\. error\s+computed as$/m);
    expect(text).toMatch(/^seen\s+60 ± 3\s+[\d.]+ \[[\d.-]+, [\d.]+\]\s+[+-][\d.]+%/m);
    expect(text).toMatch(/^ {2}seen: a test \[S0\]$/m);
    expect(text).toMatch(new RegExp(`^reproduce: sclab calibrate --targets ${file.replace(/[.]/g, '\\.')} --budget 8 --refine 4 --replicates 2 --seed 7$`, 'm'));
    expect(err.join('')).toMatch(/calibrate rm1: 1 parameter\(s\), 1 target\(s\); 8 points x 2 replicate\(s\), then up to 4 Nelder–Mead evaluations/);
    expect(err.join('')).toMatch(/--json .*no\/such\/dir\/out\.json: cannot write there/);
    const json = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as CalibrationResult;
    expect(json.posterior[0]!.path).toBe(PATH);
    expect(json.evaluations.length).toBeGreaterThanOrEqual(8);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('stops on Ctrl-C with exit code 130 and writes nothing', async () => {
    const dir = tmp();
    // Runs long enough for the signal to land in the middle of the sample.
    const file = write(dir, 'slow.yaml', rm1File('  - { name: seen, value: 60, sd: 3, from: observed }', { samples: 64 }).replace('agents: 1000, days: 100', 'agents: 100000, days: 365'));
    const script = write(
      dir,
      'cli.mts',
      `import { Command } from ${JSON.stringify(new URL('../node_modules/commander/index.js', import.meta.url).href)};
import { calibrateCommand } from ${JSON.stringify(new URL('../src/cli/calibrate.ts', import.meta.url).href)};
const cli = new Command('sclab').exitOverride();
calibrateCommand(cli);
await cli.parseAsync(process.argv);
`,
    );
    const out = join(dir, 'out.json');
    const p = spawn(process.execPath, ['--import', 'tsx', script, 'calibrate', '--targets', file, '--json', out, '--workers', '2'], {
      cwd: new URL('..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    let stdout = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    await new Promise<void>((resolve) =>
      p.stderr.on('data', (b: Buffer) => {
        err += b.toString();
        if (/calibrate rm1:/.test(err)) resolve();
      }),
    );
    await new Promise((r) => setTimeout(r, 2000));
    p.kill('SIGINT');
    const code = await new Promise<number | null>((r) => p.once('exit', (c) => r(c)));
    expect(code, err).toBe(130);
    expect(err).toMatch(/interrupted: nothing written/);
    expect(stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});
