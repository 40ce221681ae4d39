/**
 * A runner process: takes runs from its parent (the local pool, or a queue worker's pool) one at a
 * time and answers each with its outcome or its error. One process per concurrent run keeps a
 * crash, or a run that exhausts memory, from taking the sweep with it.
 */
import { builtins } from '../cli/library.ts';
import { MODULES } from '../modules/index.ts';
import { executeRun } from './execute.ts';
import { scenarioFromJson } from './plan.ts';
import type { ChildReply, ChildRequest } from './pool.ts';

const send = (m: ChildReply): void => void process.send!(m);

// Ctrl-C reaches the whole process group; the parent decides what happens to runs in flight.
process.on('SIGINT', () => {});
// The parent gone (killed, or its machine's worker stopped): nothing left to answer to.
process.on('disconnect', () => process.exit(0));

process.on('message', (m: ChildRequest) => {
  void (async () => {
    try {
      const scenario = scenarioFromJson(m.scenario, builtins, MODULES);
      const warmup = m.warmup && { scenario: scenarioFromJson(m.warmup.scenario, builtins, MODULES), day: m.warmup.day };
      send({ id: m.id, ok: true, outcome: await executeRun(scenario, m.threads, warmup) });
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      send({ id: m.id, ok: false, error: err.message, stack: err.stack });
    }
  })();
});
send({ id: '', ok: true, ready: true });
