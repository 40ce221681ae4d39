import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { writeAllAtomic } from '../cli/files.ts';
import type { SensitivityRow } from './analysis.ts';
import { fmtNum } from './format.ts';
import { byImportance } from './tornado.ts';

export { fmtNum };

/**
 * The experiment report: one self-contained HTML file (no network) with the ECharts library and the
 * data inlined. `reportHtml` is a pure function from the data to the page; `writeReport` reads
 * ECharts' min.js from node_modules and writes the page atomically.
 */

/** 95% CI band per day. */
export interface Band {
  day: number[];
  mean: number[];
  lo: number[];
  hi: number[];
}

export interface ReportData {
  /** Experiment name. */
  title: string;
  description?: string;
  /** ISO time. */
  generated: string;
  reproduce: { command: string; versions: Record<string, string>; experimentFile: string /* YAML text */ };
  /** The scenario in ODD order as plain text, headings underlined by '-' lines (src/cli/describe.ts). */
  odd: string;
  design: {
    method: string;
    parameters: string[];
    points: number;
    replicates: number;
    arms: string[];
    runs: { done: number; failed: number; total: number };
  };
  /** One chart per output metric: a line with a shaded 95% band per group (group = arm, or "arm @ point label"). */
  series: { metric: string; description?: string; groups: { label: string; band: Band }[] }[];
  /** Distributions of end-of-run values across runs (one box per group). */
  distributions: { metric: string; groups: { label: string; values: number[] }[] }[];
  /** Summary table: per metric, per group: n, mean, 95% CI. */
  summaries: { metric: string; groups: { label: string; n: number; mean: number; lo: number; hi: number }[] }[];
  /** Paired effects (arm B minus arm A, same seeds), with 95% CI, per metric and design point: a forest plot. */
  effects: { metric: string; contrast: string; rows: { label: string; n: number; mean: number; lo: number; hi: number }[] }[];
  /**
   * Tornado: per output metric, per parameter a bar from low to high (main effects), or Morris μ*
   * (with μ and σ), or Sobol first-order and total indices (with their bootstrap intervals).
   */
  sensitivity: { metric: string; kind: 'main-effects' | 'morris' | 'sobol'; rows: Omit<SensitivityRow, 'detail'>[] }[];
}

/** The text of ECharts' browser bundle (node_modules/echarts/dist/echarts.min.js). */
export function readEchartsSource(): string {
  return readFileSync(createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js'), 'utf8');
}

/** Writes the report to `path` atomically (see writeAllAtomic): never a half-written page. */
export function writeReport(path: string, data: ReportData): void {
  mkdirSync(dirname(path), { recursive: true });
  writeAllAtomic([{ path, text: reportHtml(data, readEchartsSource()) }]);
}

// ---------------------------------------------------------------------------------------------
// Pure formatting

/** Escape text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Make text safe to put inside a <script> element: no `</script`, no `<!--`. */
export function escapeScript(s: string): string {
  return s.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON safe inside <script type="application/json">: every '<' escaped. */
function jsonForScript(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** An ISO time as 'YYYY-MM-DD HH:MM UTC'; other text as it is. */
export function fmtTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function fmtCi(lo: number, hi: number): string {
  return `[${fmtNum(lo)}, ${fmtNum(hi)}]`;
}

/** Quartiles (linear interpolation), Tukey whiskers (1.5 IQR) and outliers. */
export function boxStats(values: number[]): { n: number; box: [number, number, number, number, number]; mean: number; outliers: number[] } | null {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const n = v.length;
  if (!n) return null;
  const q = (p: number): number => {
    const h = (n - 1) * p;
    const i = Math.floor(h);
    const a = v[i]!;
    const b = v[Math.min(i + 1, n - 1)]!;
    return a + (h - i) * (b - a);
  };
  const q1 = q(0.25);
  const med = q(0.5);
  const q3 = q(0.75);
  const iqr = q3 - q1;
  const inLo = q1 - 1.5 * iqr;
  const inHi = q3 + 1.5 * iqr;
  const inside = v.filter((x) => x >= inLo && x <= inHi);
  const outliers = v.filter((x) => x < inLo || x > inHi);
  const mean = v.reduce((s, x) => s + x, 0) / n;
  return { n, box: [inside[0] ?? q1, q1, med, q3, inside[inside.length - 1] ?? q3], mean, outliers };
}

type ChartSpec =
  | { id: string; kind: 'series'; metric: string; groups: { label: string; day: number[]; mean: number[]; lo: number[]; hi: number[] }[] }
  | { id: string; kind: 'box'; metric: string; groups: { label: string; n: number; box: number[]; mean: number; outliers: number[] }[] }
  | { id: string; kind: 'forest'; metric: string; contrast: string; rows: { label: string; n: number; mean: number; lo: number; hi: number }[] }
  | {
      id: string;
      kind: 'tornado';
      metric: string;
      mode: 'main-effects' | 'morris' | 'sobol';
      baseline: number;
      rows: { parameter: string; low: number; high: number }[];
    };

interface Section {
  id: string;
  title: string;
  html: string;
}

/** The whole page; `echartsSource` is the text of echarts.min.js. */
export function reportHtml(data: ReportData, echartsSource: string): string {
  const charts: ChartSpec[] = [];
  const figure = (spec: ChartSpec, label: string, caption: string, height: number): string => {
    charts.push(spec);
    return (
      `<figure>\n<div class="chart" id="chart-${spec.id}" data-chart="${escapeHtml(spec.id)}" role="img" aria-label="${escapeHtml(label)}" style="height:${Math.round(height)}px"></div>\n` +
      `<figcaption>${caption}</figcaption>\n</figure>`
    );
  };
  const none = (text: string): string => `<p class="empty">${escapeHtml(text)}</p>`;
  const sections: Section[] = [];

  // Time series
  {
    const parts = data.series
      .filter((s) => s.groups.length)
      .map((s, i) => {
        const spec: ChartSpec = {
          id: `series-${i}`,
          kind: 'series',
          metric: s.metric,
          groups: s.groups.map((g) => ({ label: g.label, day: g.band.day, mean: g.band.mean, lo: g.band.lo, hi: g.band.hi })),
        };
        const labels = s.groups.map((g) => g.label).join(', ');
        const fig = figure(
          spec,
          `Line chart of ${s.metric} per day, mean and 95% confidence band for ${labels}`,
          `<strong>${escapeHtml(s.metric)}</strong> per day: mean across runs (line) and its 95% confidence interval (shaded band), per group.` +
            (s.description ? ` ${escapeHtml(s.description)}` : ''),
          360,
        );
        return `<h3 id="series-${i}-h">${escapeHtml(s.metric)}</h3>\n${fig}`;
      });
    sections.push({ id: 'time-series', title: 'Time series', html: parts.length ? parts.join('\n') : none('No daily series were recorded for this experiment.') });
  }

  // Distributions
  {
    const parts = data.distributions
      .map((d) => ({ d, groups: d.groups.flatMap((g) => (boxStats(g.values) ? [{ label: g.label, ...boxStats(g.values)! }] : [])) }))
      .filter((x) => x.groups.length)
      .map(({ d, groups }, i) => {
        const spec: ChartSpec = { id: `dist-${i}`, kind: 'box', metric: d.metric, groups };
        return figure(
          spec,
          `Box plot of the end-of-run value of ${d.metric} across runs, one box per group`,
          `<strong>${escapeHtml(d.metric)}</strong> at the end of each run: box from the lower to the upper quartile with the median, ` +
            `whiskers to the furthest value within 1.5 × IQR, dots beyond; ◆ marks the mean.`,
          Math.max(170, 46 * groups.length + 80),
        );
      });
    sections.push({ id: 'distributions', title: 'Distributions', html: parts.length ? parts.join('\n') : none('No end-of-run values are available.') });
  }

  // Summaries
  {
    const rows = data.summaries.filter((s) => s.groups.length);
    const html = rows.length
      ? `<div class="table-wrap"><table class="num">\n<thead><tr><th scope="col">Metric</th><th scope="col">Group</th><th scope="col">n</th><th scope="col">Mean</th><th scope="col">95% CI</th></tr></thead>\n` +
        rows
          .map(
            (s) =>
              `<tbody>` +
              s.groups
                .map(
                  (g, j) =>
                    `<tr>${j === 0 ? `<th scope="rowgroup" rowspan="${s.groups.length}">${escapeHtml(s.metric)}</th>` : ''}` +
                    `<td class="label">${escapeHtml(g.label)}</td><td>${g.n}</td><td>${fmtNum(g.mean)}</td><td>${fmtCi(g.lo, g.hi)}</td></tr>`,
                )
                .join('') +
              `</tbody>`,
          )
          .join('\n') +
        `\n</table></div>`
      : none('No summaries are available.');
    sections.push({ id: 'summaries', title: 'Summaries', html });
  }

  // Paired effects
  {
    const parts = data.effects
      .filter((e) => e.rows.length)
      .map((e, i) => {
        const spec: ChartSpec = { id: `effect-${i}`, kind: 'forest', metric: e.metric, contrast: e.contrast, rows: e.rows };
        const table =
          `<details><summary>Values</summary><div class="table-wrap"><table class="num"><thead><tr><th scope="col">Point</th><th scope="col">n</th><th scope="col">Mean difference</th><th scope="col">95% CI</th></tr></thead><tbody>` +
          e.rows.map((r) => `<tr><td class="label">${escapeHtml(r.label)}</td><td>${r.n}</td><td>${fmtNum(r.mean)}</td><td>${fmtCi(r.lo, r.hi)}</td></tr>`).join('') +
          `</tbody></table></div></details>`;
        return (
          figure(
            spec,
            `Forest plot of the paired difference in ${e.metric} (${e.contrast}) with 95% confidence intervals, per design point`,
            `<strong>${escapeHtml(e.metric)}</strong>: ${escapeHtml(e.contrast)}, paired by seed; point = mean difference, bar = 95% CI, dashed line = no effect.`,
            Math.max(150, 38 * e.rows.length + 80),
          ) + `\n${table}`
        );
      });
    sections.push({ id: 'effects', title: 'Paired effects', html: parts.length ? parts.join('\n') : none('This experiment has no paired contrasts between arms.') });
  }

  // Sensitivity
  {
    const parts = data.sensitivity
      .filter((s) => s.rows.length)
      .map((s, i) => {
        // The chart draws `low` and `high` as its two bars: for Morris, μ* (the analysis's `high`) and σ.
        const rows = byImportance(s.kind, s.rows).map((r) => (s.kind === 'morris' ? { parameter: r.parameter, low: r.high, high: r.sigma ?? NaN } : r));
        const mids = rows.map((r) => (r.low + r.high) / 2).filter((x) => Number.isFinite(x));
        const baseline = s.kind === 'main-effects' && mids.length ? mids.reduce((a, b) => a + b, 0) / mids.length : 0;
        const spec: ChartSpec = { id: `sens-${i}`, kind: 'tornado', metric: s.metric, mode: s.kind, baseline, rows };
        const what =
          s.kind === 'main-effects'
            ? `mean outcome at each parameter's low and high level, bars drawn from the overall mean (${fmtNum(baseline)}), sorted by span`
            : s.kind === 'morris'
              ? 'Morris elementary effects: μ* (mean absolute effect) and σ (spread: interaction or non-linearity), sorted by μ*'
              : 'Sobol indices: first-order and total effect, sorted by total';
        return figure(
          spec,
          `Tornado chart of the sensitivity of ${s.metric} to ${rows.length} parameters (${s.kind})`,
          `<strong>${escapeHtml(s.metric)}</strong>: ${escapeHtml(what)}.`,
          Math.max(150, 34 * rows.length + 90),
        );
      });
    sections.push({ id: 'sensitivity', title: 'Sensitivity', html: parts.length ? parts.join('\n') : none('This experiment has no sensitivity analysis (it does not vary parameters).') });
  }

  sections.push({ id: 'model', title: 'Model description (ODD)', html: oddHtml(data.odd) });

  // Reproduce
  {
    const versions = Object.entries(data.reproduce.versions);
    const html =
      `<p>Run this command in a checkout of the same versions:</p>\n<pre class="code">${escapeHtml(data.reproduce.command)}</pre>\n` +
      (versions.length
        ? `<table class="kv"><thead><tr><th scope="col">Component</th><th scope="col">Version</th></tr></thead><tbody>${versions
            .map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td><code>${escapeHtml(v)}</code></td></tr>`)
            .join('')}</tbody></table>\n`
        : '') +
      `<h3>Experiment file</h3>\n<pre class="code">${escapeHtml(data.reproduce.experimentFile)}</pre>`;
    sections.push({ id: 'reproduce', title: 'Reproduce', html });
  }

  const d = data.design;
  const runs = d.runs;
  const designItems: [string, string][] = [
    ['Design', d.method],
    ['Parameters', d.parameters.length ? d.parameters.join(', ') : 'none'],
    ['Points', String(d.points)],
    ['Replicates', String(d.replicates)],
    ['Arms', d.arms.length ? d.arms.join(', ') : 'one'],
    ['Runs', `${runs.done} of ${runs.total} done${runs.failed ? `, ${runs.failed} failed` : ''}`],
    ['Generated', fmtTime(data.generated)],
  ];
  const header =
    `<header>\n<p class="kicker">Experiment report</p>\n<h1>${escapeHtml(data.title)}</h1>\n` +
    (data.description ? `<p class="lede">${escapeHtml(data.description)}</p>\n` : '') +
    `<dl class="design">${designItems.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')}</dl>\n` +
    (runs.failed ? `<p class="warn">${runs.failed} run${runs.failed === 1 ? '' : 's'} failed; figures are over the ${runs.done} that finished.</p>\n` : '') +
    (runs.done < runs.total - runs.failed ? `<p class="warn">The experiment is incomplete: ${runs.total - runs.done - runs.failed} runs have not finished.</p>\n` : '') +
    `</header>`;
  const toc = `<nav aria-label="Contents"><h2>Contents</h2><ol>${sections.map((s) => `<li><a href="#${s.id}">${escapeHtml(s.title)}</a></li>`).join('')}</ol></nav>`;
  const body = sections.map((s) => `<section id="${s.id}">\n<h2>${escapeHtml(s.title)}</h2>\n${s.html}\n</section>`).join('\n');

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="social-credit-lab">
<title>${escapeHtml(data.title)} · experiment report</title>
<style>${CSS}</style>
</head>
<body>
<main>
${header}
${toc}
${body}
<footer><p>Generated ${escapeHtml(fmtTime(data.generated))} by social-credit-lab. This file is self-contained: it needs no network.</p></footer>
</main>
<script type="application/json" id="report-data">${jsonForScript({ charts })}</script>
<script>${escapeScript(echartsSource)}</script>
<script>${escapeScript(PAGE_JS)}</script>
</body>
</html>
`;
}

/** The ODD text (describeScenario's format) as HTML: underlined headings → <h3>, indented lines → nested lists. */
export function oddHtml(odd: string): string {
  const lines = odd.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let para: string[] = [];
  let list: { depth: number; text: string }[] = [];
  const flushPara = (): void => {
    if (para.length) out.push(`<p>${para.map(escapeHtml).join(' ')}</p>`);
    para = [];
  };
  const flushList = (): void => {
    if (!list.length) return;
    const min = Math.min(...list.map((l) => l.depth));
    // Deeper items open a list inside the open item; a jump of several levels opens items in between.
    let html = '<ul>';
    let depth = 0;
    let open = false;
    for (const item of list) {
      const d = item.depth - min;
      if (open && d > depth) {
        while (depth < d) {
          html += '<ul>';
          depth++;
          if (depth < d) html += '<li>';
        }
      } else {
        if (open) html += '</li>';
        while (depth > d) {
          html += '</ul></li>';
          depth--;
        }
      }
      html += `<li>${escapeHtml(item.text)}`;
      open = true;
    }
    html += '</li>';
    while (depth > 0) {
      html += '</ul></li>';
      depth--;
    }
    html += '</ul>';
    out.push(html);
    list = [];
  };
  const flush = (): void => {
    flushPara();
    flushList();
  };
  let first = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1];
    if (next !== undefined && line.trim() && /^-{3,}\s*$/.test(next) && !/^\s/.test(line)) {
      flush();
      out.push(`<h3>${escapeHtml(line.trim())}</h3>`);
      i++;
      first = false;
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    if (first) {
      out.push(`<p class="odd-title">${escapeHtml(line.trim())}</p>`);
      first = false;
      continue;
    }
    const indent = /^\s*/.exec(line)![0].length;
    if (indent > 0) {
      flushPara();
      list.push({ depth: Math.floor(indent / 2), text: line.trim() });
      continue;
    }
    flushList();
    // Lines of a wrapped paragraph continue one another; a line ending in ':' or a short line ends one.
    const prev = para[para.length - 1];
    if (prev !== undefined && (prev.endsWith(':') || prev.length < 60 || /^[A-Z][\w ]{0,30}:/.test(line))) flushPara();
    para.push(line.trim());
  }
  flush();
  return out.length ? `<div class="odd">${out.join('\n')}</div>` : '<p class="empty">No model description is available.</p>';
}

const CSS = `
:root {
  --fg: #1d232a; --muted: #5b6670; --rule: #d9dee3; --bg: #fbfbfa; --panel: #ffffff; --accent: #2f5d8a; --warn: #8a4b14;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.55 var(--sans); }
main { max-width: 980px; margin: 0 auto; padding: 2.5rem 1.5rem 4rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0.1rem 0 0.6rem; font-weight: 650; letter-spacing: -0.01em; }
h2 { font-size: 1.4rem; margin: 3rem 0 1rem; padding-bottom: 0.35rem; border-bottom: 1px solid var(--rule); font-weight: 620; }
h3 { font-size: 1.08rem; margin: 1.8rem 0 0.6rem; font-weight: 620; }
a { color: var(--accent); }
.kicker { margin: 0; color: var(--muted); text-transform: uppercase; letter-spacing: 0.08em; font-size: 0.78rem; }
.lede { font-size: 1.08rem; color: #333d46; max-width: 46rem; margin: 0 0 1.2rem; }
.warn { color: var(--warn); background: #fbf1e6; border-left: 3px solid #d49a5b; padding: 0.45rem 0.8rem; margin: 0.8rem 0; }
dl.design { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 0.6rem 1.4rem; margin: 1.2rem 0 0; padding: 1rem 1.2rem; background: var(--panel); border: 1px solid var(--rule); border-radius: 6px; }
dl.design div { min-width: 0; }
dl.design dt { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); }
dl.design dd { margin: 0.1rem 0 0; overflow-wrap: anywhere; }
nav { margin: 2rem 0 0; }
nav h2 { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.08em; color: var(--muted); border: 0; margin: 0 0 0.3rem; padding: 0; }
nav ol { margin: 0; padding-left: 1.3rem; columns: 2; column-gap: 2rem; }
nav li { margin: 0.1rem 0; }
figure { margin: 0 0 1.6rem; padding: 0.8rem 0.8rem 0.6rem; background: var(--panel); border: 1px solid var(--rule); border-radius: 6px; break-inside: avoid; page-break-inside: avoid; }
.chart { width: 100%; min-height: 150px; }
figcaption { color: var(--muted); font-size: 0.9rem; margin-top: 0.4rem; line-height: 1.45; }
figcaption strong { color: var(--fg); font-weight: 600; }
.empty { color: var(--muted); font-style: italic; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0 1.2rem; font-size: 0.93rem; background: var(--panel); }
th, td { padding: 0.35rem 0.8rem; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
thead th { font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); font-weight: 600; border-bottom: 1.5px solid #b9c1c9; }
table.num td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.num td.label { text-align: left; white-space: normal; }
table.num thead th:nth-child(n+2) { text-align: right; }
table.num tbody th { font-weight: 600; }
tbody + tbody { border-top: 1.5px solid #b9c1c9; }
details { margin: -0.8rem 0 1.6rem; font-size: 0.92rem; }
details summary { cursor: pointer; color: var(--muted); }
pre.code { font: 0.85rem/1.5 var(--mono); background: #f3f4f2; border: 1px solid var(--rule); border-radius: 5px; padding: 0.8rem 1rem; overflow-x: auto; white-space: pre; }
code { font-family: var(--mono); font-size: 0.9em; }
.odd { background: var(--panel); border: 1px solid var(--rule); border-radius: 6px; padding: 0.4rem 1.4rem 1rem; }
.odd p, .odd li { max-width: 52rem; }
.odd .odd-title { font-weight: 600; margin-top: 1rem; }
.odd ul { margin: 0.2rem 0 0.6rem; padding-left: 1.3rem; }
.odd li { margin: 0.1rem 0; overflow-wrap: anywhere; }
footer { margin-top: 3rem; color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--rule); }
@media (max-width: 640px) { main { padding: 1.5rem 0.8rem 3rem; } nav ol { columns: 1; } h1 { font-size: 1.6rem; } }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav, details summary { display: none; }
  details { display: block; }
  figure, dl.design, .odd, pre.code, table { border-color: #ccc; background: #fff; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  pre.code { white-space: pre-wrap; }
  a { color: inherit; text-decoration: none; }
}
`;

/** The page's script: builds each chart's ECharts option from the inlined data. Plain ES2019. */
const PAGE_JS = String.raw`
(function () {
  'use strict';
  var state = { total: 0, rendered: 0, errors: [] };
  window.__charts = state;
  var PALETTE = ['#2f6690', '#c2571a', '#3a7d44', '#8c4f9e', '#b3892a', '#3d8c95', '#a63d57', '#5f6b75', '#6d8f2f', '#7a5c3e'];
  var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  var AXIS = { lineColor: '#9aa4ad', split: '#e8ebee', label: '#4a545d' };

  function fmt(x) {
    if (x === null || x === undefined || typeof x !== 'number' || isNaN(x)) return '\u2013';
    if (!isFinite(x)) return x > 0 ? '\u221e' : '\u2212\u221e';
    if (x === 0) return '0';
    var a = Math.abs(x);
    var s = a >= 1e6 || a < 1e-3 ? x.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e') : String(Number(x.toPrecision(4)));
    return s.replace(/^-/, '\u2212');
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
  }
  function color(i) { return PALETTE[i % PALETTE.length]; }
  function valueAxis(extra) {
    var a = {
      type: 'value', scale: true,
      axisLine: { show: false }, axisTick: { show: false },
      axisLabel: { color: AXIS.label, formatter: fmt, hideOverlap: true },
      splitLine: { lineStyle: { color: AXIS.split } },
      nameTextStyle: { color: AXIS.label }
    };
    for (var k in extra) a[k] = extra[k];
    return a;
  }
  function categoryAxis(data, extra) {
    var a = {
      type: 'category', data: data, inverse: true,
      axisLine: { lineStyle: { color: AXIS.lineColor } }, axisTick: { show: false },
      axisLabel: { color: AXIS.label, width: 220, overflow: 'truncate' }
    };
    for (var k in extra) a[k] = extra[k];
    return a;
  }
  function base() {
    return {
      animation: false,
      textStyle: { fontFamily: FONT, fontSize: 12 },
      color: PALETTE,
      tooltip: { confine: true, backgroundColor: 'rgba(255,255,255,0.97)', borderColor: '#cfd5da', textStyle: { color: '#1d232a', fontSize: 12 } }
    };
  }
  function finite(v) { return typeof v === 'number' && isFinite(v); }

  // Line + 95% band per group: an invisible lower line, the (hi - lo) stacked on it as a shaded area, and the mean.
  function seriesOption(c) {
    var o = base();
    var series = [];
    c.groups.forEach(function (g, i) {
      var col = color(i);
      var stack = 'band-' + i;
      var mean = [], lower = [], width = [];
      for (var k = 0; k < g.day.length; k++) {
        var d = g.day[k], lo = g.lo[k], hi = g.hi[k];
        mean.push([d, finite(g.mean[k]) ? g.mean[k] : null]);
        var ok = finite(lo) && finite(hi);
        lower.push([d, ok ? lo : null]);
        width.push([d, ok ? hi - lo : null]);
      }
      series.push({ name: g.label, type: 'line', data: mean, showSymbol: false, symbol: 'none', z: 3, lineStyle: { width: 2, color: col }, itemStyle: { color: col }, emphasis: { disabled: true } });
      series.push({ name: g.label, type: 'line', data: lower, stack: stack, stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, itemStyle: { color: col }, tooltip: { show: false }, silent: true, emphasis: { disabled: true } });
      series.push({ name: g.label, type: 'line', data: width, stack: stack, stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color: col, opacity: 0.16 }, itemStyle: { color: col }, tooltip: { show: false }, silent: true, emphasis: { disabled: true } });
    });
    o.legend = { type: 'scroll', top: 0, left: 0, icon: 'roundRect', itemWidth: 16, itemHeight: 4, textStyle: { color: AXIS.label }, data: c.groups.map(function (g) { return g.label; }) };
    o.grid = { left: 8, right: 16, top: 40, bottom: 8 };
    o.xAxis = valueAxis({ name: 'day', nameLocation: 'middle', nameGap: 26, scale: false, min: 'dataMin', max: 'dataMax', splitLine: { show: false }, axisLine: { show: true, onZero: false, lineStyle: { color: AXIS.lineColor } }, axisTick: { show: true } });
    o.yAxis = valueAxis({});
    o.tooltip.trigger = 'axis';
    o.tooltip.axisPointer = { type: 'line', lineStyle: { color: '#9aa4ad' } };
    o.tooltip.formatter = function (ps) {
      if (!ps || !ps.length) return '';
      var rows = [];
      var day = ps[0].value ? ps[0].value[0] : ps[0].axisValue;
      ps.forEach(function (p) {
        var g = c.groups[Math.floor(p.seriesIndex / 3)];
        if (!g || p.seriesIndex % 3 !== 0) return;
        var k = p.dataIndex;
        rows.push(p.marker + esc(g.label) + ': <b>' + fmt(g.mean[k]) + '</b> [' + fmt(g.lo[k]) + ', ' + fmt(g.hi[k]) + ']');
      });
      return 'day ' + esc(day) + '<br>' + rows.join('<br>');
    };
    o.series = series;
    return o;
  }

  // Horizontal box plot per group, with outliers and the mean.
  function boxOption(c) {
    var o = base();
    var labels = c.groups.map(function (g) { return g.label + ' (n=' + g.n + ')'; });
    o.grid = { left: 8, right: 24, top: 12, bottom: 8 };
    o.yAxis = categoryAxis(labels, {});
    o.xAxis = valueAxis({});
    o.tooltip.trigger = 'item';
    o.series = [
      {
        name: c.metric, type: 'boxplot', boxWidth: [10, 26],
        itemStyle: { color: 'rgba(47,102,144,0.12)', borderColor: '#2f6690', borderWidth: 1.4 },
        data: c.groups.map(function (g, i) { return { value: g.box, itemStyle: { color: hexA(color(i), 0.14), borderColor: color(i) } }; }),
        tooltip: { formatter: function (p) { var g = c.groups[p.dataIndex]; var b = g.box; return esc(g.label) + ' (n=' + g.n + ')<br>max (whisker) ' + fmt(b[4]) + '<br>upper quartile ' + fmt(b[3]) + '<br>median <b>' + fmt(b[2]) + '</b><br>lower quartile ' + fmt(b[1]) + '<br>min (whisker) ' + fmt(b[0]) + '<br>mean ' + fmt(g.mean); } }
      },
      {
        name: 'mean', type: 'scatter', symbol: 'diamond', symbolSize: 9, z: 4,
        itemStyle: { color: '#1d232a' },
        data: c.groups.map(function (g, i) { return [g.mean, i]; }),
        tooltip: { formatter: function (p) { return 'mean of ' + esc(c.groups[p.dataIndex].label) + ': <b>' + fmt(p.value[0]) + '</b>'; } }
      },
      {
        name: 'outliers', type: 'scatter', symbolSize: 5, z: 3,
        itemStyle: { color: 'rgba(29,35,42,0.45)' },
        data: [].concat.apply([], c.groups.map(function (g, i) { return g.outliers.map(function (v) { return [v, i]; }); })),
        tooltip: { formatter: function (p) { return 'outlier: ' + fmt(p.value[0]); } }
      }
    ];
    return o;
  }
  function hexA(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16 & 255) + ',' + (n >> 8 & 255) + ',' + (n & 255) + ',' + a + ')';
  }

  // Forest plot: a horizontal 95% CI bar with caps and the point estimate per row, a dashed zero line.
  function forestOption(c) {
    var o = base();
    var labels = c.rows.map(function (r) { return r.label; });
    var col = '#2f6690';
    o.grid = { left: 8, right: 24, top: 12, bottom: 8 };
    o.yAxis = categoryAxis(labels, {});
    o.xAxis = valueAxis({ scale: false });
    o.tooltip.trigger = 'item';
    var tip = function (p) { var r = c.rows[p.dataIndex]; return esc(r.label) + ' (n=' + r.n + ')<br>' + esc(c.contrast) + ': <b>' + fmt(r.mean) + '</b><br>95% CI [' + fmt(r.lo) + ', ' + fmt(r.hi) + ']'; };
    o.series = [
      {
        name: '95% CI', type: 'custom', z: 2,
        encode: { x: [1, 2], y: 0 },
        data: c.rows.map(function (r, i) { return [i, finite(r.lo) ? r.lo : null, finite(r.hi) ? r.hi : null]; }),
        renderItem: function (params, api) {
          var lo = api.value(1), hi = api.value(2);
          if (!finite(lo) || !finite(hi)) return null;
          var a = api.coord([lo, api.value(0)]), b = api.coord([hi, api.value(0)]);
          var cap = Math.min(7, api.size([0, 1])[1] * 0.22);
          var style = { stroke: col, lineWidth: 1.8, fill: null };
          return { type: 'group', children: [
            { type: 'line', shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }, style: style },
            { type: 'line', shape: { x1: a[0], y1: a[1] - cap, x2: a[0], y2: a[1] + cap }, style: style },
            { type: 'line', shape: { x1: b[0], y1: b[1] - cap, x2: b[0], y2: b[1] + cap }, style: style }
          ] };
        },
        tooltip: { formatter: tip }
      },
      {
        name: 'mean difference', type: 'scatter', symbol: 'rect', symbolSize: 10, z: 3,
        itemStyle: { color: col },
        data: c.rows.map(function (r, i) { return [finite(r.mean) ? r.mean : null, i]; }),
        label: { show: true, position: 'top', distance: 4, fontSize: 11, color: AXIS.label, formatter: function (p) { var r = c.rows[p.dataIndex]; return fmt(r.mean) + '  [' + fmt(r.lo) + ', ' + fmt(r.hi) + ']'; } },
        labelLayout: { hideOverlap: true },
        tooltip: { formatter: tip },
        markLine: { silent: true, symbol: 'none', precision: 12, label: { show: false }, lineStyle: { color: '#6b757e', type: 'dashed', width: 1 }, data: [{ xAxis: 0 }] }
      }
    ];
    return o;
  }

  // Tornado: per parameter, bars from the baseline to the low and to the high value, sorted by span (largest on top).
  function tornadoOption(c) {
    var o = base();
    var labels = c.rows.map(function (r) { return r.parameter; });
    var main = c.mode === 'main-effects';
    var names = main ? ['low level', 'high level'] : c.mode === 'morris' ? ['\u03bc*', '\u03c3'] : ['first-order', 'total'];
    var cols = main ? ['#c2571a', '#2f6690'] : ['#2f6690', '#9db4c9'];
    o.grid = { left: 8, right: 24, top: 34, bottom: 8 };
    o.legend = { top: 0, left: 0, itemWidth: 14, itemHeight: 10, textStyle: { color: AXIS.label }, data: names };
    o.yAxis = categoryAxis(labels, {});
    o.xAxis = valueAxis({ scale: main });
    o.tooltip.trigger = 'item';
    var tip = function (p) { var r = c.rows[p.dataIndex]; return '<b>' + esc(r.parameter) + '</b><br>' + esc(names[0]) + ': ' + fmt(r.low) + '<br>' + esc(names[1]) + ': ' + fmt(r.high) + (main ? '<br>span ' + fmt(Math.abs(r.high - r.low)) + ' (baseline ' + fmt(c.baseline) + ')' : ''); };
    function bars(which) {
      return {
        name: names[which], type: 'custom', z: 2 + which,
        itemStyle: { color: cols[which] },
        encode: { x: [1, 2], y: 0 },
        data: c.rows.map(function (r, i) { var v = which === 0 ? r.low : r.high; return [i, c.baseline, finite(v) ? v : null]; }),
        renderItem: function (params, api) {
          var v = api.value(2);
          if (!finite(v)) return null;
          var y = api.value(0);
          var a = api.coord([api.value(1), y]), b = api.coord([v, y]);
          var band = api.size([0, 1])[1];
          var h = main ? band * 0.62 : band * 0.34;
          // Main effects: both bars centred on the row; otherwise the first measure above the second.
          var top = main ? a[1] - h / 2 : which === 0 ? a[1] - h - 1 : a[1] + 1;
          var x0 = Math.min(a[0], b[0]), w = Math.max(Math.abs(b[0] - a[0]), 1);
          return { type: 'rect', shape: { x: x0, y: top, width: w, height: h }, style: { fill: cols[which] } };
        },
        tooltip: { formatter: tip }
      };
    }
    o.series = [bars(0), bars(1)];
    // The baseline (overall mean, or zero); markLine rounds its value to 'precision' decimals.
    o.series[0].markLine = { silent: true, symbol: 'none', precision: 12, label: { show: false }, lineStyle: { color: '#1d232a', width: 1, type: main ? 'dashed' : 'solid' }, data: [{ xAxis: c.baseline }] };
    return o;
  }

  var BUILD = { series: seriesOption, box: boxOption, forest: forestOption, tornado: tornadoOption };
  var instances = [];
  function fail(id, e) { state.errors.push(id + ': ' + (e && e.message ? e.message : String(e))); }

  function start() {
    var data;
    try { data = JSON.parse(document.getElementById('report-data').textContent || '{}'); } catch (e) { fail('data', e); return; }
    var charts = data.charts || [];
    state.total = charts.length;
    if (typeof echarts === 'undefined') { fail('echarts', 'ECharts did not load'); return; }
    charts.forEach(function (c) {
      var el = document.querySelector('.chart[data-chart="' + c.id + '"]');
      if (!el) { fail(c.id, 'no element'); return; }
      try {
        var chart = echarts.init(el, null, { renderer: 'svg' });
        var done = false;
        chart.on('finished', function () {
          if (done) return;
          done = true;
          el.setAttribute('data-rendered', 'true');
          state.rendered++;
        });
        chart.setOption(BUILD[c.kind](c));
        instances.push(chart);
      } catch (e) { fail(c.id, e); }
    });
    var timer = null;
    function resizeAll() { instances.forEach(function (ch) { ch.resize(); }); }
    window.addEventListener('resize', function () { clearTimeout(timer); timer = setTimeout(resizeAll, 80); });
    window.addEventListener('beforeprint', resizeAll);
    window.addEventListener('afterprint', resizeAll);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
`;
