import type { ExperimentResults } from '../../src/cli/explore-api.ts';
import { fmtNum } from '../../src/experiment/format.ts';
import { byImportance } from '../../src/experiment/tornado.ts';
import { el, scrolling } from './dom.ts';

// The open experiment's sensitivity: per output, a table of the varied parameters, most important
// first, each row with its figures and a tornado bar drawn with CSS positions and widths. A plain
// table rather than a canvas, so that a screen reader reads it as one, it prints, and a phone
// scrolls it sideways like the other tables. The figures are reportData's, as `sclab report` has them.

type Block = ExperimentResults['sensitivity'][number];
type Row = Block['rows'][number];

/** A measure drawn as a bar from zero, with its interval as a whisker where it has one. */
interface Bar {
  name: string;
  value: (r: Row) => number | undefined;
  ci?: (r: Row) => [number, number] | undefined;
}

/** How one method's rows read: the caption's words, the columns after the parameter, the bars. */
interface Method {
  title: string;
  note: string;
  head: string[];
  cells: (r: Row) => string[];
  /** Indices are bars from zero; main effects one bar from the lowest mean to the highest. */
  bars: Bar[] | 'range';
}

const interval = (ci: [number, number] | undefined): string => `[${fmtNum(ci?.[0])}, ${fmtNum(ci?.[1])}]`;
const value = (v: Row['lowAt']): string => (typeof v === 'number' ? fmtNum(v) : String(v ?? '–'));

const METHODS: Record<Block['kind'], Method> = {
  morris: {
    title: 'Morris elementary effects, by μ*',
    note: 'Morris elementary effects, each the change in the output across a parameter’s whole range: μ* is their mean size, μ their mean with its sign (the direction), σ their spread (large where the effect depends on the other parameters or is not linear).',
    head: ['μ*', 'μ', 'σ'],
    cells: (r) => [fmtNum(r.high), fmtNum(r.mu), fmtNum(r.sigma)],
    bars: [{ name: 'μ*', value: (r) => r.high }, { name: 'σ', value: (r) => r.sigma }],
  },
  sobol: {
    title: 'Sobol indices, by total index',
    note: 'Sobol indices: the share of the output’s variance due to a parameter alone (first-order) and with all its interactions (total), with 95% bootstrap intervals as whiskers. A total near 0 means the parameter can be fixed anywhere in its range.',
    head: ['First-order', '95% interval', 'Total', '95% interval'],
    cells: (r) => [fmtNum(r.low), interval(r.lowCi), fmtNum(r.high), interval(r.highCi)],
    bars: [
      { name: 'first-order', value: (r) => r.low, ci: (r) => r.lowCi },
      { name: 'total', value: (r) => r.high, ci: (r) => r.highCi },
    ],
  },
  'main-effects': {
    title: 'main effects, by span',
    note: 'Main effects: the lowest and highest mean output over each parameter’s values, and where they occur; on a grid each is averaged over the other parameters, so the span is the parameter’s effect.',
    head: ['Lowest mean', 'at', 'Highest mean', 'at', 'Span'],
    cells: (r) => [fmtNum(r.low), value(r.lowAt), fmtNum(r.high), value(r.highAt), fmtNum(r.high - r.low)],
    bars: 'range',
  },
};

/** The section, or nothing when the design varies no parameters (or has no finished runs). */
export function sensitivity(r: ExperimentResults, titled: (cls: string, title: string, note: string) => HTMLElement): HTMLElement[] {
  const blocks = r.sensitivity.filter((s) => s.rows.length);
  if (!blocks.length) return [];
  const kinds = [...new Set(blocks.map((s) => s.kind))];
  const note = `${kinds.map((k) => METHODS[k].note).join(' ')} From the reference arm (${r.arms[0] ?? ''}), each point’s mean over replicates; most important first.`;
  const section = titled('sensitivity', 'Sensitivity', note);
  for (const s of blocks) {
    const block = el('div', undefined, 'output');
    block.append(el('h4', s.metric), tornado(s));
    section.append(block);
  }
  return [section];
}

function tornado(s: Block): HTMLElement {
  const m = METHODS[s.kind];
  const rows = byImportance(s.kind, s.rows);
  const caption = `${s.metric}: ${m.title}`;
  const t = el('table', undefined, 'rtable tornado');
  Object.assign(t.dataset, { kind: 'sensitivity', method: s.kind, metric: s.metric });
  t.createCaption().textContent = caption;
  const tr = t.createTHead().insertRow();
  const th = (text: string, cls?: string): HTMLTableCellElement => {
    const c = el('th', text, cls);
    c.scope = 'col';
    return c;
  };
  // The bars beside the names, so that a phone shows both before its numbers scroll into view.
  tr.append(th('Parameter'), key(m), ...m.head.map((h) => th(h, 'num')));
  const scale = scaleOf(rows, m);
  const body = t.createTBody();
  for (const r of rows) {
    const row = body.insertRow();
    row.dataset.parameter = r.parameter;
    const name = el('th', undefined, 'param');
    name.scope = 'row';
    // Long paths may break after their dots rather than widen the table.
    r.parameter.split('.').forEach((part, k) => name.append(...(k ? [el('wbr'), `.${part}`] : [part])));
    row.append(name, bars(r, m, scale), ...m.cells(r).map((text) => el('td', text, 'num')));
  }
  return scrolling(t, caption);
}

/** The bars' column heading: a key to their shades, in words. */
function key(m: Method): HTMLTableCellElement {
  const c = el('th', undefined, 'barkey');
  c.scope = 'col';
  const names = m.bars === 'range' ? ['lowest to highest mean'] : m.bars.map((b) => b.name);
  names.forEach((n, k) => c.append(el('span', n, `b${k}`)));
  return c;
}

interface Scale {
  at: (v: number) => number;
  /** Where zero is, when the bars start from it. */
  zero?: number;
}

/** One scale for a table's bars, so that lengths compare across its rows. */
function scaleOf(rows: Row[], m: Method): Scale {
  const xs = rows.flatMap((r) => (m.bars === 'range' ? [r.low, r.high] : [0, ...m.bars.flatMap((b) => [b.value(r), ...(b.ci?.(r) ?? [])])]));
  const finite = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const width = hi > lo ? hi - lo : 1;
  const at = (v: number): number => ((v - lo) / width) * 100;
  return m.bars === 'range' ? { at } : { at, zero: at(0) };
}

/** The row's bars, hidden from screen readers: the cells before them say the same in numbers. */
function bars(r: Row, m: Method, scale: Scale): HTMLTableCellElement {
  const cell = el('td', undefined, 'bars');
  const track = el('div', undefined, 'track');
  track.setAttribute('aria-hidden', 'true');
  const span = (cls: string, from: number, to: number): HTMLElement => {
    const [a, b] = [scale.at(Math.min(from, to)), scale.at(Math.max(from, to))];
    const e = el('span', undefined, cls);
    e.style.left = `${a}%`;
    e.style.width = `${b - a}%`;
    return e;
  };
  const ok = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
  if (m.bars === 'range') {
    if (ok(r.low) && ok(r.high)) track.append(span('bar range', r.low, r.high));
  } else {
    track.classList.add(`n${m.bars.length}`);
    if (scale.zero !== undefined) track.append(span('zero', 0, 0));
    m.bars.forEach((b, k) => {
      const v = b.value(r);
      if (ok(v)) track.append(span(`bar b${k}`, 0, v));
      const ci = b.ci?.(r);
      if (ci && ok(ci[0]) && ok(ci[1])) track.append(span(`whisker b${k}`, ci[0], ci[1]));
    });
  }
  cell.append(track);
  return cell;
}
