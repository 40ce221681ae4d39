import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.ts';

// The built CLI, as installed: `npm test` builds before it runs the tests.
const main = new URL('../dist/cli/main.js', import.meta.url).pathname;
const experiment = new URL('./fixtures/experiments/queue-grid.yaml', import.meta.url).pathname;
const REDIS = '/usr/bin/redis-server';
const haveRedis = existsSync(REDIS);
if (!haveRedis && process.env.CI) throw new Error(`${REDIS} is missing: .ci/run installs the redis-server package for this test`);

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A real Redis on 127.0.0.1 that writes every change to its append-only file, so a restart loses nothing. */
async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const p = spawn(REDIS, ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(p);
  await waitFor(p, /Ready to accept connections/, 10_000);
  return p;
}

function stopped(p: ChildProcess): Promise<void> {
  return p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', () => r()));
}

/** Waits until a process's output matches; returns the match. */
function waitFor(p: ChildProcess, re: RegExp, ms: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${text}`)), ms);
    const on = (b: Buffer): void => {
      text += b.toString();
      const m = text.match(re);
      if (m) {
        clearTimeout(timer);
        p.stdout?.off('data', on);
        resolve(m);
      }
    };
    p.stdout?.on('data', on);
  });
}

function sclab(args: string[]): ChildProcess {
  const p = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(p);
  return p;
}

function exited(p: ChildProcess): Promise<{ code: number | null; out: string; err: string }> {
  let out = '';
  let err = '';
  p.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  p.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve) => p.once('exit', (code) => resolve({ code, out, err })));
}

async function contents(path: string) {
  const store = await Store.open(path, { readOnly: true });
  try {
    const runs = (await store.runs('queue-grid')).map(({ run_id, point, arm, replicate, seed, status, state_hash }) => ({ run_id, point, arm, replicate, seed, status, state_hash }));
    const summaries = (await store.summaries('queue-grid')).map(({ run_id, metric, value }) => ({ run_id, metric, value }));
    const series = await store.series('queue-grid', ['collateralAgents', 'sanctionedAgents', 'approvalIndex']);
    const workers = Object.fromEntries((await store.runs('queue-grid')).map((r) => [r.run_id, r.worker]));
    return { runs, summaries, series, workers };
  } finally {
    store.close();
  }
}

describe('a queue that does not answer', () => {
  it('fails with the address instead of waiting forever', async () => {
    const port = await freePort();
    const r = spawnSync(process.execPath, [main, 'sweep', experiment, '--store', join(mkdtempSync(join(tmpdir(), 'sclab-queue-')), 's.duckdb'), '--queue', `redis://127.0.0.1:${port}`], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`error: no Redis answers at 127\\.0\\.0\\.1:${port} \\(waited 10 s\\)`));
  });
});

describe.skipIf(!haveRedis)('sweeps through a Redis queue', () => {
  it('stores the same results as a local sweep, with a worker killed mid-run and Redis restarted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sclab-queue-'));
    const local = spawnSync(process.execPath, [main, 'sweep', experiment, '--store', join(dir, 'local.duckdb'), '--quiet'], { encoding: 'utf8', timeout: 120_000 });
    expect(local.status, local.stderr).toBe(0);
    const expected = await contents(join(dir, 'local.duckdb'));
    expect(expected.runs).toHaveLength(8);
    expect(expected.series).toHaveLength(8 * 3 * 300);

    const port = await freePort();
    let redis = await startRedis(port, dir);
    const url = `redis://127.0.0.1:${port}`;
    const coordinator = sclab(['sweep', experiment, '--store', join(dir, 'queue.duckdb'), '--queue', url]);
    const result = exited(coordinator);
    const worker = () => sclab(['worker', '--queue', url, '--concurrency', '1', '--threads', '1', '--lock-seconds', '2']);
    const [a, b] = [worker(), worker()];
    // Kill worker a in the middle of its first run: the queue must hand that run to b.
    const [, killedRun] = (await waitFor(a, /started ([0-9a-f]{24})/, 60_000)) as unknown as [string, string];
    a.kill('SIGKILL');
    await stopped(a);
    // Restart Redis while b works through the rest.
    await waitFor(b, /finished [0-9a-f]{24}/, 60_000);
    redis.kill('SIGTERM');
    await stopped(redis);
    redis = await startRedis(port, dir);

    const r = await result;
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/8 runs stored, 0 already stored, 0 failed/);
    const got = await contents(join(dir, 'queue.duckdb'));
    expect(got.runs).toEqual(expected.runs);
    expect(got.summaries).toEqual(expected.summaries);
    expect(got.series).toEqual(expected.series);
    // The killed worker's run was finished by the other one; no run was stored twice (runs are keyed by id).
    expect(got.workers[killedRun]).toBeTruthy();
    expect(got.workers[killedRun]).not.toMatch(new RegExp(`:${a.pid}$`));

    b.kill('SIGTERM');
    await stopped(b);
    redis.kill('SIGTERM');
    await stopped(redis);
  }, 240_000);
});
