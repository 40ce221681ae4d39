import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../src/core/engine/driver.ts';
import { compileWorld, CompileError, type ModuleUse } from '../src/core/engine/world.ts';
import { blocks } from '../src/core/network/generators/index.ts';
import { groupBurdens } from '../src/metrics/burden.ts';
import { MODULES } from '../src/modules/index.ts';

const use = (module: string, params: Record<string, unknown> = {}): ModuleUse => ({ id: module, module, params: MODULES[module]!.params.parse(params) });

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
