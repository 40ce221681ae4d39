// One measured run in a fresh process, so that its peak memory is its own.
// Usage: node bench/run-one.mjs <scenario> <agents> <days> <threads>   (prints one JSON line)
import { builtins } from '../dist/cli/library.js';
import { simulate } from '../dist/host/node/simulate.js';
import { MODULES } from '../dist/modules/index.js';
import { resolveScenario } from '../dist/scenario/load.js';
import { bytesPerAgent } from '../dist/core/engine/world.js';
import { stateHash } from '../dist/core/engine/results.js';

const [name, agents, days, threads] = process.argv.slice(2);
const scenario = resolveScenario(builtins.open(name), builtins, MODULES, { agents: +agents, days: +days });
const t0 = performance.now();
let ready = t0;
const driver = await simulate(scenario, { threads: +threads, ready: () => (ready = performance.now()) });
const end = performance.now();
const seconds = (end - t0) / 1000;
const daySeconds = (end - ready) / 1000;
console.log(
  JSON.stringify({
    scenario: name,
    agents: +agents,
    days: +days,
    threads: +threads,
    seconds,
    agentDaysPerSecond: (+agents * +days) / seconds,
    setupSeconds: seconds - daySeconds,
    daySeconds,
    dayAgentDaysPerSecond: (+agents * +days) / daySeconds,
    bytesPerAgent: bytesPerAgent(driver.world),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    stateHash: stateHash(driver.world, scenario.output.stateHash),
  }),
);
