import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { runRequest, type RunSpec } from '../experiment/plan.ts';
import type { RunOutcome } from '../experiment/execute.ts';
import type { Backend, Finished } from '../experiment/sweep.ts';
import { ATTEMPTS, connect, QUEUE_NAME } from './redis.ts';

/** What a job carries: everything a worker needs, so workers need no files. */
export interface JobData {
  experiment: string;
  id: string;
  /** The resolved scenario as JSON. */
  scenario: string;
  warmup?: { scenario: string; day: number } | undefined;
  threads?: number | undefined;
}

/** What a worker returns: the outcome and who produced it. */
export interface JobResult {
  outcome: RunOutcome;
  worker: string;
  started: string;
  finished: string;
  versions: Record<string, string>;
}

const POLL_MS = 200;
/** After this long without a finished run, the runs still missing are looked up, in case Redis lost them. */
const AUDIT_MS = 5000;
const CONNECT_MS = 10_000;
const PAGE = 1000;

/**
 * Runs through BullMQ: enqueues every run under its id (so enqueuing twice adds nothing), then
 * collects finished jobs into the store and deletes them from Redis. Delivery is at least once: a
 * worker that dies loses its lock and the job runs again elsewhere; the store keeps the first
 * result it gets and ignores any repeat. A run that Redis no longer has (lost in a restart without
 * persistence) is enqueued again.
 */
export function queueBackend(url: URL, o: { threads?: number | undefined } = {}): Backend {
  return {
    async execute(runs, report, stop) {
      const connection = connect(url);
      try {
        await reachable(connection, url, stop);
        const queue = new Queue<JobData, JobResult>(QUEUE_NAME, { connection });
        try {
          await collectAll(queue, runs, report, stop, o.threads);
        } finally {
          await queue.close();
        }
      } finally {
        connection.disconnect();
      }
    },
  };
}

/** Fails at once, with the address, when Redis does not answer: a mistyped address should not hang. */
async function reachable(connection: Redis, url: URL, stop: AbortSignal): Promise<void> {
  const timeout = new Promise<never>((_, reject) => {
    const t = setTimeout(() => reject(new Error(`no Redis answers at ${url.host} (waited ${CONNECT_MS / 1000} s): is redis-server running there, and reachable?`)), CONNECT_MS);
    stop.addEventListener('abort', () => clearTimeout(t));
  });
  await Promise.race([connection.ping(), timeout]);
}

async function collectAll(queue: Queue<JobData, JobResult>, runs: readonly RunSpec[], report: (f: Finished) => Promise<void>, stop: AbortSignal, threads: number | undefined): Promise<void> {
  const experiment = runs[0]?.experiment ?? '';
  const job = (r: RunSpec) => ({
    name: experiment,
    data: { experiment, ...runRequest(r), threads },
    opts: { jobId: r.id, attempts: ATTEMPTS, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: false, removeOnFail: false },
  });
  const waiting = new Map(runs.map((r) => [r.id, r]));
  for (let k = 0; k < runs.length && !stop.aborted; k += 500) await queue.addBulk(runs.slice(k, k + 500).map(job));
  let progress = performance.now();
  while (waiting.size > 0 && !stop.aborted) {
    if (await collect(queue, waiting, report)) progress = performance.now();
    else if (performance.now() - progress > AUDIT_MS) {
      // Nothing finished for a while: make sure Redis still has every run we wait for.
      progress = performance.now();
      for (const r of waiting.values()) {
        if (stop.aborted) break;
        if (!(await queue.getJob(r.id))) await queue.add(job(r).name, job(r).data, job(r).opts);
      }
    } else await sleep(POLL_MS, stop);
  }
}

/**
 * Stores the finished jobs of ours; returns how many. A job leaves Redis only once its run is
 * committed to the store, so a crash in between loses nothing (the next sweep collects it again).
 * A job in the failed set has no attempts left: it is stored as failed.
 */
async function collect(queue: Queue<JobData, JobResult>, mine: Map<string, RunSpec>, report: (f: Finished) => Promise<void>): Promise<number> {
  const found: { job: Job<JobData, JobResult>; state: 'completed' | 'failed' }[] = [];
  for (const state of ['completed', 'failed'] as const) {
    // All pages first: removing jobs while paging would shift the pages.
    for (let start = 0; ; start += PAGE) {
      const jobs = (await queue.getJobs(state, start, start + PAGE - 1, true)) as (Job<JobData, JobResult> | undefined)[];
      for (const j of jobs) if (j?.id && mine.has(j.id)) found.push({ job: j, state });
      if (jobs.length < PAGE) break;
    }
  }
  await Promise.all(
    found.map(async ({ job: j, state }) => {
      const id = j.id!;
      if (state === 'completed') {
        const r = j.returnvalue;
        await report({ id, ok: true, outcome: r.outcome, worker: r.worker, started: new Date(r.started), finished: new Date(r.finished), versions: r.versions });
      } else {
        const at = new Date(j.finishedOn ?? Date.now());
        await report({ id, ok: false, error: j.failedReason, worker: 'queue', started: new Date(j.processedOn ?? at), finished: at, versions: {} });
      }
      mine.delete(id);
      await j.remove();
    }),
  );
  return found.length;
}
function sleep(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      stop.removeEventListener('abort', done);
      resolve();
    }
    stop.addEventListener('abort', done);
  });
}
