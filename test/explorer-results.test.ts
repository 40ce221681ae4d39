import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerApi, type ExperimentList, type ExperimentResults } from '../src/cli/explore-api.ts';
import { fmtNum } from '../src/experiment/format.ts';
import { byImportance } from '../src/experiment/tornado.ts';
import { viewOf, resultsHash } from '../explorer/src/results-address.ts';
import { ARTIFACTS, hasChromium, main, openExplorer, type Session } from './explorer-page.ts';

// A tiny experiment, swept once into a store in a temporary folder: two arms, three replicates.
const EXPERIMENT = `version: 1
name: tiny-threshold
title: A higher blacklist threshold in RM-1, tiny
description: How many more agents are listed, and wrongly, when the blacklist threshold rises from 600 to 700?
scenario: rm1
set: { agents: 1000, days: 120 }
replicates: 3
seed: 3
arms:
  - name: below-600
    description: listed below a score of 600
    set: { modules.blacklist.params.below: 600 }
  - name: below-700
    description: listed below a score of 700
    set: { modules.blacklist.params.below: 700 }
outputs: [newListings, wrongfulListings, collateralDays]
`;

// Three tiny sensitivity designs on RM-1 (12, 32 and 4 runs of a thousand agents for 90 days), one
// per kind of sensitivity the report and the Results view show.
const SENSITIVITY = {
  'tiny-morris': `method: morris
  trajectories: 3
  levels: 4
  parameters:
    - { path: modules.observation.params.probability, min: 0.1, max: 0.9 }
    - { path: modules.reporting.params.falseAccept, min: 0, max: 0.5 }
    - { path: modules.blacklist.params.below, min: 500, max: 800, integer: true }`,
  'tiny-sobol': `method: saltelli
  samples: 8
  parameters:
    - { path: modules.observation.params.probability, min: 0.1, max: 0.9 }
    - { path: modules.blacklist.params.below, min: 500, max: 800, integer: true }`,
  'tiny-grid': `method: grid
  parameters:
    - { path: modules.observation.params.probability, values: [0.2, 0.8] }
    - { path: modules.blacklist.params.below, values: [550, 700] }`,
};
const sensitivityExperiment = (name: string, vary: string): string => `version: 1
name: ${name}
scenario: rm1
set: { agents: 1000, days: 90 }
vary:
  ${vary}
replicates: 1
seed: 5
arms:
  - name: base
outputs: [collateralDays, newListings]
`;

/** What the page's table rows are read through (the tests have no DOM types). */
interface DomRow {
  getAttribute(name: string): string | null;
  closest(selector: string): DomRow | null;
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
}
interface DomTable {
  getAttribute(name: string): string | null;
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): ArrayLike<DomRow>;
}
interface Interval { n: number; mean: number; lo: number; hi: number }
interface ResultsJson {
  cells: { metric: string; label: string; interval: Interval }[];
  paired: { metric: string; label: string; contrast: string; interval: Interval }[];
  sensitivity: ExperimentResults['sensitivity'];
}

/** Whether the page fits its window's width: tables scroll in their own boxes, the page not sideways. */
const fitsWidth = (page: Page): Promise<boolean> =>
  page.evaluate(() => {
    const g = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
    return g.document.documentElement.scrollWidth <= g.innerWidth + 1;
  });

const dir = mkdtempSync(join(tmpdir(), 'sclab-explore-results-'));
const store = join(dir, 'results.duckdb');
const sclab = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });

beforeAll(() => {
  writeFileSync(join(dir, 'tiny.yaml'), EXPERIMENT);
  const s = sclab('sweep', 'tiny.yaml', '--store', store, '--quiet');
  expect(s.status, s.stderr).toBe(0);
  for (const [name, vary] of Object.entries(SENSITIVITY)) {
    writeFileSync(join(dir, `${name}.yaml`), sensitivityExperiment(name, vary));
    const v = sclab('sweep', `${name}.yaml`, '--store', store, '--quiet');
    expect(v.status, v.stderr).toBe(0);
  }
});

describe('the results API, without a browser', () => {
  it('lists the store, answers one experiment, and says what is missing', async () => {
    const list = await answerApi('/api/experiments', store);
    expect(list.status).toBe(200);
    const body = list.body as ExperimentList;
    expect(body.experiments.find((e) => e.id === 'tiny-threshold')).toMatchObject({ runs: { done: 6 }, arms: ['below-600', 'below-700'], points: 1, replicates: 3 });
    expect(body.experiments.map((e) => e.id).sort()).toEqual(['tiny-grid', 'tiny-morris', 'tiny-sobol', 'tiny-threshold']);
    const one = await answerApi('/api/experiments/tiny-threshold', store);
    expect(one.status).toBe(200);
    // Without varied parameters there is no sensitivity; with them, each kind as reportData gives it.
    expect((one.body as ExperimentResults).sensitivity).toEqual([]);
    const kinds = { 'tiny-morris': 'morris', 'tiny-sobol': 'sobol', 'tiny-grid': 'main-effects' };
    for (const [name, kind] of Object.entries(kinds)) {
      const r = (await answerApi(`/api/experiments/${name}`, store)).body as ExperimentResults;
      expect(r.sensitivity.map((x) => [x.metric, x.kind, x.rows.length]), name).toEqual([['collateralDays', kind, r.design.parameters.length], ['newListings', kind, r.design.parameters.length]]);
      const row = r.sensitivity[0]!.rows[0]!;
      expect(Object.keys(row).sort(), name).toEqual(kind === 'morris' ? ['high', 'low', 'mu', 'parameter', 'sigma'] : kind === 'sobol' ? ['high', 'highCi', 'low', 'lowCi', 'parameter'] : ['high', 'highAt', 'low', 'lowAt', 'parameter']);
    }
    const nope = await answerApi('/api/experiments/nope', store);
    expect(nope.status).toBe(404);
    expect((nope.body as { error: string }).error).toMatch(/no experiment "nope".*have: tiny-grid, tiny-morris, tiny-sobol, tiny-threshold/);
    expect((await answerApi('/api/else', store)).status).toBe(404);
    const none = await answerApi('/api/experiments', join(dir, 'missing.duckdb'));
    expect(none.status).toBe(200);
    expect((none.body as ExperimentList).experiments).toEqual([]);
    expect((none.body as ExperimentList).message).toMatch(/no result store .*sclab sweep/);
  });

  it('answers 503 with a message, not a crash, while a sweep holds the store', async () => {
    const held = join(dir, 'held.duckdb');
    expect(sclab('sweep', 'tiny.yaml', '--store', held, '--quiet').status).toBe(0);
    // Another process holding the store for writing, as a running sweep does.
    const holder: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', `import { Store } from ${JSON.stringify(new URL('../dist/store/store.js', import.meta.url).href)}; await Store.open(${JSON.stringify(held)}); console.log('open'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
      const busy = await answerApi('/api/experiments', held);
      expect(busy.status).toBe(503);
      expect((busy.body as { error: string }).error).toMatch(/in use by another sclab process/);
    } finally {
      holder.kill('SIGTERM');
    }
  });

  it('keeps the results address apart from the run view\'s settings', () => {
    expect(viewOf('#results')).toEqual({});
    expect(viewOf(`#${resultsHash('tiny-threshold')}`)).toEqual({ id: 'tiny-threshold' });
    expect(viewOf('#z=abc')).toBeUndefined();
    expect(viewOf('')).toBeUndefined();
  });
});

describe.skipIf(!hasChromium && !process.env.CI)('the explorer\'s Results view', () => {
  let session: Session | undefined;
  let page: Page;
  let expected: ResultsJson;

  beforeAll(async () => {
    const r = sclab('results', 'tiny-threshold', '--store', store, '--json');
    expect(r.status, r.stderr).toBe(0);
    expected = JSON.parse(r.stdout) as ResultsJson;
    session = await openExplorer({ args: ['--store', store] });
    page = session.page;
  });

  afterAll(async () => {
    await session?.close();
  });

  it('lists the experiment, opens it, and shows the same intervals as sclab results', async () => {
    await page.goto(session!.server.url);
    await expect.poll(() => page.locator('body').getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    await page.getByRole('link', { name: 'Results' }).click();
    await expect.poll(() => page.locator('#results').getAttribute('data-list'), { timeout: 30_000 }).toBe('4');
    await page.locator('#experiments a[data-experiment="tiny-threshold"]').click();
    await expect.poll(() => page.locator('#experiment').getAttribute('data-experiment'), { timeout: 30_000 }).toBe('tiny-threshold');
    expect(page.url()).toMatch(/#results=tiny-threshold$/);
    await expect.poll(() => page.locator('#experiment-title').textContent()).toBe('tiny-threshold: A higher blacklist threshold in RM-1, tiny');

    const rows = async (kind: string) =>
      page.locator(`table[data-kind="${kind}"] tbody tr`).evaluateAll((trs) =>
        (trs as unknown as DomRow[]).map((tr) => {
          const at = (name: string): string | null => tr.getAttribute(`data-${name}`);
          return { metric: tr.closest('table')?.getAttribute('data-metric'), label: at('label'), n: Number(at('n')), mean: Number(at('mean')), lo: Number(at('lo')), hi: Number(at('hi')), text: Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent) };
        }),
      );
    const shown = await rows('summary');
    expect(shown.length).toBe(expected.cells.length);
    expect(shown.length).toBe(6);
    for (const c of expected.cells) {
      const row = shown.find((r) => r.metric === c.metric && r.label === c.label);
      expect(row, `${c.metric} ${c.label}`).toMatchObject({ n: c.interval.n, mean: c.interval.mean, lo: c.interval.lo, hi: c.interval.hi });
      expect(row!.text).toEqual([c.label, String(c.interval.n), fmtNum(c.interval.mean), `[${fmtNum(c.interval.lo)}, ${fmtNum(c.interval.hi)}]`]);
    }
    const diffs = await rows('difference');
    expect(diffs.length).toBe(expected.paired.length);
    for (const p of expected.paired) {
      expect(diffs.find((r) => r.metric === p.metric && r.label === p.label)).toMatchObject({ n: p.interval.n, mean: p.interval.mean, lo: p.interval.lo, hi: p.interval.hi });
    }
    // Tables have their captions and headers for screen readers.
    expect(await page.locator('table[data-kind="summary"] caption').first().textContent()).toBe('newListings by arm');
    expect(await page.locator('table[data-kind="summary"] th[scope="col"]').count()).toBeGreaterThan(0);
  });

  it('draws the series with a band per arm', async () => {
    const chart = page.locator('figure[data-series="collateralDays"]');
    await expect.poll(() => chart.getAttribute('data-drawn'), { timeout: 30_000 }).toBe('120');
    expect(await chart.locator('.bandkey span').allTextContents()).toEqual(['below-600', 'below-700']);
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${ARTIFACTS}explorer-results.png`, fullPage: true });
    expect(session!.errors).toEqual([]);
  });

  it('shows no sensitivity for an experiment that varies nothing', async () => {
    expect(await page.locator('section.sensitivity').count()).toBe(0);
  });

  it('shows each sensitivity design\'s figures as sclab results gives them, most important first', async () => {
    const cells = (values: (number | null | undefined)[]) => values.map((v) => fmtNum(v));
    const interval = (ci?: [number, number]) => `[${fmtNum(ci?.[0])}, ${fmtNum(ci?.[1])}]`;
    const at = (v: unknown) => (typeof v === 'number' ? fmtNum(v) : String(v));
    for (const name of Object.keys(SENSITIVITY)) {
      const r = sclab('results', name, '--store', store, '--json');
      expect(r.status, r.stderr).toBe(0);
      const want = (JSON.parse(r.stdout) as ResultsJson).sensitivity;
      await page.goto(`${session!.server.url}#${resultsHash(name)}`);
      await expect.poll(() => page.locator('#experiment').getAttribute('data-experiment'), { timeout: 30_000 }).toBe(name);
      const shown = await page.locator('table[data-kind="sensitivity"]').evaluateAll((ts) =>
        (ts as unknown as DomTable[]).map((t) => ({
          metric: t.getAttribute('data-metric'),
          method: t.getAttribute('data-method'),
          caption: t.querySelector('caption')?.textContent,
          rows: Array.from(t.querySelectorAll('tbody tr'), (tr) => ({ parameter: tr.getAttribute('data-parameter'), text: Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent) })),
        })),
      );
      expect(shown.map((t) => [t.metric, t.method]), name).toEqual(want.map((s) => [s.metric, s.kind]));
      for (const [k, s] of want.entries()) {
        const rows = byImportance(s.kind, s.rows);
        expect(shown[k]!.rows.map((x) => x.parameter), `${name} ${s.metric}`).toEqual(rows.map((x) => x.parameter));
        const text = rows.map((x) =>
          s.kind === 'morris'
            ? [x.parameter, '', ...cells([x.high, x.mu, x.sigma])]
            : s.kind === 'sobol'
              ? [x.parameter, '', fmtNum(x.low), interval(x.lowCi), fmtNum(x.high), interval(x.highCi)]
              : [x.parameter, '', fmtNum(x.low), at(x.lowAt), fmtNum(x.high), at(x.highAt), fmtNum(x.high - x.low)],
        );
        expect(shown[k]!.rows.map((x) => x.text), `${name} ${s.metric}`).toEqual(text);
      }
      expect(shown[0]!.caption).toMatch(/^collateralDays: /);
      // The figures must be real ones: the first parameter moves collateralDays in every design.
      expect(want[0]!.rows.some((x) => x.high > 0), name).toBe(true);
      if (name === 'tiny-morris') {
        await page.waitForTimeout(200);
        await page.locator('section.sensitivity').screenshot({ path: `${ARTIFACTS}explorer-results-sensitivity.png` });
      }
      if (name === 'tiny-sobol') await page.locator('section.sensitivity').screenshot({ path: `${ARTIFACTS}explorer-results-sobol.png` });
    }
    // At a phone's width the tables scroll in their own boxes; the page does not scroll sideways.
    await page.goto(`${session!.server.url}#${resultsHash('tiny-morris')}`);
    await expect.poll(() => page.locator('#experiment').getAttribute('data-experiment'), { timeout: 30_000 }).toBe('tiny-morris');
    await page.setViewportSize({ width: 380, height: 800 });
    await expect.poll(() => fitsWidth(page)).toBe(true);
    await page.locator('section.sensitivity').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}explorer-results-sensitivity-phone.png` });
    await page.setViewportSize({ width: 1500, height: 1000 });
    await page.goto(`${session!.server.url}#${resultsHash('tiny-threshold')}`);
    await expect.poll(() => page.locator('#experiment').getAttribute('data-experiment'), { timeout: 30_000 }).toBe('tiny-threshold');
    expect(session!.errors).toEqual([]);
  });

  it('reopens the experiment from the address, and fits a phone\'s width', async () => {
    await page.reload();
    await expect.poll(() => page.locator('#experiment').getAttribute('data-experiment'), { timeout: 30_000 }).toBe('tiny-threshold');
    expect(await page.locator('main.layout').isHidden()).toBe(true);
    await page.setViewportSize({ width: 380, height: 800 });
    await expect.poll(() => fitsWidth(page)).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}explorer-results-phone.png` });
    await page.setViewportSize({ width: 1500, height: 1000 });
    await page.getByRole('link', { name: 'Run a scenario' }).click();
    await expect.poll(() => page.locator('main.layout').isVisible()).toBe(true);
    expect(await page.locator('#results').isHidden()).toBe(true);
  });

  it('answers only GET and HEAD, in JSON, with the pages\' headers', async () => {
    const base = session!.server.url;
    const post = await fetch(`${base}api/experiments`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('content-type')).toMatch(/application\/json/);
    expect(await post.json()).toEqual({ error: 'method not allowed' });
    const missing = await fetch(`${base}api/experiments/no-such-experiment`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/no experiment "no-such-experiment"/);
    const list = await fetch(`${base}api/experiments`);
    expect(list.status).toBe(200);
    for (const h of ['cross-origin-opener-policy', 'cross-origin-embedder-policy', 'cross-origin-resource-policy', 'x-content-type-options', 'x-frame-options']) expect(list.headers.get(h), h).toBeTruthy();
  });
});

describe.skipIf(!hasChromium && !process.env.CI)('the Results view of an empty store', () => {
  it('says there are no experiments and how to make one', async () => {
    const session = await openExplorer({ args: ['--store', join(dir, 'none.duckdb')] });
    try {
      await session.page.goto(`${session.server.url}#results`);
      await expect.poll(() => session.page.locator('#results').getAttribute('data-list'), { timeout: 30_000 }).toBe('0');
      expect(await session.page.locator('#results-empty').isVisible()).toBe(true);
      expect(await session.page.locator('#results-message').textContent()).toMatch(/no result store .*sclab sweep/);
      expect(await session.page.locator('#results-empty code').textContent()).toMatch(/^sclab sweep /);
      expect(session.errors).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
