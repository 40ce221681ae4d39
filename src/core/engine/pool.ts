import type { Snapshot } from './checkpoint.ts';
import { startSeries, type Driver } from './driver.ts';
import { bindWorld } from './schedule.ts';
import { batchBuffer, batchDays, type ThreadInit, type ThreadRequest } from './thread.ts';
import type { Registry, World } from './world.ts';
import { allocate } from '../columns.ts';

/**
 * One engine thread as the pool sees it, whatever the host: Node's worker_threads or a browser's
 * Web Workers. The host posts requests through it and tells the pool when the thread answers
 * (`answered`) or fails (`fail`).
 */
export interface ThreadPort {
  post(request: ThreadRequest): void;
  terminate(): unknown;
}

/**
 * Engine threads sharing one world: `start` hands them the world and returns a driver that runs its
 * days on them. A thread that fails stops them all, and every request after that fails with its
 * error.
 */
export class ThreadPool {
  private failure: Error | undefined;
  private waiting: { left: number; resolve: () => void; reject: (e: Error) => void } | undefined;
  private closing = false;

  constructor(
    private readonly ports: ThreadPort[],
    /** URLs of module files beyond the built-in ones, which each thread loads before its world. */
    readonly pluginUrls: string[] = [],
  ) {}

  get threads(): number {
    return this.ports.length;
  }

  async start(world: World, registry: Registry, from?: Snapshot): Promise<Driver> {
    const series = startSeries(world, from);
    // Bind once here so that a module refusing its world fails with a CompileError before any thread
    // starts. (Not for one thread: V8 specialises a kernel on its arrays only while its closure is the
    // only one made from its code, and that doubles the speed of the hot loops.)
    bindWorld(world, registry);
    const driver = new PoolDriver(world, this, series, from);
    await driver.ready;
    return driver;
  }

  /** Sends each thread its request and waits until every one has answered. */
  request(make: (thread: number) => ThreadRequest): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { left: this.ports.length, resolve, reject };
      this.ports.forEach((p, t) => p.post(make(t)));
    });
  }

  async terminate(): Promise<void> {
    this.closing = true;
    await Promise.all(this.ports.map((p) => p.terminate()));
  }

  /** A thread finished its request. */
  answered(): void {
    const w = this.waiting;
    if (w && --w.left === 0) {
      this.waiting = undefined;
      w.resolve();
    }
  }

  /** A thread failed or stopped: the pool stops, and the request waiting fails with `e`. */
  fail(e: Error): void {
    if (this.closing || this.failure) return;
    this.failure = e;
    const w = this.waiting;
    this.waiting = undefined;
    void this.terminate();
    w?.reject(e);
  }
}

/** Runs the world's schedule on a pool's threads, which share its columns; see thread.ts. */
class PoolDriver implements Driver {
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
