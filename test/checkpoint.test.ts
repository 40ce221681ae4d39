import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtins } from '../src/cli/library.ts';
import { runDocument } from '../src/cli/report.ts';
import { restoreSnapshot, takeSnapshot, type Snapshot, type SnapshotArray } from '../src/core/engine/checkpoint.ts';
import type { Driver } from '../src/core/engine/driver.ts';
import { stateHash } from '../src/core/engine/results.ts';
import { CompileError } from '../src/core/engine/world.ts';
import { loadCheckpoint, saveCheckpoint } from '../src/host/node/checkpoint-file.ts';
import { simulate } from '../src/host/node/simulate.ts';
import { MODULES } from '../src/modules/index.ts';
import { compileScenario } from '../src/scenario/compile.ts';
import { resolveScenario, type Overrides } from '../src/scenario/load.ts';
import type { Scenario } from '../src/scenario/schema.ts';
import { goldens, outcome } from './helpers.ts';

const scenario = (name: string, overrides: Overrides): Scenario => resolveScenario(builtins.open(name)!, builtins, MODULES, overrides);
/** A resolved scenario changed as plain data (modules added or removed), validated again. */
const changed = (s: Scenario, change: (json: { modules: unknown[] }) => void): Scenario => {
  const json = JSON.parse(JSON.stringify(s, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as { modules: unknown[]; output: unknown };
  change(json);
  json.output = {};
  return resolveScenario({ file: 'changed', value: json, locate: () => undefined }, builtins, MODULES);
};

/** FNV-1a over an array's bytes. */
const fnv = (a: SnapshotArray): string => {
  const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let h = 2166136261;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 16777619);
  return (h >>> 0).toString(16);
};

/** Everything a run ends with: the document's outcome, and every column, layer array and tally of its world. */
const result = (s: Scenario, d: Driver) => ({
  ...outcome(runDocument(s, d, { version: 'test', threads: 1, seconds: 1 })),
  all: stateHash(d.world, Object.keys(d.world.columns)),
  arrays: takeSnapshot(d.world, d.series, d.day).arrays.map((a) => `${a.name} ${fnv(a.array)}`),
});

const tmp = () => mkdtempSync(join(tmpdir(), 'sclab-ckpt-'));

/** Runs `s`, taking snapshots at `at`. */
async function withSnapshots(s: Scenario, threads: number, at: number[], from?: Snapshot) {
  const snaps: Snapshot[] = [];
  const d = await simulate(s, { threads, from, checkpoints: { at, save: (x) => void snaps.push(x) } });
  return { d, snaps };
}

// Scenarios whose state is more than columns: mutable slot layers (ties cut, named), tallies (approval), histograms.
const cases: [string, Overrides][] = [
  ['planning-outline', { agents: 3000, days: 80 }],
  ['court-blacklist', { agents: 3000, days: 80 }],
  ['sesame-credit', { agents: 3000, days: 80 }],
  ['rm1', { agents: 2000, days: 80 }],
];

describe('a run resumed from a checkpoint', () => {
  for (const [name, overrides] of cases) {
    it(`${name}: equals the uninterrupted run, on 1 or 2 threads, whatever the threads before`, async () => {
      const s = scenario(name, overrides);
      const whole = result(s, await simulate(s, { threads: 1 }));
      for (const threads of [1, 2]) {
        const { d, snaps } = await withSnapshots(s, threads, [37]);
        // Stopping at day 37 to take the snapshot changes nothing.
        expect(result(s, d)).toEqual(whole);
        expect(snaps.map((x) => x.day)).toEqual([37]);
        for (const resumeOn of [1, 2]) {
          const resumed = await simulate(s, { threads: resumeOn, from: snaps[0]! });
          expect(result(s, resumed), `${threads} then ${resumeOn} thread(s)`).toEqual(whole);
        }
      }
    });
  }

  it('every built-in scenario holds all its state in its world (nothing kept in closures across days)', async () => {
    for (const name of builtins.names()) {
      const s = scenario(name, { agents: 1000, days: 20 });
      const whole = result(s, await simulate(s, { threads: 1 }));
      const { snaps } = await withSnapshots(s, 1, [9]);
      expect(result(s, await simulate(s, { threads: 2, from: snaps[0]! })), name).toEqual(whole);
    }
  });

  it('keeps RM-1\'s golden: 10007 agents, checkpoint at day 183 on 2 threads, resumed on 3', async () => {
    const [, g] = goldens.find(([f]) => f.includes('n10007'))!;
    const s = scenario('rm1', { agents: g.n, days: g.days, seed: g.seed });
    const { snaps } = await withSnapshots(s, 2, [183]);
    const doc = runDocument(s, await simulate(s, { threads: 3, from: snaps[0]! }), { version: 'test', threads: 3, seconds: 1 });
    expect(doc.stateHash).toBe(g.stateHash);
    expect(doc.totals).toEqual(g.totals);
    expect(doc.daily).toEqual(g.daily);
  });

  it('may go on past the original horizon: 80 days, resumed to 100, equals a 100-day run', async () => {
    const s = scenario('planning-outline', { agents: 3000, days: 80 });
    const longer = scenario('planning-outline', { agents: 3000, days: 100 });
    const { snaps } = await withSnapshots(s, 1, [80]);
    expect(result(longer, await simulate(longer, { threads: 2, from: snaps[0]! }))).toEqual(result(longer, await simulate(longer, { threads: 1 })));
  });

  it('takes snapshots at the start, several days and the horizon, resumed or not', async () => {
    const s = scenario('rm1', { agents: 2000, days: 30 });
    const { d, snaps } = await withSnapshots(s, 2, [30, 0, 7, 7, 8]);
    expect(snaps.map((x) => x.day)).toEqual([0, 7, 8, 30]);
    expect(snaps[3]!.series).toEqual(d.series);
    // A snapshot at day 0 is the population as set up.
    const fromZero = await withSnapshots(s, 1, [8, 30], snaps[0]);
    expect(fromZero.snaps.map((x) => x.series)).toEqual([snaps[2]!.series, snaps[3]!.series]);
    expect(fromZero.snaps.map((x) => x.arrays)).toEqual([snaps[2]!.arrays, snaps[3]!.arrays]);
    await expect(simulate(s, { threads: 1, checkpoints: { at: [31], save: () => undefined } })).rejects.toThrow('a checkpoint\'s day must be in [0, 30], got 31');
    await expect(simulate(s, { threads: 1, from: snaps[2]!, checkpoints: { at: [7], save: () => undefined } })).rejects.toThrow('a checkpoint\'s day must be in [8, 30], got 7');
  });
});

describe('branches from one snapshot', () => {
  it('share the past and the random streams: an unchanged branch is the uninterrupted run, a changed one differs only afterwards', async () => {
    const base = scenario('planning-outline', { agents: 3000, days: 80 });
    // A policy change at day 40: a harsher cut-off for the court list.
    const harsher = scenario('planning-outline', { agents: 3000, days: 80, set: ['modules.court-enforcement.params.graceDays=10'] });
    const whole = await simulate(base, { threads: 1 });
    const { snaps } = await withSnapshots(base, 2, [40]);
    const same = await simulate(base, { threads: 2, from: snaps[0]! });
    const other = await simulate(harsher, { threads: 1, from: snaps[0]! });
    expect(result(base, same)).toEqual(result(base, whole));
    const w = whole.world.metricWidth;
    expect(other.series.subarray(0, 40 * w)).toEqual(whole.series.subarray(0, 40 * w));
    expect(other.series.subarray(40 * w)).not.toEqual(whole.series.subarray(40 * w));
    const listed = (d: Driver) => runDocument(harsher, d, { version: 'test', threads: 1, seconds: 1 }).totals.newListings as number;
    expect(listed(other)).toBeGreaterThan(listed(whole));
  });
});

describe('a checkpoint file', () => {
  it('round-trips the snapshot and the scenario', async () => {
    const s = scenario('court-blacklist', { agents: 3000, days: 80, seed: '18446744073709551615' });
    const { d, snaps } = await withSnapshots(s, 2, [37]);
    const path = join(tmp(), 'c.bin');
    saveCheckpoint(path, { scenario: s, snapshot: snaps[0]!, version: '9.9.9' });
    const back = loadCheckpoint(path);
    expect(back.version).toBe('9.9.9');
    expect(back.snapshot).toEqual(snaps[0]);
    // The stored scenario resolves again to the same scenario.
    expect(resolveScenario({ file: path, value: back.scenario, locate: () => undefined }, builtins, MODULES)).toEqual(s);
    expect(result(s, await simulate(s, { threads: 1, from: back.snapshot }))).toEqual(result(s, d));
    // Arrays lie at multiples of 8 after a header of 16 bytes and the metadata, padded.
    const bytes = readFileSync(path);
    expect(bytes.toString('latin1', 0, 8)).toBe('SCLABCKP');
    expect(bytes.readUInt32LE(8)).toBe(1);
  });

  it('refuses a truncated, foreign, damaged or newer file with a clear message', async () => {
    const s = scenario('rm1', { agents: 500, days: 10 });
    const { snaps } = await withSnapshots(s, 1, [5]);
    const dir = tmp();
    const path = join(dir, 'c.bin');
    saveCheckpoint(path, { scenario: s, snapshot: snaps[0]!, version: 'test' });
    const good = readFileSync(path);
    const bad = (name: string, bytes: Uint8Array): string => {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      return p;
    };
    expect(() => loadCheckpoint(bad('short.bin', good.subarray(0, good.length - 1)))).toThrow(/short\.bin: truncated: \d+ bytes of \d+/);
    expect(() => loadCheckpoint(bad('header.bin', good.subarray(0, 12)))).toThrow(/header\.bin: truncated/);
    expect(() => loadCheckpoint(bad('meta.bin', good.subarray(0, 100)))).toThrow(/meta\.bin: truncated/);
    expect(() => loadCheckpoint(bad('long.bin', Buffer.concat([good, Buffer.alloc(8)])))).toThrow(/more than the \d+ it should have/);
    expect(() => loadCheckpoint(bad('yaml.bin', Buffer.from('version: 1\nname: x\n')))).toThrow('yaml.bin: not an sclab checkpoint (it does not start with SCLABCKP)');
    const newer = Buffer.from(good);
    newer.writeUInt32LE(2, 8);
    expect(() => loadCheckpoint(bad('newer.bin', newer))).toThrow('checkpoint format 2, but this version of sclab reads format 1');
    const damaged = Buffer.from(good);
    damaged[16] = 0x7b + 1;
    expect(() => loadCheckpoint(bad('damaged.bin', damaged))).toThrow(/damaged/);
  });
});

describe('a snapshot restored into a world that cannot hold it', () => {
  const s = scenario('rm1', { agents: 2000, days: 60 });
  const snap = async () => (await withSnapshots(s, 1, [30])).snaps[0]!;
  const restoring = async (into: Scenario) => {
    const snapshot = await snap();
    return () => restoreSnapshot(compileScenario(into, MODULES), snapshot);
  };

  it('names the first difference: agents, seed, a horizon before its day', async () => {
    expect(await restoring(scenario('rm1', { agents: 3000, days: 60 }))).toThrow('checkpoint: expected 2000 agents, found 3000');
    expect(await restoring(scenario('rm1', { agents: 2000, days: 60, seed: '7' }))).toThrow('checkpoint: expected seed 42, found 7');
    expect(await restoring(scenario('rm1', { agents: 2000, days: 20 }))).toThrow('checkpoint: expected at least 30 days (the checkpoint\'s day), found 20');
  });

  it('names a module\'s columns, metrics, layers that are missing, added or changed', async () => {
    const fewer = changed(s, (j) => void j.modules.pop());
    expect(await restoring(fewer)).toThrow(CompileError);
    expect(await restoring(fewer)).toThrow('checkpoint: expected metric "sanctionedDays" counter in slot 10, found no metric "sanctionedDays"');
    const more = changed(s, (j) => void j.modules.push({ module: 'traits' }));
    expect(await restoring(more)).toThrow('checkpoint: expected no column "ruleBreaking", found column "ruleBreaking" of type f32');
    const snapshot = await snap();
    const i16 = { ...snapshot, layout: snapshot.layout.replace('column "score"\tof type i32', 'column "score"\tof type i16') };
    expect(() => restoreSnapshot(compileScenario(s, MODULES), i16)).toThrow('checkpoint: expected column "score" of type i16, found column "score" of type i32');
    const wider = scenario('rm1', { agents: 2000, days: 60, set: ['layers.contacts.degree=10'] });
    expect(await restoring(wider)).toThrow('checkpoint: expected layer "contacts" slots of 2000 agents, capacity 8, degrees u8, found layer "contacts" slots of 2000 agents, capacity 10, degrees u8');
  });

  it('leaves the world untouched when it refuses', async () => {
    const snapshot = await snap();
    const world = compileScenario(scenario('rm1', { agents: 2000, days: 60 }), MODULES);
    const before = stateHash(world, Object.keys(world.columns));
    const broken = { ...snapshot, arrays: snapshot.arrays.slice(0, -1) };
    expect(() => restoreSnapshot(world, broken)).toThrow(/checkpoint: expected an array "[^"]+" of \w+\[\d+\], found none/);
    expect(stateHash(world, Object.keys(world.columns))).toBe(before);
  });
});
