import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { LocalDriver, type Driver } from '../../core/engine/driver.ts';
import { bindWorld } from '../../core/engine/schedule.ts';
import { batchBuffer, batchDays, type ThreadInit, type ThreadRequest } from '../../core/engine/thread.ts';
import type { Registry, World } from '../../core/engine/world.ts';
import { allocate } from '../../core/columns.ts';

/** The number of threads a run uses by default: the cores this process may use. */
export function defaultThreads(): number {
  return availableParallelism();
}

/** A driver on `threads` threads: the calling thread itself for 1, worker threads otherwise. */
export async function startDriver(world: World, registry: Registry, threads: number, pool?: ThreadPool): Promise<Driver> {
  if (threads <= 1) return new LocalDriver(world, registry);
  return (pool ?? new ThreadPool(threads)).start(world, registry);
}

const here = import.meta.url;
const fromSource = here.endsWith('.ts');

/**
 * Worker threads, started as soon as a run is asked for so that they load their code while the
 * calling thread compiles the world; `start` then hands them the world.
 */
export class ThreadPool {
  readonly workers: Worker[] = [];

  constructor(readonly threads: number) {
    const entry = new URL(fromSource ? './worker.ts' : './worker.js', here);
    for (let t = 0; t < threads; t++) {
      this.workers.push(fromSource ? new Worker(new URL('./tsx-boot.mjs', here), { workerData: { entry: entry.href } }) : new Worker(entry));
    }
  }

  async start(world: World, registry: Registry): Promise<Driver> {
    // Bind once here so that a module refusing its world fails with a CompileError before any thread
    // starts. (Not for one thread: V8 specialises a kernel on its arrays only while its closure is the
    // only one made from its code, and that doubles the speed of the hot loops.)
    bindWorld(world, registry);
    const driver = new WorkerDriver(world, this);
    await driver.ready;
    return driver;
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Runs the world's schedule on worker threads that share its columns; see core/engine/thread.ts. */
class WorkerDriver implements Driver {
  readonly series: Float64Array;
  readonly ready: Promise<void>;
  private readonly workers: Worker[];
  private readonly threads: number;
  private readonly batch: Float64Array;
  private failure: Error | undefined;
  private done = 0;

  constructor(
    readonly world: World,
    private readonly pool: ThreadPool,
  ) {
    this.workers = pool.workers;
    this.threads = pool.threads;
    this.series = new Float64Array(world.days * world.metricWidth);
    this.batch = batchBuffer(world.n, this.threads, world.metricWidth);
    const sync = new Int32Array(allocate(16) as ArrayBuffer, 0, 4);
    this.ready = this.all((worker, t) => {
      const init: ThreadInit = { world, thread: t, threads: this.threads, sync, batch: this.batch };
      worker.postMessage({ kind: 'init', init } satisfies ThreadRequest);
    });
  }

  get day(): number {
    return this.done;
  }

  async advance(days: number): Promise<void> {
    const { days: horizon, metricWidth: w } = this.world;
    const end = Math.min(horizon, this.done + days);
    while (this.done < end) {
      const from = this.done;
      const to = Math.min(end, from + batchDays(this.world.n));
      await this.all((worker) => worker.postMessage({ kind: 'run', from, to } satisfies ThreadRequest));
      for (let d = from; d < to; d++) {
        const m = this.series.subarray(d * w, (d + 1) * w);
        for (let t = 0; t < this.threads; t++) {
          const at = ((d - from) * this.threads + t) * w;
          for (let k = 0; k < w; k++) m[k]! += this.batch[at + k]!;
        }
      }
      this.done = to;
    }
  }

  close(): Promise<void> {
    return this.pool.terminate();
  }

  /** Sends something to every worker and waits until each answers; a failing worker stops them all. */
  private all(send: (w: Worker, t: number) => void): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      let left = this.workers.length;
      const cleanups: (() => void)[] = [];
      const finish = (err?: Error): void => {
        for (const c of cleanups) c();
        if (err) {
          this.failure = err;
          void this.close();
          reject(err);
        } else resolve();
      };
      this.workers.forEach((worker, t) => {
        const onMessage = (): void => {
          if (--left === 0) finish();
        };
        const onError = (e: Error): void => finish(e);
        const onExit = (code: number): void => finish(new Error(`a worker thread exited with code ${code}`));
        worker.once('message', onMessage);
        worker.once('error', onError);
        worker.once('exit', onExit);
        cleanups.push(() => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        });
        send(worker, t);
      });
    });
  }
}
