/**
 * The network view: a neighbourhood sampled on the engine's worker, laid out once by force and
 * drawn on a canvas. As days go by only the colours change, so a running scenario costs a redraw
 * per batch and no layout. Clicking a node (or Enter on the focused one) follows that agent in the
 * dossier and centres the sample on it.
 */
import { ForceLayout } from './layout.ts';
import { colourOf, edgeColours, legendOf, type ColourBy } from './network-colours.ts';
import { STATUSES, type FromWorker, type NeighbourhoodSample, type NeighbourhoodState, type ToWorker } from './protocol.ts';
import { $ } from './dom.ts';

/** Agents sampled at most: a pairwise layout stays under a millisecond a tick. */
const CAP = 240;
/** Rest lengths: a household sits tight, other ties further out. */
const HOUSEHOLD_LENGTH = 18;
const TIE_LENGTH = 34;
/** Time a frame may spend on layout ticks before it draws (a tick of 240 agents takes about 0.25 ms in Node). */
const TICK_BUDGET_MS = 3;

/** The transform that fits the layout's extent into w x h, never magnified past 2.5 (a household alone stays small). */
function fit(x: Float32Array, y: Float32Array, w: number, h: number): { ox: number; oy: number; scale: number } {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let k = 0; k < x.length; k++) {
    x0 = Math.min(x0, x[k]!);
    x1 = Math.max(x1, x[k]!);
    y0 = Math.min(y0, y[k]!);
    y1 = Math.max(y1, y[k]!);
  }
  const pad = 16;
  const scale = Math.min(2.5, (w - 2 * pad) / Math.max(1, x1 - x0), (h - 2 * pad) / Math.max(1, y1 - y0));
  return { scale, ox: w / 2 - ((x0 + x1) / 2) * scale, oy: h / 2 - ((y0 + y1) / 2) * scale };
}

/** A running mean and maximum of times in ms, kept on an element as data-<name>-ms and data-<name>-max-ms for tests and tools. */
class Timing {
  private n = 0;
  private total = 0;
  private max = 0;
  constructor(
    private readonly el: HTMLElement,
    private readonly name: string,
  ) {}

  add(ms: number): void {
    this.n++;
    this.total += ms;
    this.max = Math.max(this.max, ms);
    this.el.dataset[`${this.name}Ms`] = (this.total / this.n).toFixed(2);
    this.el.dataset[`${this.name}MaxMs`] = this.max.toFixed(2);
  }

  reset(): void {
    this.n = this.total = this.max = 0;
    delete this.el.dataset[`${this.name}Ms`];
    delete this.el.dataset[`${this.name}MaxMs`];
  }
}


interface Shown {
  sample: NeighbourhoodSample;
  layout: ForceLayout;
  state?: NeighbourhoodState;
}

/**
 * Wires the view to the worker of run A. `follow` opens an agent's dossier (the page's own watch,
 * which knows whether a world is loaded).
 */
export function attachNetwork(worker: Worker, follow: (agent: number) => void): void {
  const canvas = $<HTMLCanvasElement>('network-canvas');
  const box = $('network-box');
  const layerPick = $<HTMLSelectElement>('network-layer');
  const hopsPick = $<HTMLSelectElement>('network-hops');
  const colourPick = $<HTMLSelectElement>('network-colour');
  const followButton = $<HTMLButtonElement>('network-follow');
  const summary = $('network-summary');
  const legend = $('network-legend');
  const tip = $('network-tip');
  const ctx = canvas.getContext('2d')!;
  const still = matchMedia('(prefers-reduced-motion: reduce)');

  let shown: Shown | undefined;
  /** The node under the pointer or the keyboard's focus, by sample index. */
  let active: number | undefined;
  let frame = 0;
  /** Screen transform: x_screen = ox + x * scale (CSS pixels). */
  let view = { ox: 0, oy: 0, scale: 1 };
  /** The settled layout's edges, drawn once: as days go by only the dots are drawn again. */
  let edgeCache: HTMLCanvasElement | undefined;
  /** Layout frames (ticks and a draw) and colour-only draws since the sample. */
  const frames = new Timing(canvas, 'frame');
  const draws = new Timing(canvas, 'draw');

  /** The agent last asked for, so that the dossier's answer to the same click asks nothing more. */
  let asked: number | undefined;
  const request = (agent?: number): void => {
    asked = agent;
    const layer = layerPick.value === '' ? undefined : layerPick.value;
    worker.postMessage({ type: 'neighbourhood', agent, layer, hops: Number(hopsPick.value), cap: CAP } satisfies ToWorker);
  };

  worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    switch (m.type) {
      case 'ready':
        clear();
        request();
        break;
      // A scenario that failed to load leaves no world: the last one's sample must not stay on show.
      case 'problems':
      case 'failed':
        clear();
        break;
      case 'neighbourhood':
        show(m.sample);
        break;
      case 'neighbourhood-state':
        if (!shown) break;
        shown.state = m.state;
        canvas.dataset.colouredDay = String(m.state.day);
        describe();
        // The legend follows the state (the score range moves), and so does the tip.
        showLegend();
        setActive(active);
        break;
      case 'dossier':
        // The dossier now follows someone else (picked in its own field): centre on them.
        if (shown && m.dossier.agent !== shown.sample.focal && m.dossier.agent !== asked) request(m.dossier.agent);
        break;
    }
  });

  function clear(): void {
    shown = undefined;
    active = undefined;
    cancelAnimationFrame(frame);
    frame = 0;
    for (const k of ['nodes', 'edges', 'focal', 'colouredDay', 'settled', 'layout']) delete canvas.dataset[k];
    followButton.disabled = true;
    summary.textContent = 'Run or step a scenario to sample a neighbourhood.';
    legend.replaceChildren();
    tip.hidden = true;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
  }

  function show(sample: NeighbourhoodSample): void {
    const household = sample.layers.indexOf('household');
    const length = Float32Array.from(sample.edgeLayer, (l) => (l === household ? HOUSEHOLD_LENGTH : TIE_LENGTH));
    shown = { sample, layout: new ForceLayout(sample.edges, length, sample.hops) };
    edgeCache = undefined;
    // Followed from the keyboard: the focus lands on the new centre.
    active = document.activeElement === canvas ? 0 : undefined;
    tip.hidden = true;
    fillLayers(sample);
    for (const o of colourPick.options) o.disabled = (o.value === 'score' && !sample.score) || (o.value === 'grade' && !sample.grades);
    if (colourPick.selectedOptions[0]?.disabled) colourPick.value = 'status';
    Object.assign(canvas.dataset, { nodes: String(sample.agents.length), edges: String(sample.edges.length / 2), focal: String(sample.focal), settled: 'false' });
    delete canvas.dataset.layout;
    frames.reset();
    draws.reset();
    followButton.disabled = false;
    followButton.textContent = `Follow the focal agent (#${sample.focal})`;
    if (still.matches) shown.layout.settle();
    showLegend();
    setActive(active);
  }

  function fillLayers(sample: NeighbourhoodSample): void {
    const want = sample.layer ?? '';
    const options = [['', 'all layers'], ...sample.layers.map((l) => [l, l])];
    if (layerPick.options.length !== options.length || [...layerPick.options].some((o, k) => o.value !== options[k]![0])) {
      layerPick.replaceChildren(...options.map(([value, text]) => new Option(text, value)));
    }
    layerPick.value = want;
    layerPick.disabled = sample.layers.length < 2;
  }

  /** The summary a screen reader hears: changed only when the counts or the sample change. */
  function describe(): void {
    if (!shown) return;
    const { sample, state } = shown;
    const counts = STATUSES.map(() => 0);
    if (state) for (const s of state.status) counts[s]!++;
    const parts = STATUSES.map((name, k) => (k > 0 && counts[k] ? `${counts[k]} ${name}` : '')).filter(Boolean);
    const where = sample.layer ? `on the ${sample.layer} layer` : 'on all layers';
    const text = `${sample.agents.length} agents sampled within ${hopsPick.value} hops of agent ${sample.focal} ${where}: ${parts.length ? parts.join(', ') : 'none listed or sanctioned'}.`;
    if (summary.textContent !== text) summary.textContent = text;
  }

  /** Draws now if settled, else makes sure a frame is coming (which ticks the layout, then draws). */
  function draw(): void {
    if (!shown) return;
    if (!shown.layout.settled) {
      if (!frame) frame = requestAnimationFrame(animate);
      return;
    }
    const t0 = performance.now();
    paint();
    draws.add(performance.now() - t0);
    // Settled without animating (reduced motion): the same end as an animated layout's.
    if (canvas.dataset.settled !== 'true') settled();
  }

  function animate(): void {
    frame = 0;
    if (!shown) return;
    const t0 = performance.now();
    const { layout } = shown;
    do layout.tick();
    while (!layout.settled && performance.now() - t0 < TICK_BUDGET_MS);
    paint();
    frames.add(performance.now() - t0);
    if (!layout.settled) frame = requestAnimationFrame(animate);
    else settled();
  }

  function settled(): void {
    canvas.dataset.settled = 'true';
    exposeLayout();
  }

  /** Each node's place on the canvas in CSS pixels, for tests and tools: `agent x y` per node. */
  function exposeLayout(): void {
    if (!shown?.layout.settled) return;
    const { x, y } = shown.layout;
    canvas.dataset.layout = Array.from(shown.sample.agents, (a, k) => `${a} ${(view.ox + x[k]! * view.scale).toFixed(1)} ${(view.oy + y[k]! * view.scale).toFixed(1)}`).join(';');
  }

  /** Sizes the canvas to its box: full width, a height that keeps it usable on a phone. */
  function resize(): void {
    const w = box.clientWidth;
    const h = Math.round(Math.min(560, Math.max(280, w * 0.62)));
    const dpr = devicePixelRatio || 1;
    canvas.style.height = `${h}px`;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    edgeCache = undefined;
    if (shown) {
      paint();
      exposeLayout();
    }
  }
  new ResizeObserver(resize).observe(box);

  /** Dots big enough for a finger on a phone, not crowding on a wide screen. */
  const radius = (): number => Math.max(4.5, Math.min(6.5, canvas.clientWidth / 110));

  function paint(): void {
    if (!shown) return;
    const { sample, layout, state } = shown;
    const { x, y } = layout;
    const dpr = devicePixelRatio || 1;
    const w = canvas.width / dpr;
    const h = canvas.height / dpr;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    // Settled, the view and the edges are fixed: the edges come from a picture taken once.
    if (layout.settled && edgeCache) ctx.drawImage(edgeCache, 0, 0);
    else {
      view = fit(x, y, w, h);
      if (layout.settled) {
        edgeCache = document.createElement('canvas');
        edgeCache.width = canvas.width;
        edgeCache.height = canvas.height;
        const g = edgeCache.getContext('2d')!;
        g.setTransform(dpr, 0, 0, dpr, 0, 0);
        strokeEdges(g, sample, x, y);
        ctx.drawImage(edgeCache, 0, 0);
      } else {
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        strokeEdges(ctx, sample, x, y);
      }
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const sx = (k: number): number => view.ox + x[k]! * view.scale;
    const sy = (k: number): number => view.oy + y[k]! * view.scale;

    // Nodes, one path per colour (a handful of fills, not one per node); grey until the first state.
    const r = radius();
    const by = colourPick.value as ColourBy;
    const groups = new Map<string, number[]>();
    for (let k = 1; k < x.length; k++) {
      const c = colourOf(by, sample, state, k);
      const g = groups.get(c);
      if (g) g.push(k);
      else groups.set(c, [k]);
    }
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(255,255,255,0.9)';
    for (const [colour, ks] of groups) {
      ctx.beginPath();
      for (const k of ks) {
        ctx.moveTo(sx(k) + r, sy(k));
        ctx.arc(sx(k), sy(k), r, 0, 2 * Math.PI);
      }
      ctx.fillStyle = colour;
      ctx.fill();
      ctx.stroke();
    }
    // The focal agent larger and ringed, on top; the active node ringed in the focus colour.
    ctx.beginPath();
    ctx.arc(sx(0), sy(0), r + 2, 0, 2 * Math.PI);
    ctx.fillStyle = colourOf(by, sample, state, 0);
    ctx.fill();
    ring(sx(0), sy(0), r + 4, '#1d2733', 2);
    if (active !== undefined) ring(sx(active), sy(active), r + 4, '#0b63c4', 2.5);
    canvas.dataset.colouredBy = by;
  }

  /** Edges, one path per layer; the household's short ties thicker, to show between the dots. */
  function strokeEdges(g: CanvasRenderingContext2D, sample: NeighbourhoodSample, x: Float32Array, y: Float32Array): void {
    const colours = edgeColours(sample.layers);
    const { ox, oy, scale } = view;
    sample.layers.forEach((name, l) => {
      g.lineWidth = name === 'household' ? 2.5 : 1;
      g.beginPath();
      for (let e = 0; e < sample.edgeLayer.length; e++) {
        if (sample.edgeLayer[e] !== l) continue;
        const a = sample.edges[2 * e]!;
        const b = sample.edges[2 * e + 1]!;
        g.moveTo(ox + x[a]! * scale, oy + y[a]! * scale);
        g.lineTo(ox + x[b]! * scale, oy + y[b]! * scale);
      }
      g.strokeStyle = colours[l]!;
      g.stroke();
    });
  }

  function ring(cx: number, cy: number, r: number, colour: string, width: number): void {
    ctx.beginPath();
    ctx.arc(cx, cy, r, 0, 2 * Math.PI);
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.stroke();
  }

  function showLegend(): void {
    if (!shown) return;
    legend.replaceChildren(...legendOf(colourPick.value as ColourBy, shown.sample, shown.state));
  }

  /** The node nearest a point on the canvas (CSS pixels), within reach of a finger. */
  function nodeAt(px: number, py: number): number | undefined {
    if (!shown) return undefined;
    const { x, y } = shown.layout;
    let best: number | undefined;
    let bestD = (radius() + 6) ** 2;
    for (let k = 0; k < x.length; k++) {
      const d = (view.ox + x[k]! * view.scale - px) ** 2 + (view.oy + y[k]! * view.scale - py) ** 2;
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return best;
  }

  function setActive(k: number | undefined): void {
    active = k;
    if (!shown || k === undefined) {
      tip.hidden = true;
      draw();
      return;
    }
    const { sample, state } = shown;
    const parts = [`Agent ${sample.agents[k]}`];
    if (state?.score && sample.score) {
      const v = state.score[k]!;
      parts.push(sample.score.unscoredAt !== undefined && v <= sample.score.unscoredAt ? 'not scored' : `${sample.score.column} ${v}`);
    }
    if (state?.grade && sample.grades) parts.push(`grade ${sample.grades[state.grade[k]!] ?? state.grade[k]}`);
    if (state) parts.push(STATUSES[state.status[k]!]!);
    parts.push(k === 0 ? 'the focal agent' : `${sample.hops[k]} hop${sample.hops[k] === 1 ? '' : 's'} away`);
    tip.textContent = parts.join(' · ');
    tip.hidden = false;
    const px = view.ox + shown.layout.x[k]! * view.scale;
    const py = view.oy + shown.layout.y[k]! * view.scale;
    // Keep the tip inside the box: to the left of the node on the right half.
    const left = px > canvas.clientWidth / 2;
    tip.style.left = left ? '' : `${px + 12}px`;
    tip.style.right = left ? `${canvas.clientWidth - px + 12}px` : '';
    tip.style.top = `${Math.max(0, py - 34)}px`;
    draw();
  }

  function choose(k: number): void {
    if (!shown) return;
    const agent = shown.sample.agents[k]!;
    follow(agent);
    request(agent);
  }

  const point = (e: MouseEvent): [number, number] => {
    const b = canvas.getBoundingClientRect();
    return [e.clientX - b.left, e.clientY - b.top];
  };
  canvas.addEventListener('pointermove', (e) => {
    const k = nodeAt(...point(e));
    canvas.style.cursor = k === undefined ? '' : 'pointer';
    if (k !== active) setActive(k);
  });
  canvas.addEventListener('pointerleave', () => {
    if (document.activeElement !== canvas) setActive(undefined);
  });
  canvas.addEventListener('click', (e) => {
    const k = nodeAt(...point(e));
    if (k !== undefined) choose(k);
  });
  canvas.addEventListener('focus', () => {
    if (active === undefined && shown) setActive(0);
  });
  canvas.addEventListener('blur', () => setActive(undefined));
  // Arrow keys go to the nearest node that way, Home to the focal agent, Enter follows.
  canvas.addEventListener('keydown', (e) => {
    if (!shown) return;
    const dir = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] }[e.key];
    if (dir) {
      e.preventDefault();
      setActive(nearestToward(active ?? 0, dir[0]!, dir[1]!) ?? active);
    } else if (e.key === 'Home') {
      e.preventDefault();
      setActive(0);
    } else if ((e.key === 'Enter' || e.key === ' ') && active !== undefined) {
      e.preventDefault();
      choose(active);
    }
  });

  /** The nearest node within 60 degrees either side of the direction (dx, dy) from node k. */
  function nearestToward(k: number, dx: number, dy: number): number | undefined {
    const { x, y } = shown!.layout;
    let best: number | undefined;
    let bestD = Infinity;
    for (let j = 0; j < x.length; j++) {
      const ex = x[j]! - x[k]!;
      const ey = y[j]! - y[k]!;
      const along = ex * dx + ey * dy;
      const d = ex * ex + ey * ey;
      if (j === k || along <= 0 || along * along < d / 4) continue;
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    return best;
  }

  followButton.addEventListener('click', () => {
    if (shown) follow(shown.sample.focal);
  });
  layerPick.addEventListener('change', () => request(shown?.sample.focal));
  hopsPick.addEventListener('change', () => request(shown?.sample.focal));
  colourPick.addEventListener('change', () => {
    showLegend();
    draw();
  });
  clear();
}
