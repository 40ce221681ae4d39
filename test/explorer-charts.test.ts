import { readFileSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, hasChromium, openExplorer, points, type Session } from './explorer-page.ts';

/** Starts the scenario with `agents` and `days` at `speed` days a second (0: full speed). */
async function start(page: Page, scenario: string, agents: number, days: number, speed: number): Promise<void> {
  await page.getByLabel('Scenario', { exact: true }).selectOption(scenario);
  await page.getByLabel('Agents', { exact: true }).fill(String(agents));
  await page.getByLabel('Days', { exact: true }).fill(String(days));
  await page.getByLabel('Speed').selectOption(String(speed));
  await page.getByRole('button', { name: 'Run' }).click();
}

/** Runs the scenario to its end at full speed and waits for this run's charts. */
async function runToEnd(page: Page, scenario: string, agents: number, days: number, metric: string): Promise<void> {
  await start(page, scenario, agents, days, 0);
  await expect.poll(async () => [await page.locator('#state').textContent(), await points(page, metric)], { timeout: 60_000 }).toEqual(['finished', days]);
}

/** The little of a canvas the test reads, without the DOM's types. */
interface Canvas2d {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
}

const title = (page: Page, metric: string): Promise<string | null> => page.locator(`[data-metric="${metric}"] h2`).textContent();
const charted = async (page: Page): Promise<(string | null)[]> => Promise.all((await page.locator('#charts figure[data-metric]').all()).map((f) => f.getAttribute('data-metric')));

describe.skipIf(!hasChromium && !process.env.CI)('explorer charts', () => {
  let session: Session | undefined;
  let page: Page;

  beforeAll(async () => {
    session = await openExplorer();
    page = session.page;
    await page.goto(session.server.url);
    await page.waitForSelector('body[data-ready="true"]');
  });

  afterAll(async () => {
    await session?.close();
  });

  it('charts the lab questions under plain titles, with the grades as a heatmap', async () => {
    await runToEnd(page, 'planning-outline-trust', 2000, 365, 'listed');
    expect(await charted(page)).toEqual(['listed', 'listingsOfInnocents', 'sanctionedAgents', 'collateralAgents', 'dissentIndex', 'cooperationRate', 'approvalIndex', 'scoreHistogram', 'grades']);
    expect(await title(page, 'listed')).toBe('On the court blacklist listed');
    expect(await title(page, 'collateralAgents')).toBe("Family members punished for someone else's record collateralAgents");
    expect(await title(page, 'dissentIndex')).toBe('Chilled dissent dissentIndex');
    expect(await title(page, 'approvalIndex')).toBe('Approval of the system approvalIndex');
    expect(await title(page, 'cooperationRate')).toBe('Trust: cooperation in the trust game cooperationRate');
    expect(await page.locator('[data-metric="collateralAgents"] p').textContent()).toMatch(/family member's record/);
    // The trust game's daily cooperation rate is a share; chilled dissent is per agent, 1 at the start.
    const last = async (m: string): Promise<number> => Number(await page.locator(`[data-metric="${m}"]`).getAttribute('data-last'));
    expect(await last('cooperationRate')).toBeGreaterThan(0);
    expect(await last('cooperationRate')).toBeLessThanOrEqual(1);
    expect(await last('dissentIndex')).toBeGreaterThan(0);
    const grades = page.locator('[data-metric="grades"]');
    expect(await grades.getAttribute('data-kind')).toBe('heatmap');
    expect(await grades.getAttribute('data-bins')).toBe('4');
    await expect.poll(() => grades.getAttribute('data-points'), { timeout: 10_000 }).toBe('365');
    // The score itself, in 22 bands of 50 points: the crowd near 1,000 and the tail below it.
    const scores = page.locator('[data-metric="scoreHistogram"]');
    expect(await scores.getAttribute('data-bins')).toBe('22');
    await expect.poll(() => scores.getAttribute('data-points'), { timeout: 10_000 }).toBe('365');
    await page.screenshot({ path: `${ARTIFACTS}explorer-charts.png`, fullPage: true });
    await scores.screenshot({ path: `${ARTIFACTS}explorer-score-heatmap.png` });
    expect(session!.errors).toEqual([]);
  });

  it('draws the score distribution over days as a heatmap, live, exportable as PNG', async () => {
    await start(page, 'sesame-credit', 2000, 200, 60);
    const heat = page.locator('[data-metric="sesameHistogram"]');
    // Live: part of the days drawn while the run goes on, then all of them.
    await expect.poll(async () => Number(await heat.getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.getByLabel('Speed').selectOption('0');
    await expect.poll(() => page.locator('#state').textContent(), { timeout: 60_000 }).toBe('finished');
    await expect.poll(() => heat.getAttribute('data-points'), { timeout: 10_000 }).toBe('200');
    expect(await heat.getAttribute('data-bins')).toBe('12');
    expect(Number(await heat.getAttribute('data-top'))).toBeGreaterThan(0);
    expect(await heat.locator('h2').textContent()).toBe('Score distribution: sesame sesameHistogram');
    // Cells are drawn: the canvas holds the ramp's blues, not only white and grey.
    const blue = await heat.locator('canvas').evaluate((el) => {
      const c = el as unknown as Canvas2d;
      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i + 3]! > 0 && px[i + 2]! - px[i]! > 60) n++;
      return n;
    });
    expect(blue).toBeGreaterThan(1000);
    await heat.screenshot({ path: `${ARTIFACTS}explorer-heatmap.png` });
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the sesameHistogram chart as PNG' }).click()]);
    expect(png.suggestedFilename()).toBe('sesame-credit-sesameHistogram.png');
    const bytes = readFileSync(await png.path());
    expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    writeFileSync(`${ARTIFACTS}explorer-chart-heatmap.png`, bytes);
    // Compared, B's distribution is drawn under A's on one colour scale.
    await page.getByLabel('Compare', { exact: true }).check();
    await page.getByLabel(/^Changes for B/).fill('modules.sesame-score.params.identity.shift.rural=-0.4');
    await page.getByRole('button', { name: 'Run' }).click();
    await expect.poll(async () => [await heat.getAttribute('data-points'), await heat.getAttribute('data-points-b')], { timeout: 60_000 }).toEqual(['200', '200']);
    expect(await heat.locator('p').textContent()).toMatch(/A above B on one colour scale/);
    await heat.screenshot({ path: `${ARTIFACTS}explorer-heatmap-compare.png` });
    await page.getByLabel('Compare', { exact: true }).uncheck();
    expect(session!.errors).toEqual([]);
  });

  it('adds and removes charts with the chooser, kept in the address', async () => {
    await runToEnd(page, 'rm1', 2000, 60, 'listed');
    expect(await charted(page)).toEqual(['listed', 'wrongfulListings', 'sanctionedDays', 'collateralDays']);
    await page.locator('#chart-chooser summary').click();
    const choices = page.getByRole('group', { name: 'Charts to draw' });
    await choices.getByRole('checkbox', { name: /^New listings/ }).check();
    await expect.poll(() => charted(page), { timeout: 5_000 }).toEqual(['listed', 'wrongfulListings', 'sanctionedDays', 'collateralDays', 'newListings']);
    // Added after the run: drawn from the days already computed.
    await expect.poll(() => points(page, 'newListings'), { timeout: 5_000 }).toBe(60);
    await choices.getByRole('checkbox', { name: /^Wrongful listings/ }).uncheck();
    await expect.poll(() => charted(page), { timeout: 5_000 }).toEqual(['listed', 'sanctionedDays', 'collateralDays', 'newListings']);
    // The keyboard: focus a box and toggle it with the space bar.
    await choices.getByRole('checkbox', { name: /^Sum of all scores/ }).focus();
    await page.keyboard.press('Space');
    await expect.poll(() => charted(page), { timeout: 5_000 }).toContain('scoreSum');
    await page.locator('#charts').screenshot({ path: `${ARTIFACTS}explorer-chooser.png` });
    await expect.poll(() => page.url(), { timeout: 5_000 }).toMatch(/#z=/);
    const href = page.url();
    const other = await page.context().newPage();
    try {
      await other.goto(href);
      await expect.poll(() => other.locator('body').getAttribute('data-ready'), { timeout: 10_000 }).toBe('true');
      await other.getByRole('button', { name: 'Step' }).click();
      await expect.poll(() => charted(other), { timeout: 20_000 }).toEqual(['listed', 'sanctionedDays', 'collateralDays', 'newListings', 'scoreSum']);
    } finally {
      await other.close();
    }
    await page.getByRole('button', { name: 'Back to the default charts' }).click();
    await expect.poll(() => charted(page), { timeout: 5_000 }).toEqual(['listed', 'wrongfulListings', 'sanctionedDays', 'collateralDays']);
    await page.locator('#chart-chooser summary').click();
    await expect.poll(() => page.locator('#chart-chooser input').count(), { timeout: 5_000 }).toBe(0);
    expect(session!.errors).toEqual([]);
  });

  it('fits the page to a phone: the charts and an open dossier', async () => {
    const phone = await openExplorer({ width: 390, height: 844 });
    try {
      const p = phone.page;
      await p.goto(phone.server.url);
      await expect.poll(() => p.locator('body').getAttribute('data-ready'), { timeout: 10_000 }).toBe('true');
      await runToEnd(p, 'planning-outline', 3000, 300, 'listed');
      await expect.poll(() => p.locator('[data-metric="grades"]').getAttribute('data-points'), { timeout: 10_000 }).toBe('300');
      // A dossier's household table is wider than a phone: it scrolls in its own box, not the page.
      await p.getByRole('button', { name: 'Pick a sanctioned agent' }).click();
      await expect.poll(() => p.locator('#dossier-household tbody tr').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      const widths = await p.evaluate<{ page: number; charts: number }>(`({ page: document.documentElement.scrollWidth, charts: document.getElementById('charts').getBoundingClientRect().width })`);
      expect(widths.page).toBeLessThanOrEqual(390);
      expect(widths.charts).toBeLessThanOrEqual(390);
      const canvas = await p.locator('[data-metric="grades"] canvas').boundingBox();
      expect(canvas!.x + canvas!.width).toBeLessThanOrEqual(390);
      await p.locator('#charts').screenshot({ path: `${ARTIFACTS}explorer-charts-phone.png` });
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
