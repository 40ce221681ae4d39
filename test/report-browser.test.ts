import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { boxStats, escapeScript, fmtNum, oddHtml, reportHtml, writeReport, type Band, type ReportData } from '../src/experiment/report-html.ts';

const CHROMIUM = '/usr/bin/chromium';

/**
 * The little of the DOM these checks use (the project compiles without lib "dom"); functions passed to
 * page.evaluate run in the page and reach it through `globalThis as unknown as Win`.
 */
interface El {
  id: string;
  tagName: string;
  textContent: string | null;
  parentElement: El | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El>;
  getBoundingClientRect(): { width: number; height: number };
}
interface Charts {
  total: number;
  rendered: number;
  errors: string[];
}
interface Win {
  document: El;
  __charts?: Charts;
  __pwned?: number;
}
const hasChromium = existsSync(CHROMIUM);
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const normal = (r: () => number): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

function band(days: number, level: number, drift: number, noise: number, r: () => number): Band {
  const b: Band = { day: [], mean: [], lo: [], hi: [] };
  for (let d = 0; d < days; d++) {
    const m = level + drift * (1 - Math.exp(-d / 15)) + noise * 0.15 * normal(r);
    const half = noise * (0.4 + 0.6 * Math.min(1, d / 20));
    b.day.push(d);
    b.mean.push(m);
    b.lo.push(m - half);
    b.hi.push(m + half);
  }
  return b;
}

const ODD = `Blacklist with spill-over (court-blacklist)

1. Purpose and patterns
-----------------------
How far does a court blacklist reach when its sanctions spill over to the relatives and contacts of those
listed? The model reproduces the growth of the list and the chilling of ordinary activity.
Source: Supreme People's Court, measures on the list of dishonest judgment debtors (2013)

2. Entities, state variables and scales
---------------------------------------
2000 agents, one step per day, 60 days, seed 42.
Network layers:
  family: households of 1 to 6 (size: 3.1)
  work: Watts-Strogatz small world (k: 8, p: 0.1)
Agent state (columns; * = ground truth the system cannot see):
  debt [f32, economy]: outstanding debt in yuan
  honest* [u8, behaviour]: whether the agent would repay if able

3. Process overview and scheduling
----------------------------------
Each day runs these phases in order; within a phase all agents are processed in parallel,
and modules act in the order listed.
  observe:
    courts: files judgments against defaulters
  sanction:
    blacklist: restricts travel & consumption of listed agents <and their kin>

4. Submodels and parameters (value; default)
--------------------------------------------
  blacklist (Court blacklist): lists judgment debtors
    spillover = 0.3; default 0: share of a sanction applied to each contact

5. Observation (metrics per day)
--------------------------------
  listed [count, blacklist]: agents on the list
  trust [mean, behaviour]: generalised trust
Reported: listed, trust, activity
`;

const METRICS = ['listed', 'trust', 'activity'] as const;
const ARMS = ['spill-over', 'no spill-over'];
const POINTS = ['spillover=0.1', 'spillover=0.3', 'spillover=0.5'];

function syntheticData(): ReportData {
  const r = rng(7);
  const level: Record<string, number> = { listed: 20, trust: 0.62, activity: 1.4 };
  const drift: Record<string, number> = { listed: 140, trust: -0.08, activity: -0.25 };
  const noise: Record<string, number> = { listed: 12, trust: 0.02, activity: 0.06 };
  const series = METRICS.map((metric, mi) => ({
    metric,
    description: mi === 0 ? 'Agents on the blacklist on each day.' : undefined,
    // The first metric per arm and design point; the others per arm.
    groups: (mi === 0 ? ARMS.flatMap((a) => POINTS.slice(0, 2).map((p) => `${a} @ ${p}`)) : ARMS).map((label, gi) => ({
      label,
      band: band(60, level[metric]!, drift[metric]! * (gi % 2 ? 0.7 : 1) * (1 + 0.3 * Math.floor(gi / 2)), noise[metric]!, r),
    })),
  }));
  const distributions = METRICS.map((metric) => ({
    metric,
    groups: ARMS.map((label, ai) => ({
      label,
      values: Array.from({ length: 30 }, () => level[metric]! + drift[metric]! * (ai ? 0.7 : 1) + noise[metric]! * 2 * normal(r) + (r() < 0.05 ? noise[metric]! * 8 : 0)),
    })),
  }));
  const summaries = distributions.map((d) => ({
    metric: d.metric,
    groups: d.groups.map((g) => {
      const n = g.values.length;
      const mean = g.values.reduce((s, x) => s + x, 0) / n;
      const sd = Math.sqrt(g.values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
      return { label: g.label, n, mean, lo: mean - (2.045 * sd) / Math.sqrt(n), hi: mean + (2.045 * sd) / Math.sqrt(n) };
    }),
  }));
  const effects = METRICS.map((metric) => ({
    metric,
    contrast: 'no spill-over − spill-over',
    rows: POINTS.map((label, i) => {
      const mean = -drift[metric]! * 0.3 * (i + 1) * 0.5 + (metric === 'trust' ? 0.01 : 0);
      const half = Math.abs(drift[metric]!) * 0.12 + noise[metric]! * 0.2;
      return { label, n: 30, mean, lo: mean - half, hi: mean + half };
    }),
  }));
  const sensitivity: ReportData['sensitivity'] = METRICS.map((metric, mi) => ({
    metric,
    kind: mi === 2 ? 'morris' : 'main-effects',
    rows: ['blacklist.spillover', 'courts.filingRate', 'economy.shockScale', 'behaviour.conformity', 'network.family.size'].map((parameter, k) => {
      const c = level[metric]! + drift[metric]!;
      const s = Math.abs(drift[metric]!) * (0.5 / (k + 1)) * (r() + 0.5);
      return mi === 2 ? { parameter, low: 0, high: s / 3, mu: s / 4, sigma: (s / 5) * (1 + r()) } : { parameter, low: c - s * (0.4 + r() * 0.4), high: c + s * (0.4 + r() * 0.4) };
    }),
  }));
  return {
    title: 'Spill-over <sweep> & "the" blacklist',
    description: 'Does punishing the relatives of blacklisted debtors deter default, and what does it cost in trust and ordinary activity? Two arms under the same seeds.',
    generated: '2025-01-15T09:30:00.000Z',
    reproduce: {
      command: 'sclab experiment run experiments/spillover.yaml && sclab report spillover',
      versions: { 'social-credit-lab': '0.1.0', node: 'v20.20.2', echarts: '6.1.0', duckdb: '1.5.6' },
      experimentFile: `name: spillover\nscenario: court-blacklist\n# a tricky comment: </script><script>window.__pwned = 1</script> <!-- x -->\narms:\n  spill-over: {}\n  no spill-over:\n    set: { blacklist.spillover: 0 }\ndesign:\n  method: grid\n  parameters:\n    blacklist.spillover: [0.1, 0.3, 0.5]\nreplicates: 30\n`,
    },
    odd: ODD,
    design: { method: 'grid', parameters: ['blacklist.spillover'], points: 3, replicates: 30, arms: ARMS, runs: { done: 178, failed: 2, total: 180 } },
    series,
    distributions,
    summaries,
    effects,
    sensitivity,
  };
}

function emptyData(): ReportData {
  const d = syntheticData();
  return {
    ...d,
    title: 'One arm, no sweep',
    description: undefined,
    design: { ...d.design, method: 'replicates', parameters: [], points: 1, arms: ['baseline'], runs: { done: 10, failed: 0, total: 10 } },
    series: [d.series[1]!],
    distributions: [{ metric: 'trust', groups: [{ label: 'baseline', values: [] }] }],
    summaries: [],
    effects: [],
    sensitivity: [],
    odd: '',
  };
}

describe('report html (pure parts)', () => {
  it('formats numbers with 4 significant digits', () => {
    expect(fmtNum(0.123456)).toBe('0.1235');
    expect(fmtNum(12345.6)).toBe('12350');
    expect(fmtNum(-2.5)).toBe('−2.5');
    expect(fmtNum(1.5e7)).toBe('1.5e7');
    expect(fmtNum(0.00001234)).toBe('1.23e-5');
    expect(fmtNum(NaN)).toBe('–');
    expect(fmtNum(0)).toBe('0');
  });
  it('escapes script-closing text and computes box statistics', () => {
    expect(escapeScript('a</script>b<!--c</SCRIPT')).not.toMatch(/<\/script|<!--/i);
    expect(boxStats([1, 2, 3, 4, 100])).toEqual({ n: 5, box: [1, 2, 3, 4, 4], mean: 22, outliers: [100] });
    expect(boxStats([NaN])).toBeNull();
  });
  it('renders ODD headings and nested lists', () => {
    const html = oddHtml(ODD);
    expect(html.match(/<h3>/g)).toHaveLength(5);
    expect(html).toContain('<h3>3. Process overview and scheduling</h3>');
    expect(html).toContain('<li>observe:<ul><li>courts: files judgments against defaulters</li></ul></li>');
    expect(html).toContain('&lt;and their kin&gt;');
    expect(html).not.toContain('---');
  });
  it('keeps inlined text from closing its script element', () => {
    const html = reportHtml(syntheticData(), 'var echarts = "</script><!--";');
    const scripts = html.match(/<script\b/gi) ?? [];
    expect(scripts).toHaveLength(3);
    expect(html.match(/<\/script>/gi)).toHaveLength(3);
    expect(html).toContain('Spill-over &lt;sweep&gt; &amp; &quot;the&quot; blacklist');
  });
});

describe.skipIf(!hasChromium && !process.env.CI)('report in a browser', () => {
  it('draws every chart of a self-contained page', async () => {
    if (!hasChromium) throw new Error(`Chromium is missing at ${CHROMIUM}; CI must install it (apt-get install chromium) to test the HTML report.`);
    const dir = mkdtempSync(join(tmpdir(), 'sclab-report-'));
    let browser: Browser | undefined;
    try {
      const file = join(dir, 'out', 'report.html');
      writeReport(file, syntheticData());
      const empty = join(dir, 'out', 'empty.html');
      writeReport(empty, emptyData());
      expect(readdirSync(join(dir, 'out')).sort()).toEqual(['empty.html', 'report.html']); // no temporary file left
      const html = readFileSync(file, 'utf8');
      expect(html).not.toMatch(/src=["']?https?:/i);
      expect(html).not.toMatch(/<link\b/i);
      expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
      expect(html).toContain('<h3>1. Purpose and patterns</h3>');

      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      page.on('request', (req) => {
        if (!req.url().startsWith('file:') && !req.url().startsWith('data:')) errors.push(`network request: ${req.url()}`);
      });

      // 3 time series + 3 distributions + 3 forest plots + 3 tornados.
      await checkPage(page, file, 12, errors);
      expect(await page.evaluate(() => (globalThis as unknown as Win).__pwned)).toBeUndefined();
      const sections = await page.evaluate(() => Array.from((globalThis as unknown as Win).document.querySelectorAll('main > section'), (e) => e.id));
      expect(sections).toEqual(['time-series', 'distributions', 'summaries', 'effects', 'sensitivity', 'model', 'reproduce']);
      expect(await page.evaluate(() => (globalThis as unknown as Win).document.querySelectorAll('#summaries tbody tr').length)).toBe(6);
      expect(await page.title()).toBe('Spill-over <sweep> & "the" blacklist · experiment report');

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });

      // Charts follow the width of the window.
      const before = await page.evaluate(() => (globalThis as unknown as Win).document.querySelector('.chart svg')?.getBoundingClientRect().width ?? 0);
      await page.setViewportSize({ width: 700, height: 900 });
      await page.waitForFunction((w) => ((globalThis as unknown as Win).document.querySelector('.chart svg')?.getBoundingClientRect().width ?? w) < w - 50, before, { timeout: 5000 });

      // Empty sections read as a sentence, not as an empty chart.
      await checkPage(page, empty, 1, errors);
      for (const id of ['distributions', 'summaries', 'effects', 'sensitivity', 'model']) {
        expect(await page.evaluate((sel) => {
            const s = (globalThis as unknown as Win).document.querySelector(sel);
            return s && [s.querySelectorAll('.chart').length, s.querySelectorAll('.empty').length];
          }, `#${id}`)).toEqual([0, 1]);
      }
      expect(errors).toEqual([]);
      expect(statSync(file).size).toBeGreaterThan(1_000_000);
    } finally {
      await browser?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

async function checkPage(page: Page, file: string, expected: number, errors: string[]): Promise<void> {
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(
    () => {
      const c = (globalThis as unknown as Win).__charts;
      return !!c && (c.errors.length > 0 || (c.total > 0 && c.rendered === c.total));
    },
    undefined,
    { timeout: 20_000 },
  );
  const state = await page.evaluate(() => (globalThis as unknown as Win).__charts);
  expect(errors).toEqual([]);
  expect(state).toEqual({ total: expected, rendered: expected, errors: [] });
  const charts = await page.evaluate(() =>
    Array.from((globalThis as unknown as Win).document.querySelectorAll('.chart'), (el) => ({
      id: el.getAttribute('data-chart'),
      rendered: el.getAttribute('data-rendered'),
      label: el.getAttribute('aria-label') ?? '',
      inFigure: el.parentElement?.tagName === 'FIGURE' && !!el.parentElement.querySelector('figcaption')?.textContent,
      paths: el.querySelectorAll('svg path').length,
      width: el.querySelector('svg')?.getBoundingClientRect().width ?? 0,
      height: el.querySelector('svg')?.getBoundingClientRect().height ?? 0,
    })),
  );
  expect(charts).toHaveLength(expected);
  for (const c of charts) {
    expect(c, c.id ?? '').toMatchObject({ rendered: 'true', inFigure: true });
    expect(c.label.length, c.id ?? '').toBeGreaterThan(10);
    expect(c.paths, c.id ?? '').toBeGreaterThan(5);
    expect(c.width, c.id ?? '').toBeGreaterThan(300);
    expect(c.height, c.id ?? '').toBeGreaterThan(100);
  }
}
