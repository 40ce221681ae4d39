import { Rng } from './threefry.ts';

/**
 * A stream of random words at one address (agent, step, stream): words are taken in order from
 * blocks (agent, step, stream, 0), (agent, step, stream, 1), ... four at a time.
 *
 * Samplers that need a variable number of words (rejection methods) read them from here, so the
 * words an agent consumes on one stream never depend on any other agent or on the thread count.
 * One instance per thread, re-aimed with `at` for each use: it allocates nothing.
 */
export class Words {
  private readonly block = new Uint32Array(4);
  private agent = 0;
  private step = 0;
  private stream = 0;
  private index = 0;
  private used = 4;
  /** Words taken since the last `at`. */
  taken = 0;

  constructor(readonly rng: Rng) {}

  /** Aims the stream at (agent, step, stream), starting at block `index`. */
  at(agent: number, step: number, stream: number, index = 0): this {
    this.agent = agent;
    this.step = step;
    this.stream = stream;
    this.index = index;
    this.used = 4;
    this.taken = 0;
    return this;
  }

  /** The next 32-bit word, as an unsigned number in [0, 2^32). */
  next(): number {
    if (this.used === 4) {
      this.rng.block(this.agent, this.step, this.stream, this.index++, this.block);
      this.used = 0;
    }
    this.taken++;
    return this.block[this.used++]!;
  }
}

/** A source of uniform 32-bit words; what every sampler draws from. */
export interface WordSource {
  next(): number;
}
