import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Snapshot } from '../../core/engine/checkpoint.ts';
import { LocalDriver, startSeries, type Driver } from '../../core/engine/driver.ts';
import { bindWorld } from '../../core/engine/schedule.ts';
import { batchBuffer, batchDays, type ThreadInit, type ThreadRequest } from '../../core/engine/thread.ts';
import type { Registry, World } from '../../core/engine/world.ts';
import { allocate } from '../../core/columns.ts';

/** The number of threads a run uses by default: the cores this process may use. */
export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * A driver on `threads` threads: the calling thread itself for 1, worker threads otherwise. With
 * `from`, the world is restored from that snapshot and the run goes on from its day.
 */
export async function startDriver(world: World, registry: Registry, threads: number, pool?: ThreadPool, from?: Snapshot): Promise<Driver> {
  if (threads <= 1) return new LocalDriver(world, registry, from);
  return (pool ?? new ThreadPool(threads)).start(world, registry, from);
}

const here = import.meta.url;
const fromSource = here.endsWith('.ts');

/**
 * Worker threads, started as soon as a run is asked for so that they load their code while the
 * calling thread compiles the world; `start` then hands them the world. A thread that fails stops
 * them all, and every request after that fails with its error.
 */
export class ThreadPool {
  readonly workers: Worker[] = [];
  private failure: Error | undefined;
  private waiting: { left: number; resolve: () => void; reject: (e: Error) => void } | undefined;
  private closing = false;

  constructor(
    readonly threads: number,
    /** URLs of module files beyond the built-in ones (see plugins.ts). */
    private readonly plugins: string[] = [],
  ) {
    const entry = new URL(fromSource ? './worker.ts' : './worker.js', here);
    for (let t = 0; t < threads; t++) {
      const worker = fromSource ? new Worker(new URL('./tsx-boot.mjs', here), { workerData: { entry: entry.href } }) : new Worker(entry);
      worker.on('message', () => this.answered());
      worker.on('error', (e) => this.fail(e));
      worker.on('exit', (code) => this.fail(new Error(`a worker thread stopped (exit code ${code})`)));
      this.workers.push(worker);
    }
  }

  async start(world: World, registry: Registry, from?: Snapshot): Promise<Driver> {
    const series = startSeries(world, from);
    // Bind once here so that a module refusing its world fails with a CompileError before any thread
    // starts. (Not for one thread: V8 specialises a kernel on its arrays only while its closure is the
    // only one made from its code, and that doubles the speed of the hot loops.)
    bindWorld(world, registry);
    const driver = new WorkerDriver(world, this, series, from);
    await driver.ready;
    return driver;
  }

  /** Sends each worker its request and waits until every one has answered. */
  request(make: (thread: number) => ThreadRequest): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { left: this.workers.length, resolve, reject };
      this.workers.forEach((w, t) => w.postMessage(make(t)));
    });
  }

  get pluginUrls(): string[] {
    return this.plugins;
  }

  async terminate(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private answered(): void {
    const w = this.waiting;
    if (w && --w.left === 0) {
      this.waiting = undefined;
      w.resolve();
    }
  }

  private fail(e: Error): void {
    if (this.closing || this.failure) return;
    this.failure = e;
    const w = this.waiting;
    this.waiting = undefined;
    void this.terminate();
    w?.reject(e);
  }
}

/** Runs the world's schedule on worker threads that share its columns; see core/engine/thread.ts. */
class WorkerDriver implements Driver {
  readonly ready: Promise<void>;
  private readonly threads: number;
  private readonly batch: Float64Array;
  private done: number;

  /** `series`: from startSeries, which restored `from` (if any) into the world. */
  constructor(
    readonly world: World,
    private readonly pool: ThreadPool,
    readonly series: Float64Array,
    from: Snapshot | undefined,
  ) {
    this.threads = pool.threads;
    this.done = from?.day ?? 0;
    this.batch = batchBuffer(world.n, this.threads, world.metricWidth);
    const sync = new Int32Array(allocate(12) as ArrayBuffer, 0, 3);
    const init = (thread: number): ThreadInit => ({ world, thread, threads: this.threads, sync, batch: this.batch });
    this.ready = pool.request((t) => ({ kind: 'init', init: init(t), plugins: pool.pluginUrls, resume: from !== undefined }));
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
      await this.pool.request(() => ({ kind: 'run', from, to }));
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
}
