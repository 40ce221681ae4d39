/**
 * A reusable barrier for `threads` threads over a shared Int32Array whose slots 0 and 1 are
 * [arrived, generation]. The last thread to arrive runs `last` (while all others still wait), then
 * opens the next generation. Blocking waits are allowed in worker threads (Node and browsers),
 * which is the only place the engine calls this.
 */
export function barrier(sync: Int32Array, threads: number, last?: () => void): void {
  const gen = Atomics.load(sync, 1);
  if (Atomics.add(sync, 0, 1) === threads - 1) {
    last?.();
    Atomics.store(sync, 0, 0);
    Atomics.add(sync, 1, 1);
    Atomics.notify(sync, 1);
    return;
  }
  // A short spin first: phases are often milliseconds apart, and a wake-up from wait costs more.
  for (let k = 0; k < 20000; k++) if (Atomics.load(sync, 1) !== gen) return;
  while (Atomics.load(sync, 1) === gen) Atomics.wait(sync, 1, gen);
}
