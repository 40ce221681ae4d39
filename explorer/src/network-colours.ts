/**
 * The network view's colours and their legend: status as categories, score on a sequential scale
 * (viridis: ordered, readable in grey and by most colour-blind readers), grade from best (blue) to
 * worst (red), edges by layer with the household warm and other ties a quiet grey.
 */
import { STATUSES, type NeighbourhoodSample, type NeighbourhoodState } from './protocol.ts';

export type ColourBy = 'status' | 'score' | 'grade';

/** By status code: clear, listed, sanctioned, punished for family. */
const STATUS_COLOURS = ['#b1bbc6', '#b2182b', '#e08214', '#7b3fa8'];
const VIRIDIS = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];
const GRADE_STOPS = ['#2166ac', '#92c5de', '#f4a582', '#b2182b'];
/** Before the first state, and agents outside the score. */
const NONE = '#dde2e8';
const EDGE_COLOURS = ['rgba(90, 108, 130, 0.32)', 'rgba(40, 140, 110, 0.40)', 'rgba(120, 90, 170, 0.40)'];
const HOUSEHOLD_EDGE = 'rgba(168, 100, 40, 0.70)';

/** A colour at t in [0, 1] along stops, interpolated in sRGB (fine between neighbouring stops). */
function along(stops: string[], t: number): string {
  const u = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const k = Math.min(stops.length - 2, Math.floor(u));
  const f = u - k;
  const c = (s: string, i: number): number => parseInt(s.slice(1 + 2 * i, 3 + 2 * i), 16);
  const rgb = [0, 1, 2].map((i) => Math.round(c(stops[k]!, i) * (1 - f) + c(stops[k + 1]!, i) * f));
  return `rgb(${rgb.join(',')})`;
}

const scored = (sample: NeighbourhoodSample, v: number): boolean => sample.score?.unscoredAt === undefined || v > sample.score.unscoredAt;

/** Node k's colour. */
export function colourOf(by: ColourBy, sample: NeighbourhoodSample, state: NeighbourhoodState | undefined, k: number): string {
  if (!state) return NONE;
  if (by === 'score' && state.score && state.scoreRange) {
    const v = state.score[k]!;
    if (!scored(sample, v)) return NONE;
    const [lo, hi] = state.scoreRange;
    return along(VIRIDIS, hi > lo ? (v - lo) / (hi - lo) : 0.5);
  }
  if (by === 'grade' && state.grade && sample.grades) return along(GRADE_STOPS, state.grade[k]! / Math.max(1, sample.grades.length - 1));
  return STATUS_COLOURS[state.status[k]!] ?? NONE;
}

/** Each layer's edge colour: the household warm, the others from the quiet grey on. */
export function edgeColours(layers: readonly string[]): string[] {
  let other = 0;
  return layers.map((name) => (name === 'household' ? HOUSEHOLD_EDGE : EDGE_COLOURS[other++ % EDGE_COLOURS.length]!));
}

function key(colour: string, text: string, kind: 'dot' | 'line' = 'dot'): HTMLElement {
  const li = document.createElement('li');
  const swatch = document.createElement('span');
  swatch.className = `swatch ${kind}`;
  swatch.style.background = colour;
  li.append(swatch, text);
  return li;
}

/** The legend's entries for the colouring chosen, then the edges' layers. */
export function legendOf(by: ColourBy, sample: NeighbourhoodSample, state: NeighbourhoodState | undefined): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (by === 'score' && sample.score) {
    const li = document.createElement('li');
    li.className = 'scale';
    const bar = document.createElement('span');
    bar.className = 'ramp';
    bar.style.background = `linear-gradient(to right, ${VIRIDIS.join(', ')})`;
    const [lo, hi] = state?.scoreRange ?? [NaN, NaN];
    const fmt = (v: number): string => (Number.isFinite(v) ? String(Math.round(v)) : '–');
    li.append(`${sample.score.column} ${fmt(lo)}`, bar, fmt(hi));
    out.push(li);
    if (sample.score.unscoredAt !== undefined) out.push(key(NONE, 'not scored'));
  } else if (by === 'grade' && sample.grades) {
    const g = sample.grades;
    g.forEach((label, k) => out.push(key(along(GRADE_STOPS, k / Math.max(1, g.length - 1)), `grade ${label}`)));
  } else {
    STATUSES.forEach((name, k) => out.push(key(STATUS_COLOURS[k]!, name)));
  }
  const used = new Set(sample.edgeLayer);
  const colours = edgeColours(sample.layers);
  sample.layers.forEach((name, l) => {
    if (used.has(l)) out.push(key(colours[l]!, `${name} tie`, 'line'));
  });
  return out;
}
