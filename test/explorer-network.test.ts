import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, day, hasChromium, openExplorer, type Session } from './explorer-page.ts';

/** The canvas's settled layout: `agent x y` per node (CSS pixels), the focal agent first. */
async function layout(page: Page): Promise<{ agent: number; x: number; y: number }[]> {
  const text = (await page.locator('#network-canvas').getAttribute('data-layout')) ?? '';
  return text
    .split(';')
    .filter(Boolean)
    .map((s) => {
      const [agent, x, y] = s.split(' ').map(Number);
      return { agent: agent!, x: x!, y: y! };
    });
}

const attr = (page: Page, name: string) => () => page.locator('#network-canvas').getAttribute(name);
const num = (page: Page, name: string) => async () => Number(await page.locator('#network-canvas').getAttribute(name));

describe.skipIf(!hasChromium && !process.env.CI)('explorer network view', () => {
  let session: Session | undefined;
  let page: Page;

  beforeAll(async () => {
    session = await openExplorer({ width: 1300, height: 1000 });
    page = session.page;
    await page.goto(session.server.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  });

  afterAll(async () => {
    await session?.close();
  });

  it('samples a neighbourhood, lays it out, and colours it as the days go by', async () => {
    await page.getByLabel('Scenario', { exact: true }).selectOption('planning-outline');
    await page.getByLabel('Agents', { exact: true }).fill('3000');
    await page.getByLabel('Days', { exact: true }).fill('240');
    await page.getByLabel('Speed').selectOption('0');
    await page.getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => page.locator('#state').textContent(), { timeout: 60_000 }).toBe('finished');
    expect(await day(page)).toBe(240);
    // Drawn on animation frames, which a loaded headless page may run late: poll.
    await expect.poll(num(page, 'data-nodes'), { timeout: 20_000 }).toBeGreaterThan(20);
    await expect.poll(num(page, 'data-edges')).toBeGreaterThan(20);
    await expect.poll(attr(page, 'data-coloured-day'), { timeout: 20_000 }).toBe('240');
    await expect.poll(attr(page, 'data-settled'), { timeout: 30_000 }).toBe('true');
    const nodes = await num(page, 'data-nodes')();
    expect(nodes).toBeLessThanOrEqual(240);
    await expect.poll(() => page.locator('#network-summary').textContent()).toMatch(new RegExp(`^${nodes} agents sampled within 3 hops of agent \\d+ on all layers: `));
    // Both layers' ties are in the legend, and the status categories.
    const legend = await page.locator('#network-legend').textContent();
    for (const t of ['clear', 'listed', 'sanctioned', 'punished for family', 'household tie', 'contacts tie']) expect(legend).toContain(t);
    expect(session!.errors).toEqual([]);
  });

  it('colours by score with a sequential legend', async () => {
    await page.getByLabel('Colour by').selectOption('score');
    await expect.poll(attr(page, 'data-coloured-by')).toBe('score');
    await expect.poll(() => page.locator('#network-legend .ramp').count()).toBe(1);
    expect(await page.locator('#network-legend').textContent()).toMatch(/score -?\d+.*\d+/);
    await page.locator('.network').scrollIntoViewIfNeeded();
    await page.locator('.network').screenshot({ path: `${ARTIFACTS}explorer-network-score.png` });
    await page.getByLabel('Colour by').selectOption('status');
    await expect.poll(attr(page, 'data-coloured-by')).toBe('status');
  });

  it('follows a clicked agent in the dossier and centres the sample on it', async () => {
    const before = await layout(page);
    expect(before.length).toBeGreaterThan(20);
    const focal = Number(await attr(page, 'data-focal')());
    expect(before[0]!.agent).toBe(focal);
    // A node one or two hops out, away from the others so the click is unambiguous.
    const target = before.slice(1).find((n) => before.every((m) => m === n || Math.hypot(m.x - n.x, m.y - n.y) > 12)) ?? before[1]!;
    await page.locator('#network-canvas').scrollIntoViewIfNeeded();
    const box = (await page.locator('#network-canvas').boundingBox())!;
    await page.mouse.move(box.x + target.x, box.y + target.y);
    await expect.poll(() => page.locator('#network-tip').textContent()).toMatch(new RegExp(`^Agent ${target.agent} · `));
    await page.mouse.click(box.x + target.x, box.y + target.y);
    await expect.poll(() => page.getByLabel('Agent', { exact: true }).inputValue(), { timeout: 10_000 }).toBe(String(target.agent));
    await expect.poll(() => page.locator('body').getAttribute('data-dossier-day'), { timeout: 10_000 }).toBe('240');
    await expect.poll(attr(page, 'data-focal'), { timeout: 10_000 }).toBe(String(target.agent));
    await expect.poll(attr(page, 'data-settled'), { timeout: 30_000 }).toBe('true');
    expect((await layout(page))[0]!.agent).toBe(target.agent);
    await expect.poll(() => page.getByRole('button', { name: /^Follow the focal agent/ }).textContent()).toBe(`Follow the focal agent (#${target.agent})`);
    expect(session!.errors).toEqual([]);
  });

  it('moves between agents from the keyboard and follows one with Enter', async () => {
    const focal = await attr(page, 'data-focal')();
    await page.mouse.move(0, 0);
    await page.locator('#network-canvas').focus();
    await expect.poll(() => page.locator('#network-tip').textContent()).toMatch(new RegExp(`^Agent ${focal} · .*the focal agent$`));
    let moved = '';
    for (const key of ['ArrowRight', 'ArrowDown', 'ArrowLeft', 'ArrowUp']) {
      await page.keyboard.press(key);
      moved = (await page.locator('#network-tip').textContent()) ?? '';
      if (!moved.startsWith(`Agent ${focal} `)) break;
    }
    const next = /^Agent (\d+) /.exec(moved)?.[1];
    expect(next).toBeDefined();
    expect(next).not.toBe(focal);
    await page.keyboard.press('Enter');
    await expect.poll(attr(page, 'data-focal'), { timeout: 10_000 }).toBe(next);
    await expect.poll(() => page.getByLabel('Agent', { exact: true }).inputValue(), { timeout: 10_000 }).toBe(next);
  });

  it('re-samples on one layer and around a sanctioned agent, and looks calm', async () => {
    await page.getByLabel('Layer').selectOption('contacts');
    await expect.poll(() => page.locator('#network-summary').textContent(), { timeout: 10_000 }).toMatch(/on the contacts layer/);
    await expect.poll(attr(page, 'data-settled'), { timeout: 30_000 }).toBe('true');
    await page.getByLabel('Layer').selectOption('');
    await page.getByLabel('Hops').selectOption('4');
    await expect.poll(() => page.locator('#network-summary').textContent(), { timeout: 10_000 }).toMatch(/within 4 hops .* on all layers/);
    // The dossier picks someone under a sanction: the network centres on them too.
    await page.getByRole('button', { name: 'Pick a sanctioned agent' }).click();
    await expect.poll(async () => (await attr(page, 'data-focal')()) === (await page.getByLabel('Agent', { exact: true }).inputValue()), { timeout: 10_000 }).toBe(true);
    await expect.poll(attr(page, 'data-settled'), { timeout: 30_000 }).toBe('true');
    await expect.poll(() => page.locator('#network-summary').textContent()).toMatch(/\d+ listed/);
    const frame = await num(page, 'data-frame-ms')();
    const max = await num(page, 'data-frame-max-ms')();
    // A layout frame (ticks and a draw) takes a few milliseconds; generous for a shared CI machine.
    expect(frame).toBeGreaterThan(0);
    expect(frame).toBeLessThan(25);
    console.log(`network view: ${await num(page, 'data-nodes')()} nodes, ${await num(page, 'data-edges')()} edges; layout frame mean ${frame} ms, max ${max} ms`);
    await page.locator('.network').scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    await page.locator('.network').screenshot({ path: `${ARTIFACTS}explorer-network.png` });
    expect(session!.errors).toEqual([]);
  });

  it('only recolours while a scenario runs, without laying out again', async () => {
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => day(page)).toBe(0);
    // The new world's sample (coloured on day 0), not the last one's, settled.
    await expect.poll(attr(page, 'data-coloured-day'), { timeout: 10_000 }).toBe('0');
    await expect.poll(attr(page, 'data-settled'), { timeout: 30_000 }).toBe('true');
    const settled = await attr(page, 'data-layout')();
    await page.getByLabel('Speed').selectOption('60');
    await page.getByRole('button', { name: 'Run' }).click();
    await expect.poll(num(page, 'data-coloured-day'), { timeout: 20_000 }).toBeGreaterThan(30);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.locator('#state').textContent()).toBe('paused');
    expect(await attr(page, 'data-layout')()).toBe(settled);
    const draw = await num(page, 'data-draw-ms')();
    console.log(`network view while running: colour redraw mean ${draw} ms, max ${await num(page, 'data-draw-max-ms')()} ms`);
    expect(draw).toBeGreaterThan(0);
    // Under half a millisecond on an idle page; the engine and the charts share these cores meanwhile.
    expect(draw).toBeLessThan(30);
  });

  it('jumps to the settled layout under reduced motion', async () => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.getByLabel('Hops').selectOption('2');
    await expect.poll(() => page.locator('#network-summary').textContent(), { timeout: 10_000 }).toMatch(/within 2 hops/);
    await expect.poll(attr(page, 'data-settled')).toBe('true');
    // No animated frames: the layout ran to its end before the first draw.
    expect(await attr(page, 'data-frame-ms')()).toBeNull();
    await page.emulateMedia({ reducedMotion: null });
  });

  it('fits a phone-width screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(async () => (await page.locator('#network-canvas').boundingBox())!.width, { timeout: 10_000 }).toBeLessThanOrEqual(390);
    const width = (await page.locator('#network-canvas').boundingBox())!.width;
    expect(width).toBeGreaterThan(300);
    // The section itself fits (the dossier's household table, wider, scrolls on its own terms).
    const section = (await page.locator('.network').boundingBox())!;
    expect(section.x + section.width).toBeLessThanOrEqual(390);
    await page.locator('.network').scrollIntoViewIfNeeded();
    await page.locator('.network').screenshot({ path: `${ARTIFACTS}explorer-network-phone.png` });
    expect(session!.errors).toEqual([]);
  });
});
