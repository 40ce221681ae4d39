/**
 * Reading scenario text (YAML 1.2 or JSON) into a plain value, treating it
 * strictly as data. No Node imports: this also runs in browsers.
 *
 * Decisions, all in the name of "a scenario file is data, and bad input ends
 * in a clear ScenarioError, never a hang, crash or huge allocation":
 * - YAML 1.2 core schema only; JSON goes through the same parser so its
 *   errors get lines and columns too. A `%YAML 1.1` directive is refused,
 *   since 1.1 would silently turn `yes`/`no`/`012` into other values.
 * - Anchors and aliases are refused outright, which makes alias bombs
 *   ("billion laughs") cost nothing: no alias is ever expanded.
 * - Merge keys (`<<`) are refused: they need aliases, and a literal `<<` key
 *   is surely a mistake.
 * - Explicit tags are refused, except `!!str` on a scalar (the one tag with
 *   a plain use: `!!str 12` is the string "12"). Even core tags go: yaml
 *   quietly reads `!!float 1` as the string "1" rather than failing.
 * - Duplicate keys and `__proto__` / `constructor` / `prototype` keys are
 *   refused; objects are built with a null prototype.
 * - Integers are exact: a safe integer becomes a number, a larger one stays
 *   a bigint (seeds up to 2^64-1 survive). Non-finite numbers are refused.
 * - At most MAX_SCENARIO_BYTES of UTF-8 (bounds memory), MAX_TOKENS YAML
 *   tokens (bounds time: yaml needs a few microseconds per token, so 1 MiB of
 *   `,` would take seconds) and MAX_DEPTH levels of nesting. Tokens and depth
 *   are counted while yaml's iterative lexer and CST parser run, before
 *   anything recursive (yaml's composer, our builder) sees the input, so
 *   100000 `[` cannot overflow the stack.
 */
import {
  CST,
  Composer,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  Parser,
  type Document,
  type Node as YamlNode,
  type ParsedNode,
} from 'yaml';
import { ScenarioError, formatPath, type PathSegment, type Problem } from './errors.ts';

export const MAX_SCENARIO_BYTES = 1024 * 1024;
/** Nesting levels of objects and lists; the root object is level 1. */
export const MAX_DEPTH = 64;
/** About 170 times what the built-in rm1.yaml needs (581); yaml gets through this many in a few hundred ms. */
export const MAX_TOKENS = 100_000;
/** Syntax errors cascade, so only the first few are worth showing. */
const MAX_SYNTAX_PROBLEMS = 10;
/** Problems found while building the value; past this many the rest is noise. */
const MAX_BUILD_PROBLEMS = 20;
/**
 * The CST parser's stack holds the document and up to a scalar besides the
 * collections, so it may run a little deeper than MAX_DEPTH; the exact limit
 * is checked while building the value. This guard only keeps recursion bounded.
 */
const MAX_PARSER_STACK = MAX_DEPTH + 8;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const STR_TAG = 'tag:yaml.org,2002:str';

export interface Position {
  line: number;
  column: number;
}

export interface SourceDoc {
  /** Name used in messages: a path, or something like `--set` for values from elsewhere. */
  readonly file: string;
  readonly value: unknown;
  /**
   * Where the value at `path` starts (or, with `at: 'key'`, the key naming it),
   * or undefined when the path does not exist or there is no source text.
   */
  locate(path: readonly PathSegment[], at?: 'key' | 'value'): Position | undefined;
}

export function parseScenarioText(input: string | Uint8Array, file: string): SourceDoc {
  const text = toText(input, file);
  const lines = new LineCounter();
  const fail = (offset: number | undefined, expected: string, found: string, hint?: string): Problem =>
    problem(file, lines, offset, [], expected, found, hint);

  if (text.trim() === '') throw new ScenarioError([fail(undefined, 'YAML or JSON content', text === '' ? 'an empty file' : 'only whitespace')]);
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    // Before parsing, so the LineCounter is still empty: count lines by hand.
    const line = text.slice(0, nul).split('\n').length;
    const column = nul - text.lastIndexOf('\n', nul - 1);
    throw new ScenarioError([{ ...fail(undefined, 'text', 'a NUL byte', 'is this a binary file?'), line, column }]);
  }

  const { tokens, props } = parseCst(text, lines, file);
  const composer = new Composer({
    version: '1.2',
    schema: 'core',
    merge: false,
    resolveKnownTags: false,
    intAsBigInt: true,
    // Duplicates are checked on the final string keys instead, so `1:` and `"1":` collide too.
    uniqueKeys: false,
    strict: true,
  });
  const docs = withCheapErrors(() => Array.from(composer.compose(tokens, true, text.length)));
  const doc = docs[0]!;

  // parseCst already stops at a second document; this is only a safety net.
  if (docs.length > 1) throw new ScenarioError([fail(docs[1]!.range[0], 'a single YAML document', 'more than one')]);
  const syntax = [...doc.errors, ...doc.warnings.filter((w) => w.code !== 'TAG_RESOLVE_FAILED')];
  if (syntax.length > 0) {
    throw new ScenarioError(
      syntax.slice(0, MAX_SYNTAX_PROBLEMS).map((e) => fail(e.pos[0], 'valid YAML or JSON', `a syntax error: ${firstLine(e.message)}`)),
    );
  }
  const version = doc.directives?.yaml;
  if (version?.explicit && version.version !== '1.2') {
    throw new ScenarioError([fail(0, 'YAML 1.2', `a %YAML ${version.version} directive`, 'remove the %YAML line')]);
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null && doc.contents.source === '')) {
    throw new ScenarioError([fail(undefined, 'YAML or JSON content', 'only comments')]);
  }

  const problems: Problem[] = [];
  const value = build(doc.contents, [], 0, { file, lines, props, problems });
  if (problems.length > 0) throw new ScenarioError(problems.slice(0, MAX_BUILD_PROBLEMS));

  return {
    file,
    value,
    locate(path, at = 'value') {
      const offset = findOffset(doc, path, at);
      return offset === undefined ? undefined : position(lines, offset);
    },
  };
}

function toText(input: string | Uint8Array, file: string): string {
  const tooBig = (bytes: number): ScenarioError =>
    new ScenarioError([problem(file, undefined, undefined, [], `at most ${describeBytes(MAX_SCENARIO_BYTES)}`, describeBytes(bytes), 'scenario files are capped in size')]);
  let text: string;
  if (typeof input === 'string') {
    // A UTF-16 length over the cap means the UTF-8 size is too (each unit is >= 1 byte).
    if (input.length > MAX_SCENARIO_BYTES) throw tooBig(utf8Length(input));
    const bytes = utf8Length(input);
    if (bytes > MAX_SCENARIO_BYTES) throw tooBig(bytes);
    text = input;
  } else {
    if (input.byteLength > MAX_SCENARIO_BYTES) throw tooBig(input.byteLength);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new ScenarioError([problem(file, undefined, undefined, [], 'UTF-8 text', 'bytes that are not valid UTF-8', 'is this a binary file, or saved in another encoding?')]);
    }
  }
  // TextDecoder already drops a byte order mark; strings handed in directly may still carry one.
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A surrogate pair is 4 bytes: 2 for each half.
    n += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 2 : 3;
  }
  return n;
}

/** `1048576` -> `1 MiB (1048576 bytes)`, for messages about the size cap. */
export function describeBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB (${n} bytes)`;
  return `${n} bytes`;
}

/**
 * Run yaml's lexer and CST parser, both iterative, stopping as soon as the
 * input is clearly bad: too many tokens, too deep, a syntax error the parser
 * already sees, or a second document. Only then is the CST handed to the
 * recursive composer. Also notes where tags and anchors start, since the
 * composed nodes only know where their values start.
 */
function parseCst(text: string, lines: LineCounter, file: string): { tokens: CST.Token[]; props: number[] } {
  const parser = new Parser(lines.addNewLine);
  lines.addNewLine(0); // Parser.parse() would do this; we drive the parser token by token.
  const tokens: CST.Token[] = [];
  const props: number[] = [];
  const stop = (offset: number, expected: string, found: string, hint?: string): ScenarioError =>
    new ScenarioError([problem(file, lines, offset, [], expected, found, hint)]);
  const take = (token: CST.Token): void => {
    if (token.type === 'error') throw stop(token.offset, 'valid YAML or JSON', `a syntax error: ${firstLine(token.message)}`);
    if (token.type === 'document' && tokens.some((t) => t.type === 'document')) {
      throw stop(token.offset, 'a single YAML document', 'more than one', 'remove the `---` separators');
    }
    tokens.push(token);
  };
  let count = 0;
  let scalarNext = false;
  for (const lexeme of new Lexer().lex(text)) {
    if (++count > MAX_TOKENS) throw stop(parser.offset, `at most ${MAX_TOKENS} YAML tokens`, 'more', 'is this really a scenario?');
    // The lexeme after a scalar marker is scalar text, whatever its first character.
    const type: CST.TokenType | null = scalarNext ? 'scalar' : CST.tokenType(lexeme);
    if (!scalarNext && (type === 'tag' || type === 'anchor')) props.push(parser.offset);
    scalarNext = !scalarNext && type === 'scalar';
    for (const token of parser.next(lexeme)) take(token);
    if (parser.stack.length > MAX_PARSER_STACK) throw new ScenarioError([tooDeep(file, lines, parser.offset, [])]);
  }
  for (const token of parser.end()) take(token);
  return { tokens, props };
}

/**
 * yaml makes an Error per problem; capturing a stack trace for each is what
 * makes 100000 of them slow, and we only keep their messages.
 */
function withCheapErrors<T>(run: () => T): T {
  const errorClass = Error as { stackTraceLimit?: number };
  const saved = errorClass.stackTraceLimit;
  errorClass.stackTraceLimit = 0;
  try {
    return run();
  } finally {
    errorClass.stackTraceLimit = saved;
  }
}

function tooDeep(file: string, lines: LineCounter, offset: number, path: PathSegment[]): Problem {
  return problem(file, lines, offset, path, `at most ${MAX_DEPTH} levels of nesting`, 'deeper nesting');
}

interface BuildContext {
  file: string;
  lines: LineCounter;
  /** Offsets of tag and anchor tokens, ascending. */
  props: number[];
  problems: Problem[];
}

/** Where the tag or anchor of the node whose value starts at `offset` begins: the closest one before it. */
function propBefore(props: readonly number[], offset: number): number {
  let lo = 0;
  let hi = props.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (props[mid]! < offset) lo = mid + 1;
    else hi = mid;
  }
  return props[lo - 1] ?? offset;
}

type Report = (expected: string, found: string, hint?: string, offset?: number) => undefined;

/** Turn a composed yaml node into a plain value, reporting anything a scenario may not contain. */
function build(node: ParsedNode | null, path: PathSegment[], depth: number, ctx: BuildContext): unknown {
  if (node === null) return null;
  const report: Report = (expected, found, hint, offset = node.range[0]) => {
    if (ctx.problems.length < MAX_BUILD_PROBLEMS) ctx.problems.push(problem(ctx.file, ctx.lines, offset, path, expected, found, hint));
    return undefined;
  };
  if (!plainNode(node, 'a value', report, ctx)) return undefined;
  if (isScalar(node)) return scalarValue(node.value, node.source, report);
  if (depth >= MAX_DEPTH) {
    ctx.problems.push(tooDeep(ctx.file, ctx.lines, node.range[0], path));
    return undefined;
  }
  if (isSeq(node)) return node.items.map((item, i) => build(item, [...path, i], depth + 1, ctx));
  if (!isMap(node)) return report('a value', 'something unsupported');

  // A null prototype: no key can reach Object.prototype, and no inherited key can be mistaken for data.
  const out = Object.create(null) as Record<string, unknown>;
  const firstAt = new Map<string, number>();
  for (const pair of node.items) {
    const key = mapKey(pair.key, path, ctx);
    if (key === undefined) continue;
    const first = firstAt.get(key);
    if (first !== undefined) {
      const hint = `first set on line ${position(ctx.lines, first).line}`;
      ctx.problems.push(problem(ctx.file, ctx.lines, pair.key.range[0], [...path, key], 'each key once', `"${key}" again`, hint));
      continue;
    }
    firstAt.set(key, pair.key.range[0]);
    out[key] = build(pair.value, [...path, key], depth + 1, ctx);
  }
  return out;
}

/** False (with a problem reported) for an alias, an anchor or a tag other than `!!str` on a scalar. */
function plainNode(node: ParsedNode, what: string, report: Report, ctx: BuildContext): boolean {
  const propAt = propBefore(ctx.props, node.range[0]);
  if (isAlias(node)) report(what, `an alias *${node.source}`, 'anchors and aliases are not supported: write the value out');
  else if (node.anchor !== undefined) report(what, `an anchor &${node.anchor}`, 'anchors and aliases are not supported: remove it', propAt);
  else if (node.tag !== undefined && !(node.tag === STR_TAG && isScalar(node))) report(`${what} without a tag`, `the tag ${shortTag(node.tag)}`, 'scenario files hold plain data only', propAt);
  else return true;
  return false;
}

/** The string key a node stands for, or undefined (with a problem reported) when it is not acceptable. */
function mapKey(node: ParsedNode, path: PathSegment[], ctx: BuildContext): string | undefined {
  let keyPath = path;
  const report: Report = (expected, found, hint, offset = node.range[0]) => {
    if (ctx.problems.length < MAX_BUILD_PROBLEMS) ctx.problems.push(problem(ctx.file, ctx.lines, offset, keyPath, expected, found, hint));
    return undefined;
  };
  if (!plainNode(node, 'a key', report, ctx)) return undefined;
  if (!isScalar(node)) return report('a plain key', isSeq(node) ? 'a list used as a key' : 'an object used as a key');
  const v = node.value;
  // `1: x` and `true: x` are fine as keys; they mean the same as `"1": x` would in JSON.
  const key = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : undefined;
  if (key === undefined) return report('a key', 'an empty key');
  keyPath = [...path, key];
  if (key === '<<') return report('an ordinary key', 'a merge key "<<"', 'merge keys are not supported: write the keys out');
  if (FORBIDDEN_KEYS.has(key)) return report('an ordinary key', `the reserved name "${key}"`, 'refused so that no object can be tampered with');
  return key;
}

function scalarValue(v: unknown, source: string | undefined, report: Report): unknown {
  switch (typeof v) {
    case 'bigint':
      // Exact either way: a number while that loses nothing, a bigint beyond.
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    case 'number':
      return Number.isFinite(v) ? v : report('a finite number', source ?? String(v));
    case 'string':
    case 'boolean':
      return v;
    default:
      return v === null ? null : report('a plain value', `a ${typeof v}`);
  }
}

/** `tag:yaml.org,2002:js/function` -> `!!js/function`, as it was probably written. */
function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

function findOffset(doc: Document.Parsed, path: readonly PathSegment[], at: 'key' | 'value'): number | undefined {
  let node: unknown = doc.contents;
  let keyNode: YamlNode | undefined;
  for (const seg of path) {
    keyNode = undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair === undefined) return undefined;
      keyNode = pair.key as YamlNode;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
    } else {
      return undefined;
    }
  }
  const valueNode = node as YamlNode | null | undefined;
  // An empty value (`key:` and nothing) has no text of its own: point at its key.
  const empty = valueNode == null || (isScalar(valueNode) && valueNode.source === '' && valueNode.value === null);
  const target = at === 'key' || empty ? (keyNode ?? valueNode) : valueNode;
  return target?.range?.[0];
}

function position(lines: LineCounter, offset: number): Position {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

function problem(
  file: string,
  lines: LineCounter | undefined,
  offset: number | undefined,
  path: PathSegment[],
  expected: string,
  found: string,
  hint?: string,
): Problem {
  const p: Problem = { file, path, pathText: formatPath(path), expected, found };
  if (lines !== undefined && offset !== undefined) Object.assign(p, position(lines, offset));
  if (hint !== undefined) p.hint = hint;
  return p;
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0]!;
}
