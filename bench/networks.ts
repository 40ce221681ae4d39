/**
 * Times each network generator at a given n, each in its own process so that peak RSS belongs to
 * one generator alone. Usage: npx tsx bench/networks.ts [n] [generator]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  barabasiAlbert, blocks, households, ringRewire, stochasticBlock, wattsStrogatz,
} from '../src/core/network/generators/index.ts';
import { layerBytes, type Layer } from '../src/core/network/layers.ts';
import { Rng } from '../src/core/rng/threefry.ts';

const generators: Record<string, (n: number, rng: Rng) => Layer> = {
  'ringRewire degree=8 rewire=0.125': (n, rng) => ringRewire(n, { degree: 8, rewire: 0.125 }, rng, 1),
  'wattsStrogatz k=10 beta=0.1': (n, rng) => wattsStrogatz(n, { k: 10, beta: 0.1 }, rng, 10),
  'barabasiAlbert m=4': (n, rng) => barabasiAlbert(n, { m: 4 }, rng, 20),
  'stochasticBlock d=10 H=0.8 G=4': (n, rng) => {
    const groupOf = new Uint8Array(n);
    for (let i = 0; i < n; i++) groupOf[i] = (Math.imul(i, 2654435761) >>> 0) % 4;
    return stochasticBlock(n, { groupOf, meanDegree: 10, homophily: 0.8 }, rng, 30);
  },
  'households 1..6': (n, rng) => households(n, { sizeWeights: [0.25, 0.29, 0.21, 0.14, 0.07, 0.04] }, rng, 40),
  'blocks of 4': (n) => blocks(n, 4),
};

function ties(layer: Layer): string {
  switch (layer.kind) {
    case 'slots': return `${layer.n * layer.capacity} directed`;
    case 'csr': return `${layer.targets.length / 2} undirected`;
    case 'groups': return `${layer.groups} groups`;
  }
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const n = Number(process.argv[2] ?? 1e6);
const only = process.argv[3];

if (only !== undefined) {
  const make = generators[only];
  if (make === undefined) throw new Error(`unknown generator ${only}`);
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  const layer = make(n, new Rng(42n));
  const ms = performance.now() - t0;
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ ms, ties: ties(layer), layer: layerBytes(layer), before, peak }));
} else {
  console.log(`n = ${n}, one process per generator (node ${process.version})`);
  console.log('generator'.padEnd(34) + 'time s'.padStart(8) + 'ties'.padStart(24) + 'layer MiB'.padStart(11) + 'RSS before'.padStart(12) + 'peak RSS MiB'.padStart(14));
  for (const name of Object.keys(generators)) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), String(n), name], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || line === '') {
      console.log(`${name.padEnd(34)} failed (exit ${child.status}, signal ${child.signal})`);
      continue;
    }
    const r = JSON.parse(line) as { ms: number; ties: string; layer: number; before: number; peak: number };
    console.log(
      name.padEnd(34) + (r.ms / 1000).toFixed(2).padStart(8) + r.ties.padStart(24) + mib(r.layer).padStart(11) +
        mib(r.before).padStart(12) + mib(r.peak).padStart(14),
    );
  }
}
