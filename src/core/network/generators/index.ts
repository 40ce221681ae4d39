export { ringRewire, ringRewireRows, type RingRewireParams } from './ring.ts';
export { wattsStrogatz, type WattsStrogatzParams } from './watts-strogatz.ts';
export { barabasiAlbert, type BarabasiAlbertParams } from './barabasi-albert.ts';
export { stochasticBlock, type StochasticBlockParams } from './stochastic-block.ts';
export { households, blocks, type HouseholdParams } from './households.ts';
