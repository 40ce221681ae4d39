import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ScenarioError, formatPath, type Problem } from '../src/scenario/errors.ts';
import { readScenarioFile } from '../src/scenario/file.ts';
import { MAX_DEPTH, MAX_SCENARIO_BYTES, MAX_TOKENS, parseScenarioText, type SourceDoc } from '../src/scenario/source.ts';
import { suggest } from '../src/scenario/suggest.ts';
import { validate } from '../src/scenario/validate.ts';

// A stand-in for the real scenario schema: the shapes it uses, not its content.
const MAX_SEED = 2n ** 64n - 1n;
const sample = z.strictObject({
  name: z.string().min(1),
  steps: z.int().min(1),
  seed: z.union([z.int().min(0), z.bigint().min(0n).max(MAX_SEED), z.string().regex(/^[0-9]+$/)]),
  mode: z.enum(['fast', 'exact']).optional(),
  modules: z
    .array(
      z.strictObject({
        kind: z.enum(['ledger', 'blacklist', 'reporting']),
        params: z.strictObject({ threshold: z.number().min(0).max(1), weight: z.number().gt(0).optional() }),
      }),
    )
    .min(1),
});
const SEED_EXPECTED = 'an integer >= 0, an integer in [0, 18446744073709551615] or a string matching /^[0-9]+$/';

const GOOD = `name: demo
steps: 10
seed: 42
modules:
  - kind: ledger
    params:
      threshold: 0.5
  - kind: blacklist
    params: { threshold: 1, weight: 2.5 }
`;

/**
 * Hostile inputs must be refused quickly, not merely eventually. Most take a
 * few ms; degenerate inputs near the 1 MiB cap take a few hundred.
 */
const QUICK_MS = 1000;

function problems(run: () => unknown): Problem[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ScenarioError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a ScenarioError');
}

function quickly<T>(run: () => T): T {
  const start = performance.now();
  const result = run();
  expect(performance.now() - start).toBeLessThan(QUICK_MS);
  return result;
}

const parse = (text: string | Uint8Array, file = 'rm1.yaml'): SourceDoc => parseScenarioText(text, file);
const parseProblems = (text: string | Uint8Array, file = 'rm1.yaml'): Problem[] => quickly(() => problems(() => parse(text, file)));
const validateProblems = (text: string, file = 'rm1.yaml'): Problem[] => problems(() => validate(parse(text, file), sample));
/** The fields worth comparing, without `file` and `path` noise. */
const brief = (p: Problem | undefined): Partial<Problem> | undefined =>
  p && { line: p.line, column: p.column, pathText: p.pathText, expected: p.expected, found: p.found, ...(p.hint === undefined ? {} : { hint: p.hint }) };

describe('parseScenarioText: ordinary input', () => {
  it('reads YAML into plain data with null-prototype objects', () => {
    const doc = parse(GOOD);
    expect(doc.file).toBe('rm1.yaml');
    expect(JSON.parse(JSON.stringify(doc.value))).toEqual({
      name: 'demo',
      steps: 10,
      seed: 42,
      modules: [
        { kind: 'ledger', params: { threshold: 0.5 } },
        { kind: 'blacklist', params: { threshold: 1, weight: 2.5 } },
      ],
    });
    const value = doc.value as { modules: { params: object }[] };
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.getPrototypeOf(value.modules[0]!.params)).toBeNull();
    expect(Array.isArray(value.modules)).toBe(true);
  });

  it('reads JSON with the same result', () => {
    const json = JSON.stringify(JSON.parse(JSON.stringify(parse(GOOD).value)), null, 2);
    expect(parse(json, 'rm1.json').value).toEqual(parse(GOOD).value);
  });

  it('accepts bytes, dropping a UTF-8 byte order mark', () => {
    const bytes = new TextEncoder().encode('\uFEFFname: "Zoë"\n');
    expect(parse(bytes).value).toEqual(Object.assign(Object.create(null), { name: 'Zoë' }));
    expect(parse('\uFEFFa: 1').value).toEqual(Object.assign(Object.create(null), { a: 1 }));
  });

  it('accepts a bare value at the root (as for --set overrides)', () => {
    expect(parse('3', '--set').value).toBe(3);
    expect(parse('[1, two]', '--set').value).toEqual([1, 'two']);
  });

  it('uses the YAML 1.2 core schema: yes/no and 012 stay what they look like', () => {
    const value = parse('a: yes\nb: 012\nc: 0x10\nd: 0o17\ne: ~\nf: true\ng: !!str 12\n').value;
    expect(value).toEqual(Object.assign(Object.create(null), { a: 'yes', b: 12, c: 16, d: 15, e: null, f: true, g: '12' }));
  });

  it('keeps integers exact: numbers while safe, bigints beyond', () => {
    const value = parse('a: 42\nb: 9007199254740991\nc: 9007199254740993\nseed: 18446744073709551615\nd: -9007199254740993\ne: 1.5\n')
      .value as Record<string, unknown>;
    expect(value.a).toBe(42);
    expect(value.b).toBe(Number.MAX_SAFE_INTEGER);
    expect(value.c).toBe(9007199254740993n);
    expect(value.seed).toBe(18446744073709551615n);
    expect(value.d).toBe(-9007199254740993n);
    expect(value.e).toBe(1.5);
  });

  it('a 64-bit seed survives validation exactly', () => {
    const result = validate(parse(GOOD.replace('seed: 42', 'seed: 18446744073709551615')), sample);
    expect(result.seed).toBe(MAX_SEED);
    expect(validate(parse(GOOD), sample).seed).toBe(42);
  });

  it('accepts very long strings and long keys in JSON within the size cap', () => {
    const long = 'x'.repeat(500_000);
    expect((parse(`a: "${long}"`).value as { a: string }).a).toHaveLength(500_000);
    const key = 'k'.repeat(10_000);
    expect(Object.keys(parse(`{"${key}": 1}`, 'big.json').value as object)).toEqual([key]);
  });

  it('reports YAML’s 1024-character limit on implicit keys clearly', () => {
    const [p] = parseProblems(`${'k'.repeat(1100)}: 1`);
    expect(p).toMatchObject({ line: 1, column: 1, expected: 'valid YAML or JSON' });
    expect(p!.found).toMatch(/at most 1024 chars/);
  });

  it('locates values and keys by path', () => {
    const doc = parse(GOOD);
    expect(doc.locate([])).toEqual({ line: 1, column: 1 });
    expect(doc.locate(['modules', 0, 'params', 'threshold'])).toEqual({ line: 7, column: 18 });
    expect(doc.locate(['modules', 0, 'params', 'threshold'], 'key')).toEqual({ line: 7, column: 7 });
    expect(doc.locate(['modules', 1, 'params', 'weight'])).toEqual({ line: 9, column: 37 });
    expect(doc.locate(['modules', 1])).toEqual({ line: 8, column: 5 });
    expect(doc.locate(['modules', 5])).toBeUndefined();
    expect(doc.locate(['nope'])).toBeUndefined();
    // An empty value has no text of its own, so its key stands in.
    expect(parse('a: 1\nb:\n').locate(['b'])).toEqual({ line: 2, column: 1 });
  });
});

describe('parseScenarioText: bad input', () => {
  it('refuses an empty file, whitespace and comments alone', () => {
    expect(brief(parseProblems('')[0])).toMatchObject({ expected: 'YAML or JSON content', found: 'an empty file' });
    expect(brief(parseProblems(new Uint8Array())[0])).toMatchObject({ found: 'an empty file' });
    expect(brief(parseProblems('  \n\t\n')[0])).toMatchObject({ found: 'only whitespace' });
    expect(brief(parseProblems('# just a comment\n')[0])).toMatchObject({ found: 'only comments' });
  });

  it('refuses a NUL byte, with its position', () => {
    expect(brief(parseProblems('a: 1\nb: x\0y\n')[0])).toEqual({
      line: 2,
      column: 5,
      pathText: '',
      expected: 'text',
      found: 'a NUL byte',
      hint: 'is this a binary file?',
    });
    expect(parseProblems(new Uint8Array([0x61, 0x3a, 0x20, 0x00]))[0]).toMatchObject({ line: 1, column: 4, found: 'a NUL byte' });
  });

  it('refuses bytes that are not UTF-8', () => {
    const [p] = parseProblems(new Uint8Array([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    expect(p).toMatchObject({ file: 'rm1.yaml', expected: 'UTF-8 text', found: 'bytes that are not valid UTF-8' });
    // UTF-16 text is refused too (it is not UTF-8), whichever check sees it first.
    expect(parseProblems(new Uint8Array([0xff, 0xfe, 0x61, 0x00]))).toHaveLength(1);
  });

  it('refuses input over the size cap, saying so', () => {
    const [p] = parseProblems('#'.repeat(MAX_SCENARIO_BYTES + 1));
    expect(p).toMatchObject({ expected: 'at most 1 MiB (1048576 bytes)', found: '1.0 MiB (1048577 bytes)' });
    // Counted in UTF-8 bytes, not characters: '€' is three.
    expect(parseProblems('€'.repeat(400_000))[0]).toMatchObject({ found: '1.1 MiB (1200000 bytes)' });
    expect(parseProblems(new Uint8Array(MAX_SCENARIO_BYTES + 1).fill(0x23))[0]).toMatchObject({ expected: 'at most 1 MiB (1048576 bytes)' });
    expect(() => parse('#'.repeat(MAX_SCENARIO_BYTES))).toThrow(/only comments/);
  });

  it('reports YAML syntax errors with line and column', () => {
    // yaml notices the missing `]` where the next key starts.
    expect(brief(parseProblems('name: demo\nsteps: [1, 2\nseed: 3\n')[0])).toEqual({
      line: 3,
      column: 1,
      pathText: '',
      expected: 'valid YAML or JSON',
      found: 'a syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    });
    expect(brief(parseProblems('a: "unterminated\n')[0])).toMatchObject({ line: 2, column: 1, found: 'a syntax error: Missing closing "quote' });
  });

  it('reports JSON syntax errors with line and column', () => {
    const json = '{\n  "name": "demo",\n  "steps": [1, 2,, 3]\n}\n';
    expect(brief(parseProblems(json, 'rm1.json')[0])).toEqual({
      line: 3,
      column: 18,
      pathText: '',
      expected: 'valid YAML or JSON',
      found: 'a syntax error: Unexpected , in flow sequence',
    });
  });

  it('refuses more than one document', () => {
    expect(brief(parseProblems('a: 1\n---\nb: 2\n')[0])).toEqual({
      line: 2,
      column: 1,
      pathText: '',
      expected: 'a single YAML document',
      found: 'more than one',
      hint: 'remove the `---` separators',
    });
    expect(parseProblems('---\n'.repeat(200_000))[0]).toMatchObject({ expected: 'a single YAML document' });
  });

  it('refuses a %YAML 1.1 directive', () => {
    expect(parseProblems('%YAML 1.1\n---\na: yes\n')[0]).toMatchObject({ expected: 'YAML 1.2', found: 'a %YAML 1.1 directive' });
    expect(parse('%YAML 1.2\n---\na: yes\n').value).toEqual(Object.assign(Object.create(null), { a: 'yes' }));
  });

  it('refuses anchors and aliases, so an alias bomb costs nothing', () => {
    const rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const found = parseProblems(rows.join('\n'));
    expect(brief(found[0])).toEqual({
      line: 1,
      column: 4,
      pathText: 'a',
      expected: 'a value',
      found: 'an anchor &a',
      hint: 'anchors and aliases are not supported: remove it',
    });
    expect(found.length).toBeLessThanOrEqual(20);

    const aliased = parseProblems('a: 1\nb: *x\n');
    expect(aliased.map(brief)).toContainEqual(expect.objectContaining({ line: 2, column: 4, pathText: 'b', found: 'an alias *x' }));
    expect(parseProblems('a: &x 1\nb: *x\n').map((p) => p.found)).toEqual(['an anchor &x', 'an alias *x']);
  });

  it('refuses merge keys', () => {
    expect(brief(parseProblems('base: {a: 1}\nother:\n  <<: {b: 2}\n')[0])).toEqual({
      line: 3,
      column: 3,
      pathText: 'other["<<"]',
      expected: 'an ordinary key',
      found: 'a merge key "<<"',
      hint: 'merge keys are not supported: write the keys out',
    });
  });

  it('refuses !!js/function, custom tags and !!binary, pointing at the tag', () => {
    expect(brief(parseProblems('name: demo\nrun: !!js/function "function () { return 1 }"\n')[0])).toEqual({
      line: 2,
      column: 6,
      pathText: 'run',
      expected: 'a value without a tag',
      found: 'the tag !!js/function',
      hint: 'scenario files hold plain data only',
    });
    expect(parseProblems('a: !foo bar')[0]).toMatchObject({ line: 1, column: 4, found: 'the tag !foo' });
    expect(parseProblems('a: !!binary aGVsbG8=')[0]).toMatchObject({ found: 'the tag !!binary' });
    expect(parseProblems('a: !!set {x: null}')[0]).toMatchObject({ found: 'the tag !!set' });
    // Even core tags: yaml would read `!!float 1` as the string "1".
    expect(parseProblems('a: !!float 1')[0]).toMatchObject({ found: 'the tag !!float' });
    expect(parseProblems('a: !!str [1]')[0]).toMatchObject({ found: 'the tag !!str' });
    expect(parseProblems('%TAG !e! tag:example.com,2000:\n---\na: !e!evil x\n')[0]).toMatchObject({ line: 3, column: 4, found: 'the tag tag:example.com,2000:evil' });
    expect(parseProblems('a: !<tag:example.com,2000:evil> x')[0]).toMatchObject({ found: 'the tag tag:example.com,2000:evil' });
    expect(parseProblems('a:\n  !foo\n  b: 1\n')[0]).toMatchObject({ line: 2, column: 3, found: 'the tag !foo' });
    expect(parseProblems('!foo a: 1')[0]).toMatchObject({ expected: 'a key without a tag' });
  });

  it('refuses duplicate keys, also when they differ only in how they are written', () => {
    expect(brief(parseProblems('a: 1\nb: 2\na: 3\n')[0])).toEqual({
      line: 3,
      column: 1,
      pathText: 'a',
      expected: 'each key once',
      found: '"a" again',
      hint: 'first set on line 1',
    });
    expect(parseProblems('1: a\n"1": b\n')[0]).toMatchObject({ line: 2, pathText: '["1"]' });
    expect(parseProblems('{"a": 1, "a": 2}', 'x.json')[0]).toMatchObject({ line: 1, column: 10, found: '"a" again' });
  });

  it('refuses keys that could reach a prototype, naming the path, and pollutes nothing', () => {
    const [p] = parseProblems('modules:\n  - params:\n      __proto__: { polluted: true }\n');
    expect(brief(p)).toEqual({
      line: 3,
      column: 7,
      pathText: 'modules[0].params.__proto__',
      expected: 'an ordinary key',
      found: 'the reserved name "__proto__"',
      hint: 'refused so that no object can be tampered with',
    });
    expect(parseProblems('{"__proto__": {"polluted": true}}', 'x.json')[0]).toMatchObject({ pathText: '__proto__' });
    expect(parseProblems('constructor: {prototype: {polluted: true}}')[0]).toMatchObject({ pathText: 'constructor' });
    expect(parseProblems('a: {prototype: 1}')[0]).toMatchObject({ pathText: 'a.prototype' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('refuses keys that are not plain scalars', () => {
    expect(parseProblems('? [1, 2]\n: x\n')[0]).toMatchObject({ line: 1, column: 3, expected: 'a plain key', found: 'a list used as a key' });
    expect(parseProblems('~: x\n')[0]).toMatchObject({ found: 'an empty key' });
  });

  it('refuses non-finite numbers', () => {
    expect(brief(parseProblems('steps: 10\nrate: 1e999\n')[0])).toEqual({ line: 2, column: 7, pathText: 'rate', expected: 'a finite number', found: '1e999' });
    expect(parseProblems('[.inf, -.inf, .nan, .NaN]').map((p) => [p.pathText, p.found])).toEqual([
      ['[0]', '.inf'],
      ['[1]', '-.inf'],
      ['[2]', '.nan'],
      ['[3]', '.NaN'],
    ]);
    expect(parseProblems('{"x": -1e400}', 'x.json')[0]).toMatchObject({ found: '-1e400' });
  });

  it(`allows ${MAX_DEPTH} levels of nesting and no more`, () => {
    const nest = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    expect(() => parse(nest(MAX_DEPTH))).not.toThrow();
    const [p] = parseProblems(nest(MAX_DEPTH + 1));
    expect(p).toMatchObject({ line: 1, column: MAX_DEPTH + 1, expected: `at most ${MAX_DEPTH} levels of nesting`, found: 'deeper nesting' });
    const blocks = Array.from({ length: MAX_DEPTH + 1 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1';
    expect(parseProblems(blocks)[0]).toMatchObject({ expected: `at most ${MAX_DEPTH} levels of nesting` });
  });

  it('survives 100000 nested [ and { and - without overflowing the stack', () => {
    for (const text of ['['.repeat(100_000), '{'.repeat(100_000), '{"a":'.repeat(100_000), '- '.repeat(100_000) + 'x', '? '.repeat(100_000)]) {
      expect(parseProblems(text)[0]).toMatchObject({ expected: `at most ${MAX_DEPTH} levels of nesting` });
    }
  });

  it('refuses input with absurdly many tokens, quickly', () => {
    const [p] = parseProblems('[' + ','.repeat(MAX_SCENARIO_BYTES - 10) + ']');
    expect(p).toMatchObject({ expected: `at most ${MAX_TOKENS} YAML tokens`, found: 'more' });
    expect(parseProblems('x: [' + '1,'.repeat(400_000) + ']')[0]).toMatchObject({ expected: `at most ${MAX_TOKENS} YAML tokens` });
  });

  it('survives other degenerate 1 MiB inputs quickly', () => {
    const fill = (s: string): string => s.repeat(Math.floor((MAX_SCENARIO_BYTES - 8) / s.length));
    for (const text of [fill(']'), '"' + fill('\\'), fill('&a '), fill('!a '), fill('!'), fill('a: 1\n'), fill('\t') + 'x']) {
      expect(parseProblems(text)).not.toHaveLength(0);
    }
  });
});

describe('validate', () => {
  it('returns the parsed value when it fits', () => {
    const result = validate(parse(GOOD), sample);
    expect(result.modules[1]!.params.weight).toBe(2.5);
  });

  it('reports an unknown key with a did-you-mean, at the key', () => {
    const text = GOOD.replace('      threshold: 0.5', '      treshold: 0.5');
    expect(validateProblems(text).map(brief)).toEqual([
      {
        line: 7,
        column: 7,
        pathText: 'modules[0].params.threshold',
        expected: 'a number in [0, 1]',
        found: 'nothing (the key is missing)',
      },
      {
        line: 7,
        column: 7,
        pathText: 'modules[0].params.treshold',
        expected: 'a known key (threshold, weight)',
        found: 'unknown key "treshold"',
        hint: 'did you mean "threshold"?',
      },
    ]);
    expect(validateProblems(GOOD.replace('steps:', 'stpes:'))).toContainEqual(
      expect.objectContaining({ line: 2, column: 1, pathText: 'stpes', hint: 'did you mean "steps"?' }),
    );
  });

  it('reports a wrong type', () => {
    expect(validateProblems(GOOD.replace('steps: 10', 'steps: many')).map(brief)).toEqual([
      { line: 2, column: 8, pathText: 'steps', expected: 'an integer >= 1', found: '"many"' },
    ]);
    expect(validateProblems(GOOD.replace('      threshold: 0.5', '      threshold: high')).map(brief)).toEqual([
      { line: 7, column: 18, pathText: 'modules[0].params.threshold', expected: 'a number in [0, 1]', found: '"high"' },
    ]);
    expect(validateProblems('- 1').map(brief)).toEqual([{ line: 1, column: 1, pathText: '', expected: 'an object', found: 'a list of 1 item' }]);
  });

  it('reports numbers out of range, describing the whole range', () => {
    expect(validateProblems(GOOD.replace('steps: 10', 'steps: -3')).map(brief)).toEqual([
      { line: 2, column: 8, pathText: 'steps', expected: 'an integer >= 1', found: '-3' },
    ]);
    expect(validateProblems(GOOD.replace('threshold: 1,', 'threshold: 1.5,').replace('weight: 2.5', 'weight: 0')).map(brief)).toEqual([
      { line: 9, column: 26, pathText: 'modules[1].params.threshold', expected: 'a number in [0, 1]', found: '1.5' },
      { line: 9, column: 39, pathText: 'modules[1].params.weight', expected: 'a number > 0', found: '0' },
    ]);
    expect(validateProblems(GOOD.replace('steps: 10', 'steps: 2.5'))[0]).toMatchObject({ expected: 'an integer >= 1', found: '2.5' });
    // Integers past 2^53 arrive as bigints; a number field says why it refuses one that looks fine.
    expect(validateProblems(GOOD.replace('steps: 10', 'steps: 18446744073709551616'))[0]).toMatchObject({
      expected: 'an integer >= 1',
      found: '18446744073709551616, which is too large',
    });
  });

  it('reports an invalid enum value, listing the allowed ones', () => {
    expect(validateProblems(GOOD.replace('kind: ledger', 'kind: ledgr')).map(brief)).toEqual([
      {
        line: 5,
        column: 11,
        pathText: 'modules[0].kind',
        expected: 'one of "ledger", "blacklist", "reporting"',
        found: '"ledgr"',
        hint: 'did you mean "ledger"?',
      },
    ]);
    expect(validateProblems(GOOD + 'mode: quick\n')[0]).toMatchObject({ expected: 'one of "fast", "exact"', found: '"quick"' });
  });

  it('reports a missing required key at the object that lacks it', () => {
    expect(validateProblems(GOOD.replace('name: demo\n', '')).map(brief)).toEqual([
      { line: 1, column: 1, pathText: 'name', expected: 'a string of at least 1 character', found: 'nothing (the key is missing)' },
    ]);
  });

  it('says what any branch of a union wanted', () => {
    expect(validateProblems(GOOD.replace('seed: 42', 'seed: abc')).map(brief)).toEqual([
      { line: 3, column: 7, pathText: 'seed', expected: SEED_EXPECTED, found: '"abc"' },
    ]);
    expect(validateProblems(GOOD.replace('seed: 42', 'seed: 18446744073709551616'))[0]).toMatchObject({
      expected: SEED_EXPECTED,
      found: '18446744073709551616',
    });
    expect(validateProblems(GOOD.replace('seed: 42', 'seed: -1'))[0]).toMatchObject({ expected: SEED_EXPECTED, found: '-1' });
  });

  it('follows a union into the option the value is shaped like', () => {
    const tagged = z.strictObject({
      layer: z.discriminatedUnion('generator', [
        z.strictObject({ generator: z.literal('ring'), degree: z.int().min(2) }),
        z.strictObject({ generator: z.literal('blocks'), size: z.int().min(1) }),
      ]),
    });
    const check = (text: string): Problem[] => problems(() => validate(parse(text), tagged));
    expect(check('layer: { generator: ring, degree: 1 }').map(brief)).toEqual([
      { line: 1, column: 35, pathText: 'layer.degree', expected: 'an integer >= 2', found: '1' },
    ]);
    expect(check('layer: { generator: blokcs }').map(brief)).toEqual([
      { line: 1, column: 21, pathText: 'layer.generator', expected: 'one of "ring", "blocks"', found: '"blokcs"', hint: 'did you mean "blocks"?' },
    ]);
  });

  it('reports every problem, sorted by position, one per line', () => {
    const text = `modules:
  - kind: ledgr
    params: { threshold: 2 }
seed: -1
steps: 0
name: ""
`;
    const error = (() => {
      try {
        validate(parse(text), sample);
      } catch (e) {
        return e as ScenarioError;
      }
      throw new Error('expected a ScenarioError');
    })();
    expect(error).toBeInstanceOf(ScenarioError);
    expect(error.format()).toBe(
      [
        'rm1.yaml:2:11: modules[0].kind: expected one of "ledger", "blacklist", "reporting", found "ledgr" (did you mean "ledger"?)',
        'rm1.yaml:3:26: modules[0].params.threshold: expected a number in [0, 1], found 2',
        `rm1.yaml:4:7: seed: expected ${SEED_EXPECTED}, found -1`,
        'rm1.yaml:5:8: steps: expected an integer >= 1, found 0',
        'rm1.yaml:6:7: name: expected a string of at least 1 character, found ""',
      ].join('\n'),
    );
    expect(error.message).toBe(error.format());
  });

  it('reports a schema error in a JSON file at the right line and column', () => {
    const json = '{\n  "name": "demo",\n  "steps": 10,\n  "seed": 42,\n  "modules": [\n    { "kind": "ledger", "params": { "threshold": "high" } }\n  ]\n}\n';
    expect(validateProblems(json, 'rm1.json').map(brief)).toEqual([
      { line: 6, column: 50, pathText: 'modules[0].params.threshold', expected: 'a number in [0, 1]', found: '"high"' },
    ]);
  });

  it('works for values that come from no file: no line or column', () => {
    const value = { name: 'x', steps: 0, seed: 1, modules: [{ kind: 'ledger', params: { threshold: 0.5, wieght: 1 } }] };
    const error = (() => {
      try {
        validate({ file: '--set', value, locate: () => undefined }, sample);
      } catch (e) {
        return e as ScenarioError;
      }
      throw new Error('expected a ScenarioError');
    })();
    expect(error.problems.every((p) => p.line === undefined && p.column === undefined)).toBe(true);
    expect(error.format()).toBe(
      [
        '--set: steps: expected an integer >= 1, found 0',
        '--set: modules[0].params.wieght: expected a known key (threshold, weight), found unknown key "wieght" (did you mean "weight"?)',
      ].join('\n'),
    );
  });

  it('places a value from elsewhere nowhere, but a key missing there at its object in the file', () => {
    // As when `--set steps=0` overrides a file: the file knows the root, not the new value.
    const doc = parse('steps: 10\nseed: 1\nmodules: [{ kind: ledger, params: { threshold: 0.5 } }]\n');
    const value = Object.assign(Object.create(null) as object, doc.value, { steps: 0 });
    const mixed: SourceDoc = { file: 'rm1.yaml', value, locate: (path) => (path[0] === 'steps' ? undefined : doc.locate(path)) };
    expect(problems(() => validate(mixed, sample)).map(brief)).toEqual([
      { line: 1, column: 1, pathText: 'name', expected: 'a string of at least 1 character', found: 'nothing (the key is missing)' },
      { line: undefined, column: undefined, pathText: 'steps', expected: 'an integer >= 1', found: '0' },
    ]);
  });
});

describe('suggest and formatPath', () => {
  it('suggests the closest candidate, or nothing', () => {
    const keys = ['threshold', 'weight', 'kind', 'params'];
    expect(suggest('treshold', keys)).toBe('threshold');
    expect(suggest('thresohld', keys)).toBe('threshold');
    expect(suggest('Threshold', keys)).toBe('threshold');
    expect(suggest('wieght', keys)).toBe('weight');
    expect(suggest('colour', keys)).toBeUndefined();
    expect(suggest('x', keys)).toBeUndefined();
    expect(suggest('kind', keys)).toBeUndefined();
  });

  it('writes paths the way they are read', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['modules', 2, 'params', 'threshold'])).toBe('modules[2].params.threshold');
    expect(formatPath([0, 'a b', 'c.d', 'trueAccept'])).toBe('[0]["a b"]["c.d"].trueAccept');
  });
});

describe('readScenarioFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sclab-scenario-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string | Uint8Array): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const fileProblems = (path: string): Problem[] => quickly(() => problems(() => readScenarioFile(path)));

  it('reads and locates a file', () => {
    const path = file('good.yaml', GOOD);
    const doc = readScenarioFile(path);
    expect(doc.file).toBe(path);
    expect(validate(doc, sample).name).toBe('demo');
    expect(doc.locate(['steps'])).toEqual({ line: 2, column: 8 });
  });

  it('reports a missing file', () => {
    const path = join(dir, 'missing.yaml');
    expect(fileProblems(path)).toEqual([{ file: path, path: [], pathText: '', expected: 'a readable file', found: 'no such file' }]);
    expect(fileProblems(join(dir, 'good.yaml', 'x'))[0]!.found).toMatch(/^no such file/);
  });

  it('reports a directory', () => {
    const path = join(dir, 'sub');
    mkdirSync(path);
    expect(fileProblems(path)[0]).toMatchObject({ file: path, expected: 'a file', found: 'a directory' });
  });

  it('refuses a file over the size cap before reading it', () => {
    const path = file('big.yaml', new Uint8Array(MAX_SCENARIO_BYTES + 1).fill(0x23));
    expect(fileProblems(path)[0]).toMatchObject({ expected: 'at most 1 MiB (1048576 bytes)', found: '1.0 MiB (1048577 bytes)' });
  });

  it('passes bad content on to the parser: NUL bytes, invalid UTF-8, empty files', () => {
    expect(fileProblems(file('nul.yaml', 'a: 1\0'))[0]).toMatchObject({ line: 1, column: 5, found: 'a NUL byte' });
    expect(fileProblems(file('latin1.yaml', new Uint8Array([0x61, 0x3a, 0x20, 0xe9])))[0]).toMatchObject({ found: 'bytes that are not valid UTF-8' });
    expect(fileProblems(file('empty.yaml', ''))[0]).toMatchObject({ found: 'an empty file' });
  });

  it.skipIf(process.platform === 'win32' || !existsSync('/dev/null'))('refuses a device', () => {
    expect(fileProblems('/dev/null')[0]).toMatchObject({ expected: 'a regular file', found: 'a device' });
  });

  it.skipIf(process.platform === 'win32')('refuses a named pipe without waiting for a writer', () => {
    const path = join(dir, 'fifo');
    try {
      execFileSync('mkfifo', [path]);
    } catch {
      return; // no mkfifo here: nothing to test
    }
    expect(fileProblems(path)[0]).toMatchObject({ expected: 'a regular file', found: 'a named pipe' });
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)('reports a file it may not read', () => {
    const path = file('secret.yaml', GOOD);
    chmodSync(path, 0o000);
    expect(fileProblems(path)[0]).toMatchObject({ expected: 'a readable file', found: 'a file without permission to read it' });
  });
});
