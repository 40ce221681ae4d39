import { Queue, type Job } from 'bullmq';
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
/** How often runs still missing are looked up one by one, in case Redis lost them. */
const AUDIT_MS = 5000;

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
      const queue = new Queue<JobData, JobResult>(QUEUE_NAME, { connection });
      const experiment = runs[0]?.experiment ?? '';
      const job = (r: RunSpec) => ({
        name: experiment,
        data: { experiment, ...runRequest(r), threads: o.threads },
        opts: { jobId: r.id, attempts: ATTEMPTS, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: false, removeOnFail: false },
      });
      const byId = new Map(runs.map((r) => [r.id, r]));
      try {
        for (let k = 0; k < runs.length; k += 500) await queue.addBulk(runs.slice(k, k + 500).map(job));
        let audited = performance.now();
        while (byId.size > 0 && !stop.aborted) {
          const collected = await collect(queue, byId, report);
          if (performance.now() - audited > AUDIT_MS) {
            audited = performance.now();
            for (const r of byId.values()) if (!(await queue.getJob(r.id))) await queue.add(job(r).name, job(r).data, job(r).opts);
          }
          if (!collected) await sleep(POLL_MS, stop);
        }
      } finally {
        await queue.close();
        connection.disconnect();
      }
    },
  };
}

/** Stores finished jobs of ours and removes them from Redis; returns how many it took. */
async function collect(queue: Queue<JobData, JobResult>, mine: Map<string, RunSpec>, report: (f: Finished) => Promise<void>): Promise<number> {
  let taken = 0;
  for (const state of ['completed', 'failed'] as const) {
    for (let start = 0; ; start += 1000) {
      const jobs = (await queue.getJobs(state, start, start + 999, true)) as Job<JobData, JobResult>[];
      for (const j of jobs) {
        if (!j?.id || !mine.has(j.id)) continue;
        if (state === 'failed' && j.attemptsMade < (j.opts.attempts ?? 1)) continue;
        if (state === 'completed') {
          const r = j.returnvalue;
          await report({ id: j.id, ok: true, outcome: r.outcome, worker: r.worker, started: new Date(r.started), finished: new Date(r.finished), versions: r.versions });
        } else {
          const at = new Date(j.finishedOn ?? Date.now());
          await report({ id: j.id, ok: false, error: j.failedReason, worker: 'queue', started: new Date(j.processedOn ?? at), finished: at, versions: {} });
        }
        mine.delete(j.id);
        taken++;
        await j.remove();
      }
      if (jobs.length < 1000) break;
    }
  }
  return taken;
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
