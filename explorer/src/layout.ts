/**
 * A force-directed layout small enough to write out: a few hundred nodes, so every pair repels
 * directly (no quadtree), edges pull like springs, a weak gravity holds the whole together, and a
 * temperature (alpha) cools so the layout settles and stops costing frames. Node 0, the focal
 * agent, stays at the centre.
 */

/** Below this temperature the layout counts as settled (d3-force's default alphaMin). */
const ALPHA_MIN = 0.001;
/** Cooling per tick: about 300 ticks from 1 to ALPHA_MIN, as in d3-force. */
const ALPHA_DECAY = 1 - Math.pow(ALPHA_MIN, 1 / 300);
/** Velocity kept from one tick to the next. */
const KEEP = 0.6;
const REPULSION = 900;
const GRAVITY = 0.02;

export class ForceLayout {
  readonly x: Float32Array;
  readonly y: Float32Array;
  private readonly vx: Float32Array;
  private readonly vy: Float32Array;
  alpha = 1;

  /**
   * `edges`: pairs of node indices; `length[e]`: the rest length of edge e (a household closer
   * than a contact); `hops`: each node's distance from node 0, for the starting rings.
   */
  constructor(
    private readonly edges: Uint16Array,
    private readonly length: Float32Array,
    hops: Uint8Array,
  ) {
    const n = hops.length;
    this.x = new Float32Array(n);
    this.y = new Float32Array(n);
    this.vx = new Float32Array(n);
    this.vy = new Float32Array(n);
    // Start on rings by hop, spread by the golden angle: near the answer, and the same each time.
    for (let i = 1; i < n; i++) {
      const r = 40 * hops[i]! + 6 * Math.sqrt(i);
      const a = i * 2.399963;
      this.x[i] = r * Math.cos(a);
      this.y[i] = r * Math.sin(a);
    }
  }

  get settled(): boolean {
    return this.alpha < ALPHA_MIN;
  }

  /** One step of the simulation. */
  tick(): void {
    const { x, y, vx, vy, edges, length } = this;
    const n = x.length;
    const a = this.alpha;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const yi = y[i]!;
      let fx = -xi * GRAVITY;
      let fy = -yi * GRAVITY;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        let dx = xi - x[j]!;
        let dy = yi - y[j]!;
        let d2 = dx * dx + dy * dy;
        // Two nodes on the same spot: part them along a direction fixed by their indices.
        if (d2 < 1e-6) {
          dx = Math.cos(i * 7 + j);
          dy = Math.sin(i * 7 + j);
          d2 = 1;
        }
        // Beyond 300 units the push is negligible and only spreads the outer ring.
        if (d2 > 90_000) continue;
        const f = REPULSION / (d2 + 25);
        fx += dx * f;
        fy += dy * f;
      }
      vx[i] = (vx[i]! + fx * a) * KEEP;
      vy[i] = (vy[i]! + fy * a) * KEEP;
    }
    for (let e = 0; e < edges.length; e += 2) {
      const i = edges[e]!;
      const j = edges[e + 1]!;
      const dx = x[j]! + vx[j]! - x[i]! - vx[i]!;
      const dy = y[j]! + vy[j]! - y[i]! - vy[i]!;
      const d = Math.sqrt(dx * dx + dy * dy) || 1;
      const k = ((d - length[e >> 1]!) / d) * a * 0.3;
      vx[i]! += dx * k;
      vy[i]! += dy * k;
      vx[j]! -= dx * k;
      vy[j]! -= dy * k;
    }
    for (let i = 1; i < n; i++) {
      x[i]! += vx[i]!;
      y[i]! += vy[i]!;
    }
    this.alpha += (0 - this.alpha) * ALPHA_DECAY;
  }

  /** Runs to the settled state at once (reduced motion, or a test that wants the end). */
  settle(): void {
    while (!this.settled) this.tick();
  }
}
