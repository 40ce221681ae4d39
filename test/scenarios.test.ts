import { describe, expect, it } from 'vitest';
import { builtins } from '../src/cli/library.ts';
import { outcome, runBuiltin } from './helpers.ts';

describe('every built-in scenario', () => {
  for (const name of builtins.names()) {
    it(`${name} runs small, the same on 1 and 2 threads`, async () => {
      const one = await runBuiltin(name, { agents: 3001, days: 40 }, 1);
      expect(one.days).toBe(40);
      expect(outcome(await runBuiltin(name, { agents: 3001, days: 40 }, 2))).toEqual(outcome(one));
    });
  }
});

describe('rongcheng', () => {
  it('grades everyone each day; deductions and rewards move people across bands', async () => {
    const doc = await runBuiltin('rongcheng', { agents: 5000, days: 365 }, 2);
    const grades = doc.totals.grades as number[];
    expect(grades.reduce((a, b) => a + b, 0)).toBe(5000);
    const [aaa, aa, a, b] = grades;
    // Good deeds (+30) lift some above 1,030; deductions drop some below 960.
    expect(aaa! + aa!).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(a).toBeGreaterThan(4000);
    expect(doc.totals.pointsForLawfulActs).toBe(0);
    expect(doc.totals.petitionActs).toBeGreaterThan(0);
  });
});

describe('suining-2010', () => {
  it('takes points for lawful expression and, while it lasts, punishes households of D-graded people', async () => {
    // Kept in force all year (approval never low enough to end it), so that some fall to D.
    const doc = await runBuiltin('suining-2010', { agents: 10_000, days: 365, set: ['modules.approval.params.abandonBelow=0'] }, 2);
    const t = doc.totals as Record<string, number | number[]>;
    expect(t.pointsForLawfulActs).toBeGreaterThan(0);
    expect(t.pointsForLawfulActs as number).toBeLessThan(t.pointsDeducted as number);
    expect(t.noCommunityAidCollateral).toBeGreaterThan(0);
    expect((t.grades as number[]).reduce((a, b) => a + b, 0)).toBe(10_000);
    expect((t.agentsByRegistration as number[]).reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(doc.audit?.byGroup.map((b) => `${b.burden} by ${b.by}`)).toEqual(['observedActs by registration', 'sanctioned by registration']);
  });

  it('is abandoned once approval, eroded by points taken for petitions, stays low for 30 days', async () => {
    const doc = await runBuiltin('suining-2010', { agents: 10_000, days: 365 }, 2);
    const figure = (name: string) => doc.audit.indicators.find((i) => i.name === name)!.value;
    const day = figure('abandonedOnDay')!;
    expect(day).toBeGreaterThan(30);
    expect(day).toBeLessThan(365);
    // From that day on, no points are taken.
    const deducted = doc.daily.pointsDeducted as number[];
    expect(deducted.slice(day).every((x) => x === 0)).toBe(true);
    expect(deducted.slice(0, day).some((x) => x > 0)).toBe(true);
  });
});

describe('chilled dissent in suining-2010', () => {
  it('is measured against the same run without points for lawful expression', async () => {
    const base = { agents: 10_000, days: 365 };
    const punished = await runBuiltin('suining-2010', base, 2);
    const spared = await runBuiltin('suining-2010', { ...base, set: ['modules.penalties.params.points.petition=0', 'modules.penalties.params.points.criticism=0'] }, 2);
    const t = (d: typeof punished, k: string) => d.totals[k] as number;
    // Same dice: without the points nobody is chilled, and the acts differ only through the lessons.
    expect(t(spared, 'dissentIndex')).toBe(10_000_000);
    expect(t(punished, 'dissentIndex')).toBeLessThan(10_000_000);
    expect(t(punished, 'petitionActs')).toBeLessThan(t(spared, 'petitionActs'));
    expect(t(punished, 'criticismActs')).toBeLessThan(t(spared, 'criticismActs'));
  });
});
