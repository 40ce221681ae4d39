import { describe, expect, it } from 'vitest';
import { builtins } from '../src/cli/library.ts';
import { SANCTION_CATALOGUE } from '../src/modules/catalogue.ts';
import { MODULES } from '../src/modules/index.ts';
import { resolveScenario } from '../src/scenario/load.ts';
import { runBuiltin } from './helpers.ts';

/** The published orders of magnitude (shared/domain/scs-facts.md, section 3, end-2018). */
const FACTS = {
  // ~13 M persons listed, cumulatively, of ~1.4 bn [S39].
  listedShare: 13e6 / 1.4e9,
  // 17.46 M flight and 5.47 M high-speed-rail purchases refused [S39][S41].
  flightsPerListed: 17.46 / 13,
  trainsPerListed: 5.47 / 13,
};
/** "Within the published order of magnitude": a factor of 3 either way. */
const within3 = (value: number, fact: number): void => {
  expect(value).toBeGreaterThan(fact / 3);
  expect(value).toBeLessThan(fact * 3);
};

describe('court-blacklist', () => {
  it('applies the catalogue of the 2016 Opinions as catalogue.ts lists it', () => {
    const s = resolveScenario(builtins.open('court-blacklist')!, builtins, MODULES);
    const sanctions = s.modules.find((m) => m.module === 'sanctions')!.params as { sanctions: unknown[] };
    expect(sanctions.sanctions).toEqual(SANCTION_CATALOGUE.map((c) => ({ ...c, trigger: { column: 'listed', ...c.trigger } })));
  });

  it('lands within the published orders of magnitude of listings and travel bans, and audits the list', async () => {
    const n = 30_000;
    const doc = await runBuiltin('court-blacklist', { agents: n }, 2, true);
    const t = doc.totals as Record<string, number>;
    within3(t.newListings! / n, FACTS.listedShare);
    within3(t.flightsBlocked! / t.newListings!, FACTS.flightsPerListed);
    within3(t.highSpeedRailBlocked! / t.newListings!, FACTS.trainsPerListed);
    // Flights are refused more often than trains: 2.8 to 4.5 times in the data (calibration target 2).
    const ratio = t.flightsBlocked! / t.highSpeedRailBlocked!;
    expect(ratio).toBeGreaterThan(2);
    expect(ratio).toBeLessThan(6);

    const figure = (name: string) => doc.audit.indicators.find((i) => i.name === name)!.value!;
    // Some listed could not have paid; most listed person-days are of wilful debtors.
    expect(t.listedUnableToPay).toBeGreaterThan(0);
    expect(figure('wrongfulListingShare')).toBeGreaterThan(0.05);
    expect(figure('listingPrecision')).toBeGreaterThan(0.5);
    expect(figure('listingPrecision')).toBeLessThan(1);
    // Schools and universities reach children and households who did nothing.
    expect(figure('collateralChildDays')).toBeGreaterThan(0);
    expect(figure('collateralShare')).toBeGreaterThan(0.3);
    // Appeals succeed more often for the wrongly listed.
    expect(t.appealsWonWrongful).toBeGreaterThan(0);

    // Against the same debts with no list: wilful debtors pay only under the list, so fewer person-days in default.
    const debtors = doc.audit.counterfactual!.effects.find((e) => e.metric === 'debtors')!;
    expect(debtors.actual).toBeLessThan(debtors.counterfactual);
    expect(doc.audit.counterfactual!.effects.find((e) => e.metric === 'newListings')!.counterfactual).toBe(0);
  });
});
