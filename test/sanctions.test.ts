import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LocalDriver } from '../src/core/engine/driver.ts';
import { defineModule } from '../src/core/engine/module.ts';
import { compileWorld, CompileError, type ModuleUse, type Registry } from '../src/core/engine/world.ts';
import { blocks } from '../src/core/network/generators/index.ts';
import { groupBurdens } from '../src/metrics/burden.ts';
import { SANCTION_CATALOGUE, TRAVEL_ACTS } from '../src/modules/catalogue.ts';
import { MODULES } from '../src/modules/index.ts';
import { sanctions as sanctionsModule } from '../src/modules/sanctions.ts';

const use = (module: string, params: Record<string, unknown> = {}): ModuleUse => ({ id: module, module, params: MODULES[module]!.params.parse(params) });

/** A programme switch another module would own: `inForce`, the same for every agent. */
const programme = defineModule({
  name: 'programme',
  title: 'Programme switch (test)',
  summary: 'Owns the inForce column; the test sets it.',
  params: z.strictObject({ inForce: z.number().int().default(1).describe('Starting value') }),
  declare: (p) => ({ columns: [{ name: 'inForce', type: 'u8', init: p.inForce, description: 'programme in force' }], phases: {} }),
  bind: () => ({}),
});
const REG: Registry = { ...MODULES, [sanctionsModule.name]: sanctionsModule, [programme.name]: programme };
const useR = (module: string, params: Record<string, unknown> = {}): ModuleUse => ({ id: module, module, params: REG[module]!.params.parse(params) });

const catalogue = [
  { name: 'flights', trigger: { when: 'listed' }, cost: 3, spillover: 'none' },
  { name: 'schools', trigger: { when: 'listed' }, cost: 5, spillover: 'children' },
  { name: 'family', trigger: { when: 'listed' }, cost: 2, spillover: 'household' },
  { name: 'lowScore', trigger: { when: 'score', below: 900 }, cost: 1 },
];

/** Two households of four; agent 1 has a score of 100 and is listed on day 0. Agent 2 is a child. */
function world(sanctions: unknown[] = catalogue) {
  const w = compileWorld(
    MODULES,
    { n: 8, days: 1, seed: 3n },
    [use('population'), use('ledger'), use('blacklist'), use('sanctions', { sanctions })],
    { household: { streams: [], build: () => blocks(8, 4) } },
  );
  const driver = new LocalDriver(w, MODULES);
  const col = (name: string) => w.columns[name]!.array;
  col('ageBand').set([1, 1, 0, 1, 1, 0, 1, 1]);
  col('score')[1] = 100;
  driver.advanceSync(1);
  const metric = (name: string) => driver.series[w.metrics.find((m) => m.name === name)!.slot]!;
  return { col, metric };
}

/**
 * Two households of four, as above (agent 1 listed on day 0, agent 2 a child), with acts whose
 * categories are flight (every agent, every day) and train (never), and a programme switch.
 */
function travelWorld(sanctions: unknown[], days: number, opts: { inForce?: number; acts?: unknown[] } = {}) {
  const w = compileWorld(
    REG,
    { n: 8, days, seed: 3n },
    [
      useR('population'),
      useR('acts', { categories: opts.acts ?? [{ name: 'flight', rate: 1, kind: 'routine' }, { name: 'train', rate: 0, kind: 'routine' }] }),
      useR('ledger'),
      useR('blacklist'),
      useR('programme', { inForce: opts.inForce ?? 1 }),
      useR('sanctions', { sanctions, inForceColumn: 'inForce' }),
    ],
    { household: { streams: [], build: () => blocks(8, 4) } },
  );
  const driver = new LocalDriver(w, REG);
  const col = (name: string) => w.columns[name]!.array;
  col('ageBand').set([1, 1, 0, 1, 1, 0, 1, 1]);
  col('score')[1] = 100;
  const metric = (name: string, day: number) => driver.series[day * w.metricWidth + w.metrics.find((m) => m.name === name)!.slot]!;
  return { w, driver, col, metric };
}

describe('sanctions', () => {
  it('reach the listed person, and by their rule the household or its children, counting the collateral', () => {
    const { col, metric } = world();
    expect(Array.from(col('listed'))).toEqual([0, 1, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(col('sanctioned'))).toEqual([0b0100, 0b1111, 0b0110, 0b0100, 0, 0, 0, 0]);
    expect(Array.from(col('welfareLost'))).toEqual([2, 11, 7, 2, 0, 0, 0, 0]);
    expect([metric('flightsSanctioned'), metric('flightsCollateral')]).toEqual([1, 0]);
    expect([metric('schoolsSanctioned'), metric('schoolsCollateral')]).toEqual([1, 1]);
    expect([metric('familySanctioned'), metric('familyCollateral')]).toEqual([1, 3]);
    expect([metric('lowScoreSanctioned'), metric('lowScoreCollateral')]).toEqual([1, 0]);
    // Agents 0, 2 and 3 are punished only for agent 1's record; agent 2 is a child.
    expect([metric('sanctionedAgents'), metric('collateralAgents'), metric('collateralChildren')]).toEqual([1, 3, 1]);
  });

  it('count as collateral only those under no sanction for their own record', () => {
    const w = compileWorld(
      MODULES,
      { n: 8, days: 1, seed: 3n },
      [use('population'), use('ledger'), use('blacklist'), use('sanctions', { sanctions: [catalogue[1], catalogue[2], { name: 'lowScore', trigger: { when: 'score', below: 900 } }] })],
      { household: { streams: [], build: () => blocks(8, 4) } },
    );
    const driver = new LocalDriver(w, MODULES);
    w.columns.ageBand!.array.set([1, 1, 0, 0, 1, 0, 1, 1]);
    // Agent 1 is listed; agent 3, a child, has a low score of its own; agent 5 is a child in the other household.
    w.columns.score!.array.set([1000, 100, 1000, 850, 1000, 1000, 1000, 1000]);
    driver.advanceSync(1);
    const metric = (name: string) => driver.series[w.metrics.find((m) => m.name === name)!.slot]!;
    expect(Array.from(w.columns.sanctioned!.array)).toEqual([0b010, 0b111, 0b011, 0b111, 0, 0, 0, 0]);
    expect([metric('sanctionedAgents'), metric('collateralAgents'), metric('collateralChildren')]).toEqual([2, 2, 1]);
    expect([metric('schoolsCollateral'), metric('familyCollateral')]).toEqual([2, 3]);
  });

  it('block the acts they forbid, for one\'s own record and a family member\'s alike', () => {
    const { driver, col, metric } = travelWorld(
      [
        { name: 'flights', trigger: { when: 'listed' }, cost: 3, spillover: 'household', blocks: 'flight' },
        { name: 'rail', trigger: { when: 'listed' }, cost: 2, blocks: 'train' },
      ],
      2,
    );
    driver.advanceSync(2);
    expect(Array.from(col('acts'))).toEqual(new Array(8).fill(0b01));
    expect(Array.from(col('sanctioned'))).toEqual([0b01, 0b11, 0b01, 0b01, 0, 0, 0, 0]);
    // Every agent tries to fly every day: agent 1 for its listing, 0, 2 and 3 for agent 1's.
    expect([metric('flightsBlocked', 0), metric('flightsBlocked', 1)]).toEqual([4, 4]);
    expect([metric('railBlocked', 0), metric('railBlocked', 1)]).toEqual([0, 0]);
    expect(() => travelWorld([{ name: 'boats', trigger: { when: 'listed' }, blocks: 'ferry' }], 1)).toThrow(/ferry/);
  });

  it('apply nothing on a day the programme is not in force', () => {
    const sanctions = [
      { name: 'flights', trigger: { when: 'listed' }, cost: 3, spillover: 'household', blocks: 'flight' },
      { name: 'schools', trigger: { when: 'listed' }, cost: 5, spillover: 'children' },
    ];
    const off = travelWorld(sanctions, 2, { inForce: 0 });
    off.driver.advanceSync(2);
    expect(Array.from(off.col('listed'))).toEqual([0, 1, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(off.col('sanctioned'))).toEqual(new Array(8).fill(0));
    expect(Array.from(off.col('welfareLost'))).toEqual(new Array(8).fill(0));
    for (const name of ['flightsSanctioned', 'flightsCollateral', 'flightsBlocked', 'schoolsCollateral', 'sanctionedAgents', 'collateralAgents', 'collateralChildren']) {
      expect([name, off.metric(name, 0) + off.metric(name, 1)]).toEqual([name, 0]);
    }
    // In force on day 0, abolished before day 1: the sanctions lift at once, welfare lost stays lost.
    const on = travelWorld(sanctions, 2);
    on.driver.advanceSync(1);
    expect(Array.from(on.col('welfareLost'))).toEqual([3, 8, 8, 3, 0, 0, 0, 0]);
    on.col('inForce').fill(0);
    on.driver.advanceSync(1);
    expect(Array.from(on.col('sanctioned'))).toEqual(new Array(8).fill(0));
    expect(Array.from(on.col('welfareLost'))).toEqual([3, 8, 8, 3, 0, 0, 0, 0]);
    expect([on.metric('flightsBlocked', 0), on.metric('flightsBlocked', 1)]).toEqual([4, 0]);
    expect([on.metric('collateralChildren', 0), on.metric('collateralChildren', 1)]).toEqual([1, 0]);
  });

  it('trigger on a score at least T or a grade at or above a band too, and refuse an ambiguous trigger', () => {
    const w = compileWorld(
      MODULES,
      { n: 4, days: 1, seed: 3n },
      [
        use('ledger', { max: 2000 }),
        use('grades'),
        use('sanctions', {
          sanctions: [
            { name: 'high', trigger: { when: 'score', atLeast: 1030 } },
            { name: 'top', trigger: { when: 'grade', atOrAbove: 'AA' } },
            { name: 'low', trigger: { when: 'score', below: 1030 } },
          ],
        }),
      ],
      {},
    );
    const driver = new LocalDriver(w, MODULES);
    w.columns.score!.array.set([1029, 1030, 1050, 500]);
    driver.advanceSync(1);
    expect(Array.from(w.columns.grade!.array)).toEqual([2, 1, 0, 5]);
    expect(Array.from(w.columns.sanctioned!.array)).toEqual([0b100, 0b011, 0b011, 0b100]);
    const parse = (trigger: unknown) => sanctionsModule.params.safeParse({ sanctions: [{ name: 'x', trigger }] }).success;
    expect(parse({ when: 'grade', atOrBelow: 'C' })).toBe(true);
    expect(parse({ when: 'grade', atOrBelow: 'C', atOrAbove: 'A' })).toBe(false);
    expect(parse({ when: 'grade' })).toBe(false);
    expect(parse({ when: 'score', below: 1, atLeast: 2 })).toBe(false);
    expect(parse({ when: 'redlisted' })).toBe(true);
  });

  it('take the 2016 catalogue as it is, with the travel acts it blocks', () => {
    const { col, driver, metric } = travelWorld([...SANCTION_CATALOGUE], 1, { acts: [...TRAVEL_ACTS] });
    driver.advanceSync(1);
    // Agent 1 is under all twelve; its household under the three that spill over to it.
    expect(col('sanctioned')[1]).toBe(0xfff);
    expect(Array.from(col('welfareLost'))).toEqual([9, 28, 14, 9, 0, 0, 0, 0]);
    expect(metric('privateSchoolsCollateral', 0)).toBe(1);
    expect(SANCTION_CATALOGUE.map((s) => s.name)).toContain('flights');
  });

  it('trigger on a grade at or below a band, by the grade column\'s labels', () => {
    const w = compileWorld(
      MODULES,
      { n: 4, days: 1, seed: 3n },
      [use('ledger', { start: 700 }), use('grades'), use('sanctions', { sanctions: [{ name: 'loans', trigger: { when: 'grade', atOrBelow: 'C' } }, { name: 'jobs', trigger: { when: 'grade', atOrBelow: 'D' } }] })],
      {},
    );
    const driver = new LocalDriver(w, MODULES);
    driver.advanceSync(1);
    expect(Array.from(w.columns.sanctioned!.array)).toEqual([0b01, 0b01, 0b01, 0b01]);
    expect(() =>
      new LocalDriver(
        compileWorld(MODULES, { n: 4, days: 1, seed: 3n }, [use('ledger'), use('grades'), use('sanctions', { sanctions: [{ name: 'x', trigger: { when: 'grade', atOrBelow: 'E' } }] })], {}),
        MODULES,
      ),
    ).toThrow(CompileError);
  });
});

describe('group-audit', () => {
  it('counts each group and the burdens within it', () => {
    const w = compileWorld(
      MODULES,
      { n: 8, days: 1, seed: 3n },
      [
        use('population', { dimensions: { registration: { urban: 0.5, rural: 0.5 } } }),
        use('ledger'),
        use('blacklist'),
        use('sanctions', { sanctions: catalogue }),
        use('group-audit', { watch: [{ column: 'listed' }, { column: 'sanctioned', type: 'u16' }] }),
      ],
      { household: { streams: [], build: () => blocks(8, 4) } },
    );
    const driver = new LocalDriver(w, MODULES);
    const reg = w.columns.registration!.array;
    reg.set([0, 0, 0, 0, 1, 1, 1, 1]);
    w.columns.ageBand!.array.set([1, 1, 0, 1, 1, 0, 1, 1]);
    w.columns.score!.array[1] = 100;
    driver.advanceSync(1);
    const hist = (name: string) => {
      const m = w.metrics.find((x) => x.name === name)!;
      return Array.from(driver.series.subarray(m.slot, m.slot + m.width));
    };
    expect(hist('agentsByRegistration')).toEqual([4, 4]);
    expect(hist('listedByRegistration')).toEqual([1, 0]);
    expect(hist('sanctionedByRegistration')).toEqual([4, 0]);
    const burdens = groupBurdens(w, driver.series, 1);
    expect(burdens.map((b) => [b.burden, b.by, b.groups, b.rates, b.ratio])).toEqual([
      ['listed', 'registration', ['urban', 'rural'], [0.25, 0], null],
      ['sanctioned', 'registration', ['urban', 'rural'], [1, 0], null],
    ]);
    expect(() =>
      new LocalDriver(
        compileWorld(MODULES, { n: 8, days: 1, seed: 3n }, [use('population'), use('group-audit', { group: 'ethnicity', groups: ['a', 'b'], watch: [{ column: 'ageBand' }] })], {
          household: { streams: [], build: () => blocks(8, 4) },
        }),
        MODULES,
      ),
    ).toThrow(/majority, minority/);
  });
});
