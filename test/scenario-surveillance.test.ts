import { describe, expect, it } from 'vitest';
import { builtins } from '../src/cli/library.ts';
import { runDocument, type RunDocument } from '../src/cli/report.ts';
import type { World } from '../src/core/engine/world.ts';
import { simulate } from '../src/host/node/simulate.ts';
import { MODULES } from '../src/modules/index.ts';
import { resolveScenario, type Overrides } from '../src/scenario/load.ts';
import { runBuiltin } from './helpers.ts';

/** An audit figure by name. */
const figure = (d: RunDocument, name: string): number => {
  const i = d.audit.indicators.find((x) => x.name === name);
  if (!i || i.value === null) throw new Error(`no figure ${name}`);
  return i.value;
};
const total = (d: RunDocument, name: string): number => d.totals[name] as number;
const series = (d: RunDocument, name: string): number[] => d.daily[name] as number[];
/** Rates of a burden by group over the run (group-audit). */
const rates = (d: RunDocument, burden: string): number[] => d.audit.byGroup.find((b) => b.burden === burden)!.rates;
/** Sum of a counter over year y (days 365y to 365y + 364). */
const yearly = (d: RunDocument, name: string, y: number): number => series(d, name).slice(365 * y, 365 * (y + 1)).reduce((a, b) => a + b, 0);

/** Like runBuiltin, also returning the world's final state, for truths the CLI does not print. */
async function runWithWorld(name: string, overrides: Overrides, threads: number): Promise<{ doc: RunDocument; world: World }> {
  const scenario = resolveScenario(builtins.open(name)!, builtins, MODULES, overrides);
  const driver = await simulate(scenario, { threads });
  return { doc: runDocument(scenario, driver, { version: 'test', threads, seconds: 1 }), world: driver.world };
}

describe('dragon-eye', () => {
  it('names minority agents wrongly more often, more as the gallery grows; perfect identification sanctions fewer innocents', async () => {
    const base = { agents: 5000 };
    const doc = await runBuiltin('dragon-eye', base, 2);
    const perfect = await runBuiltin('dragon-eye', { ...base, counterfactual: true }, 2);

    // A false match lands on a lookalike of the actor's group, at 5 times the rate for the minority.
    expect(total(doc, 'falseMatches')).toBeGreaterThan(0);
    const [majority, minority] = rates(doc, 'misidentified') as [number, number];
    expect(majority).toBeGreaterThan(0);
    expect(minority / majority).toBeGreaterThan(2.5);
    expect(minority / majority).toBeLessThan(10);

    // The gallery grows 13% a year: the share of searches naming the wrong person grows (expected ~1.3x from year 1 to year 3).
    const share = (y: number) => yearly(doc, 'falseMatches', y) / yearly(doc, 'faceSearches', y);
    expect(share(2)).toBeGreaterThan(1.1 * share(0));

    // Those rightly identified learn to evade: fewer of the watched acts are caught than the detection rate (0.6) alone.
    const watched = total(doc, 'jaywalkingActs') + total(doc, 'uncivilBehaviourActs') + total(doc, 'railMisconductActs');
    expect(total(doc, 'evasionIndex')).toBeGreaterThan(0);
    expect(total(doc, 'faceSearches') / watched).toBeLessThan(0.58);
    expect(total(doc, 'faceSearches') / watched).toBeGreaterThan(0.4);

    // Perfect identification, same seed: nobody is misidentified, and fewer innocents are listed and sanctioned.
    expect(total(perfect, 'falseMatches')).toBe(0);
    expect(rates(perfect, 'misidentified')).toEqual([0, 0]);
    expect(figure(doc, 'sanctionedInnocentDays')).toBeGreaterThan(1.5 * figure(perfect, 'sanctionedInnocentDays'));
    expect(figure(doc, 'wrongfulListingShare')).toBeGreaterThan(figure(perfect, 'wrongfulListingShare'));
    expect(figure(doc, 'listingPrecision')).toBeLessThan(figure(perfect, 'listingPrecision'));
  });
});

describe('black-market-and-breach', () => {
  it('sells points to low scorers who can pay, lists innocents through insiders, and defrauds the exposed', async () => {
    const base = { agents: 4000 };
    const { doc, world } = await runWithWorld('black-market-and-breach', base, 2);
    const clean = await runBuiltin('black-market-and-breach', { ...base, counterfactual: true }, 2);
    const marketOnly = await runBuiltin('black-market-and-breach', { ...base, set: ['modules.data-breach.params.tamper.rate=0'] }, 2);

    // Manipulation volume.
    const purchases = total(doc, 'blackMarketPurchases');
    expect(purchases).toBeGreaterThan(100);
    expect(total(doc, 'moneySpentOnPoints')).toBe(3000 * purchases);
    expect(total(doc, 'purchasesDetected') / purchases).toBeGreaterThan(0.05);
    expect(total(doc, 'purchasesDetected') / purchases).toBeLessThan(0.15);
    expect(total(doc, 'maliciousTamperings')).toBeGreaterThan(0);
    expect(total(doc, 'maliciousTamperings')).toBeLessThan(total(doc, 'tamperedRecords'));

    // Who can buy: no child (no income, no savings); among working-age agents with a serious
    // violation, the better-paid half bought more often than the worse-paid half.
    const col = (name: string) => world.columns[name]!.array as ArrayLike<number>;
    const [bought, age, income, serious] = [col('boughtPoints'), col('ageBand'), col('income'), col('seriousCount')];
    const culprits: { income: number; bought: boolean }[] = [];
    for (let i = 0; i < world.n; i++) {
      if (age[i] === 0) expect(bought[i]).toBe(0);
      if (age[i] === 1 && serious[i]! > 0) culprits.push({ income: income[i]!, bought: bought[i]! > 0 });
    }
    culprits.sort((a, b) => a.income - b.income);
    const half = culprits.length >> 1;
    const boughtShare = (xs: typeof culprits) => xs.filter((x) => x.bought).length / xs.length;
    expect(culprits.length).toBeGreaterThan(150);
    expect(boughtShare(culprits.slice(half))).toBeGreaterThan(boughtShare(culprits.slice(0, half)) + 0.08);

    // Only low scorers buy: with no score below the threshold, nobody does.
    const nobody = await runBuiltin('black-market-and-breach', { ...base, days: 200, set: ['modules.black-market.params.below=0'] }, 2);
    expect(total(nobody, 'blackMarketPurchases')).toBe(0);

    // The market alone keeps the guilty who can pay off the list: fewer working-age listed
    // person-days, the same for children (who cannot pay), lower recall.
    const [childMarket, workingMarket] = rates(marketOnly, 'listed') as [number, number];
    const [childClean, workingClean] = rates(clean, 'listed') as [number, number];
    expect(childMarket).toBe(childClean);
    expect(workingMarket).toBeLessThan(0.85 * workingClean);
    expect(figure(marketOnly, 'listingRecall')).toBeLessThan(figure(clean, 'listingRecall'));

    // With insiders too, innocents are listed: precision falls, innocents are sanctioned.
    expect(figure(clean, 'listingPrecision')).toBeGreaterThan(0.97);
    expect(figure(doc, 'listingPrecision')).toBeLessThan(figure(clean, 'listingPrecision') - 0.1);
    expect(figure(doc, 'wrongfulListingShare')).toBeGreaterThan(0.1);
    expect(figure(doc, 'sanctionedInnocentDays')).toBeGreaterThan(figure(clean, 'sanctionedInnocentDays'));

    // Breaches: every exposed record carries a fraud risk, and fraud pushes people into default.
    const frauds = total(doc, 'frauds');
    expect(total(doc, 'breaches')).toBeGreaterThan(0);
    expect(frauds).toBeGreaterThan(0);
    expect(total(doc, 'fraudLosses')).toBe(2000 * frauds);
    const noBreach = await runBuiltin('black-market-and-breach', { ...base, set: ['modules.data-breach.params.rate=0'] }, 2);
    expect(total(noBreach, 'frauds')).toBe(0);
    expect(total(doc, 'newDefaults')).toBeGreaterThan(1.1 * total(noBreach, 'newDefaults'));
  });
});

describe('dangan', () => {
  it('keeps every entry for life, so records and sanctions pile up where expiring ones level off', async () => {
    const base = { agents: 4000 };
    const life = await runBuiltin('dangan', base, 2);
    const expiring = await runBuiltin('dangan', { ...base, counterfactual: true }, 2);
    const last = (d: RunDocument, name: string) => series(d, name).at(-1)!;

    // For life: nothing expires, the count of files with an entry never falls, and every such file
    // bars public-sector jobs (grade B or worse), so the sanctioned are exactly those with a record.
    expect(total(life, 'pointsExpired')).toBe(0);
    const records = series(life, 'agentsWithRecord');
    for (let d = 1; d < records.length; d++) expect(records[d]).toBeGreaterThanOrEqual(records[d - 1]!);
    expect(series(life, 'sanctionedAgents')).toEqual(records);
    expect(total(life, 'pointsForLawfulActs')).toBeGreaterThan(0);

    // Expiring after 730 days: the same until the first entries expire, then fewer files with an entry.
    expect(series(expiring, 'agentsWithRecord').slice(0, 730)).toEqual(records.slice(0, 730));
    expect(total(expiring, 'pointsExpired')).toBeGreaterThan(0);
    expect(last(expiring, 'agentsWithRecord')).toBeLessThan(0.6 * last(life, 'agentsWithRecord'));
    expect((expiring.totals.grades as number[])[0]).toBeGreaterThan((life.totals.grades as number[])[0]!);

    // What permanence costs: sanctioned person-days, and the debt traps they bring.
    expect(total(life, 'publicSectorJobsSanctioned')).toBeGreaterThan(1.25 * total(expiring, 'publicSectorJobsSanctioned'));
    expect(total(life, 'promotionSanctioned')).toBeGreaterThan(total(expiring, 'promotionSanctioned'));
    // Most files hold no serious violation (misconduct, petitions): those sanctioned are innocent of one, for longer.
    expect(figure(life, 'sanctionedInnocentDays')).toBeGreaterThan(1.25 * figure(expiring, 'sanctionedInnocentDays'));
    // A file only ever gets worse without expiry, so everyone a sanction reaches (own or family) is reached for life too.
    const reach = (d: RunDocument) => total(d, 'familyReviewSanctioned') + total(d, 'familyReviewCollateral');
    expect(reach(life)).toBeGreaterThanOrEqual(reach(expiring));
    expect(total(life, 'defaultsUnderSanction')).toBeGreaterThanOrEqual(total(expiring, 'defaultsUnderSanction'));
  });
});
