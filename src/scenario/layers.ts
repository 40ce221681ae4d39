import { z } from 'zod';
import type { LayerSpec } from '../core/network/build.ts';

/** Network layers a scenario can build, one schema per generator (src/core/network/generators). */

const stream = (value: number) =>
  z.number().int().min(0).max(0xfffffffe).default(value).describe('First set-up stream the generator draws from');

export const layerSchema = z.discriminatedUnion('generator', [
  z
    .strictObject({
      generator: z.literal('ring-rewire'),
      degree: z.number().int().min(1).max(255).default(8).describe('Contacts per agent'),
      rewire: z.number().min(0).max(1).default(0.125).describe('Probability that a contact is a random agent instead of a ring neighbour'),
      stream: stream(1),
    })
    .describe('Directed ring: agent i names i+1 .. i+degree, each replaced by a random agent with probability rewire (RM-1)'),
  z
    .strictObject({
      generator: z.literal('watts-strogatz'),
      k: z.number().int().min(2).max(1000).multipleOf(2).default(10).describe('Neighbours in the ring lattice (even)'),
      beta: z.number().min(0).max(1).default(0.1).describe('Probability that a lattice edge is rewired'),
      stream: stream(1),
    })
    .describe('Small world (Watts and Strogatz 1998), undirected'),
  z
    .strictObject({
      generator: z.literal('barabasi-albert'),
      m: z.number().int().min(1).max(1000).default(4).describe('Edges each new agent attaches with'),
      stream: stream(1),
    })
    .describe('Preferential attachment (Barabasi and Albert 1999), undirected, heavy-tailed degrees'),
  z
    .strictObject({
      generator: z.literal('stochastic-block'),
      shares: z.array(z.number().min(0)).min(1).max(255).default([0.8, 0.2]).describe('Share of agents in each group'),
      meanDegree: z.number().min(0).max(1000).default(10).describe('Expected ties per agent'),
      homophily: z.number().min(0).max(1).default(0.8).describe('Share of ties within the own group'),
      stream: stream(1),
    })
    .describe('Stochastic block model with homophily between groups, undirected'),
  z
    .strictObject({
      generator: z.literal('households'),
      sizeWeights: z
        .array(z.number().min(0))
        .min(1)
        .default([0.15, 0.3, 0.25, 0.2, 0.1])
        .describe('Relative frequency of households of size 1, 2, 3, ...'),
      stream: stream(1),
    })
    .describe('Households of consecutive agents with sizes drawn from a distribution'),
  z
    .strictObject({
      generator: z.literal('blocks'),
      size: z.number().int().min(1).default(4).describe('Agents per block'),
    })
    .describe('Consecutive blocks of a fixed size (RM-1 households of four)'),
]);

// The engine builds layers from its own LayerSpec type (core imports nothing from here): this
// assignment fails to compile if the two ever disagree.
const _sameShape: LayerSpec = {} as z.output<typeof layerSchema>;
void _sameShape;
