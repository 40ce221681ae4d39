import { Worker } from 'bullmq';
import { availableParallelism } from 'node:os';
import { balance, ProcessPool } from '../experiment/pool.ts';
import { versions, workerName } from '../experiment/versions.ts';
import type { JobData, JobResult } from './backend.ts';
import { connect, QUEUE_NAME } from './redis.ts';

export interface WorkerOptions {
  /** Runs at once (default: one per core). */
  concurrency?: number | undefined;
  /** Threads per run (default: the cores shared among the concurrent runs). */
  threads?: number | undefined;
  /**
   * How long a job stays ours without a sign of life. A worker that dies mid-run is noticed after
   * this, and its run goes to another worker.
   */
  lockSeconds?: number | undefined;
  log?: (line: string) => void;
}

/**
 * A queue worker: takes runs from Redis and executes each in a runner process (the same one the
 * local sweep uses), so this process's event loop stays free to keep its jobs' locks alive.
 */
export async function startWorker(url: URL, o: WorkerOptions = {}): Promise<{ close: (force?: boolean) => Promise<void>; worker: Worker<JobData, JobResult> }> {
  const cores = availableParallelism();
  const { workers: concurrency, threads } = balance(Number.MAX_SAFE_INTEGER, cores, { workers: o.concurrency, threads: o.threads });
  const pool = new ProcessPool(concurrency);
  const lockDuration = (o.lockSeconds ?? 30) * 1000;
  const who = workerName();
  const connection = connect(url);
  const worker = new Worker<JobData, JobResult>(
    QUEUE_NAME,
    async (job) => {
      const d = job.data;
      o.log?.(`started ${d.id} (${d.experiment})`);
      const started = new Date();
      const outcome = await pool.run({ id: d.id, scenario: d.scenario, warmup: d.warmup, threads: d.threads ?? threads });
      o.log?.(`finished ${d.id} in ${outcome.seconds.toFixed(2)} s`);
      return { outcome, worker: who, started: started.toISOString(), finished: new Date().toISOString(), versions: versions() };
    },
    // A stalled job is one whose worker died; it is retried, up to a few times, before it counts as failed.
    { connection, concurrency, lockDuration, stalledInterval: lockDuration, maxStalledCount: 5, autorun: true },
  );
  worker.on('failed', (job, err) => o.log?.(`failed ${job?.id ?? '?'}: ${err.message}`));
  worker.on('error', (err) => o.log?.(`queue error: ${err.message}`));
  await worker.waitUntilReady();
  return {
    worker,
    async close(force = false) {
      await worker.close(force);
      await pool.close();
      connection.disconnect();
    },
  };
}
