import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldens } from './helpers.ts';

// The built CLI, as installed: `npm test` builds before it runs the tests.
const main = new URL('../dist/cli/main.js', import.meta.url).pathname;
const sclab = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 60_000 });
const tmp = () => mkdtempSync(join(tmpdir(), 'sclab-test-'));

describe('sclab run', () => {
  it('writes the goldens\' JSON document for rm1 and prints a summary table', () => {
    const [, g] = goldens.find(([f]) => f.includes('n10007'))!;
    const dir = tmp();
    const out = join(dir, 'out.json');
    const r = sclab('run', 'rm1', '--agents', `${g.n}`, '--days', `${g.days}`, '--seed', g.seed, '--threads', '2', '--json', out);
    expect(r.status).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as typeof g;
    expect(doc.stateHash).toBe(g.stateHash);
    expect(doc.totals).toEqual(g.totals);
    expect(doc.daily).toEqual(g.daily);
    expect(r.stdout).toMatch(/wrongfulListings\s+104/);
    // Not a terminal: no progress output.
    expect(r.stderr).toBe('');
    expect(readdirSync(dir)).toEqual(['out.json']);
  });

  it('keeps a 64-bit seed exact from the command line to the output', () => {
    const [, g] = goldens.find(([f]) => f.includes('18446744073709551615'))!;
    const out = join(tmp(), 'out.json');
    const r = sclab('run', 'rm1', '--agents', '5', '--days', '30', '--seed', '18446744073709551615', '--json', out, '--quiet');
    expect(r.status).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as typeof g;
    expect(doc.seed).toBe('18446744073709551615');
    expect(doc.stateHash).toBe(g.stateHash);
  });

  it('writes the daily series as CSV', () => {
    const out = join(tmp(), 'out.csv');
    const r = sclab('run', 'rm1', '--agents', '1000', '--days', '10', '--csv', out, '--quiet');
    expect(r.status).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('day,listed,newListings,wrongfulListings,delistings,sanctionedDays,collateralDays,observed,reportsFiled,trueAccepted,falseAccepted,scoreSum');
    expect(lines).toHaveLength(11);
  });

  it('applies --set overrides', () => {
    const a = join(tmp(), 'a.json');
    const r = sclab('run', 'rm1', '--agents', '2000', '--days', '50', '--set', 'modules.observation.params.probability=1', '--set', 'modules[5].params.below=990', '--json', a, '--quiet');
    expect(r.status).toBe(0);
    const doc = JSON.parse(readFileSync(a, 'utf8')) as { totals: Record<string, number> };
    expect(doc.totals.newListings).toBeGreaterThan(100);
  });

  it('rejects a bad --set with status 2 and names the option', () => {
    const r = sclab('run', 'rm1', '--set', 'modules.blacklist.params.bellow=3');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bellow/);
    expect(r.stderr).toMatch(/did you mean "below"/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    const missing = sclab('run', 'rm1', '--set', 'modules.nosuch.params.x=1');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nosuch/);
    const range = sclab('run', 'rm1', '--set', 'modules.ledger.params.max=-5');
    expect(range.status).toBe(2);
    expect(range.stderr).toBe('--set modules.ledger.params.max: modules[4].params.max: expected min <= max, found -5\n');
  });

  it('refuses an output it could not write before running, with status 2', () => {
    const r = sclab('run', 'rm1', '--json', '/nonexistent-dir/out.json');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--json \/nonexistent-dir\/out.json: cannot write there/);
    expect(r.stdout).toBe('');
  });

  it('says what a name that is neither a built-in nor a file could have been', () => {
    const r = sclab('run', 'rm2');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/rm2: expected a built-in scenario \([a-z0-9, -]*\brm1, rm1-shunning\b[a-z0-9, -]*\) or a scenario file, found neither/);
  });

  it('rejects bad options with status 2', () => {
    for (const args of [['--agents', 'many'], ['--agents', '0'], ['--seed', '18446744073709551616'], ['--threads', '0'], ['--bogus']]) {
      const r = sclab('run', 'rm1', ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/error/);
    }
  });

  it('shows a progress bar with day, agent-days/s and ETA on a terminal', (ctx) => {
    // util-linux's `script` gives the command a pseudo-terminal.
    if (spawnSync('script', ['--version']).status !== 0) return ctx.skip();
    const r = spawnSync('script', ['-qec', `${process.execPath} ${main} run rm1 --agents 20000 --days 200 --threads 1`, '/dev/null'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/day \d+\/200 \[[=-]+\] \d+% \| [\d.]+ M agent-days\/s \| ETA/);
    expect(r.stdout).toMatch(/scoreSum/);
  });

  it('stops cleanly on Ctrl-C: status 130 and no output file', async () => {
    const dir = tmp();
    const out = join(dir, 'out.json');
    const child = spawn(process.execPath, [main, 'run', 'rm1', '--agents', '2000000', '--days', '3650', '--threads', '2', '--json', out]);
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted at day \d+ of 3650: no output written/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('modules from outside the lab', () => {
  const example = new URL('../examples/modules/score-watch.mjs', import.meta.url).pathname;
  it('run from a --module file on every thread, with the same result on 1 and 2 threads', () => {
    const dir = tmp();
    const file = join(dir, 'watched.yaml');
    writeFileSync(file, 'version: 1\nname: watched\nextends: rm1\nagents: 20000\ndays: 60\nmodules:\n  - module: score-watch\n    params: { below: 900 }\noutput:\n  metrics: [listed, belowThreshold, fellBelow]\n');
    const docs = [1, 2].map((t) => {
      const out = join(dir, `out${t}.json`);
      const r = sclab('run', file, '--module', example, '--threads', `${t}`, '--json', out, '--quiet');
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(readFileSync(out, 'utf8')) as { stateHash: string; totals: Record<string, number>; daily: unknown };
    });
    expect(docs[0]!.totals.belowThreshold).toBeGreaterThan(0);
    expect(docs[1]).toEqual({ ...docs[0], run: (docs[1] as unknown as { run: unknown }).run });
    expect(sclab('describe', file, '--module', example).stdout).toMatch(/score-watch \(Score watch\)/);
  });

  it('refuse a missing file or one that exports no module, with status 2', () => {
    const dir = tmp();
    const empty = join(dir, 'empty.mjs');
    writeFileSync(empty, 'export const x = 1;\n');
    for (const [path, pattern] of [[join(dir, 'none.mjs'), /no such file/], [empty, /exports no module definition/]] as const) {
      const r = sclab('run', 'rm1', '--module', path);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
  });
});

describe('sclab validate, list, schema, describe', () => {
  it('validates a good file and reports a bad one with file, line, column, path, expected and found', () => {
    const dir = tmp();
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'version: 1\nname: mine\nextends: rm1\nagents: 500\n');
    const ok = sclab('validate', good);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/valid/);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\nname: mine\nextends: rm1\nmodules:\n  - module: blacklist\n    params:\n      below: high\n');
    const r = sclab('validate', bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}:7:14`);
    expect(r.stderr).toContain('modules[0].params.below');
    expect(r.stderr).toMatch(/expected an integer/);
    expect(r.stderr).toMatch(/found .*high/);
  });

  it('reports parts that do not fit together at their place in the file, before any run', () => {
    const dir = tmp();
    const file = join(dir, 'misfit.yaml');
    writeFileSync(file, 'version: 1\nname: misfit\nextends: rm1\nagents: 5\nlayers:\n  contacts: { generator: watts-strogatz, k: 10 }\noutput:\n  metrics: [listed, lsted]\n');
    const r = sclab('validate', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`${file}:6:45: layers.contacts.k: expected k below the number of agents (5), found 10\n`);
    writeFileSync(file, 'version: 1\nname: misfit\nextends: rm1\noutput:\n  metrics: [listed, lsted]\n');
    const m = sclab('validate', file);
    expect(m.status).toBe(2);
    expect(m.stderr).toMatch(new RegExp(`^${file}:5:21: output.metrics\\[1\\]: expected one of the metrics \\(.*listed.*\\), found "lsted"`));
  });

  it('refuses --set paths into prototypes', () => {
    for (const path of ['__proto__.x=1', 'constructor.x=1', 'modules.ledger.__proto__.x=1']) {
      const r = sclab('run', 'rm1', '--set', path);
      expect(r.status, path).toBe(2);
      expect(r.stderr).toMatch(/expected path=value/);
    }
  });

  it('stops quietly when its reader goes away', () => {
    const r = spawnSync('sh', ['-c', `${process.execPath} ${main} schema | head -c 10 > /dev/null`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('gives status 2 and a clear message for missing, empty and directory inputs', () => {
    const dir = tmp();
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, '');
    for (const [path, pattern] of [
      [join(dir, 'nope.yaml'), /nope\.yaml/],
      [empty, /empty/i],
      [dir, /director/i],
    ] as const) {
      const r = sclab('validate', path);
      expect(r.status, path).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('lists the built-in scenarios one per line', () => {
    const r = sclab('list');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^rm1\s+RM-1 reference model/m);
    expect(r.stdout).toMatch(/^rongcheng\s+Rongcheng points system/m);
  });

  it('prints the scenario format as JSON Schema', () => {
    const r = sclab('schema');
    expect(r.status).toBe(0);
    const schema = JSON.parse(r.stdout) as { $schema: string; properties: Record<string, unknown> };
    expect(schema.$schema).toMatch(/json-schema/);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['version', 'agents', 'days', 'seed', 'layers', 'modules']));
  });

  it('describes a scenario in ODD order with parameter values and defaults', () => {
    const r = sclab('describe', 'rm1');
    expect(r.status).toBe(0);
    const order = ['1. Purpose', '2. Entities', '3. Process overview', '4. Submodels', '5. Observation'].map((h) => r.stdout.indexOf(h));
    expect(order.every((x, i) => x >= 0 && (i === 0 || x > order[i - 1]!))).toBe(true);
    expect(r.stdout).toMatch(/below = 600 \(default\)/);
    expect(r.stdout).toMatch(/interact:\n\s+reporting:/);
  });
});

describe('sclab run --checkpoint, --from', () => {
  type Doc = { stateHash: string; totals: Record<string, number>; daily: Record<string, number[]> };
  const outcomeOf = (path: string) => {
    const d = JSON.parse(readFileSync(path, 'utf8')) as Doc;
    return { stateHash: d.stateHash, totals: d.totals, daily: d.daily };
  };

  it('saves the state at a day while the run goes on, and resumes from it to the same result', () => {
    const dir = tmp();
    const [c, a, b, branch] = ['c.bin', 'a.json', 'b.json', 'branch.json'].map((f) => join(dir, f)) as [string, string, string, string];
    const r = sclab('run', 'rm1', '--agents', '2000', '--days', '60', '--checkpoint', c, '--checkpoint-at', '30', '--json', a, '--quiet');
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['a.json', 'c.bin']);
    const resumed = sclab('run', '--from', c, '--threads', '1', '--json', b, '--quiet');
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toBe('');
    expect(outcomeOf(b)).toEqual(outcomeOf(a));
    // A branch: the stored scenario with a policy changed from day 30 on.
    const changed = sclab('run', '--from', c, '--set', 'modules.blacklist.params.below=900', '--json', branch, '--quiet');
    expect(changed.status, changed.stderr).toBe(0);
    const [whole, other] = [outcomeOf(a), outcomeOf(branch)];
    expect(other.daily.listed!.slice(0, 30)).toEqual(whole.daily.listed!.slice(0, 30));
    expect(other.totals.newListings).toBeGreaterThan(whole.totals.newListings!);
  });

  it('refuses what cannot be resumed, with status 2 and a clear message', () => {
    const dir = tmp();
    const c = join(dir, 'c.bin');
    expect(sclab('run', 'rm1', '--agents', '500', '--days', '20', '--checkpoint', c, '--checkpoint-at', '10', '--quiet').status).toBe(0);
    writeFileSync(join(dir, 'short.bin'), readFileSync(c).subarray(0, 200));
    for (const [args, message] of [
      [['--from', c, '--agents', '600'], '--agents and --seed cannot change with --from'],
      [['rm1', '--from', c], 'give a scenario or --from, not both'],
      [['--from', c, '--days', '5'], `--from ${c}: the scenario does not fit the checkpoint: expected at least 10 days (the checkpoint's day), found 5`],
      [['--from', c, '--set', 'layers.contacts.degree=10'], 'expected layer "contacts" slots of 500 agents, capacity 8'],
      [['--from', join(dir, 'short.bin')], 'short.bin: truncated'],
      [['--from', join(dir, 'none.bin')], 'none.bin: no such file'],
      [['rm1', '--days', '20', '--checkpoint', c, '--checkpoint-at', '21'], '--checkpoint-at 21: expected a day in [0, 20]'],
      [['rm1', '--checkpoint', c], '--checkpoint and --checkpoint-at go together'],
    ] as const) {
      const r = sclab('run', ...args, '--quiet');
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});
