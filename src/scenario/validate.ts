/**
 * Checking a scenario value against a zod schema and explaining each failure
 * in the words of the file: where it is, what was expected, what was found.
 * No Node imports: this also runs in browsers.
 *
 * The `expected` text is read from the schema itself where possible (so a
 * failed upper bound still says "a number in [0, 1]", not only "<= 1").
 * Custom refinements can only be described by their message, so write those
 * messages as the thing expected ("an even number", not "must be even").
 */
import type { z } from 'zod';
import { ScenarioError, formatPath, type PathSegment, type Problem } from './errors.ts';
import type { Position, SourceDoc } from './source.ts';
import { suggest } from './suggest.ts';

type Schema = z.core.$ZodType;
type Issue = z.core.$ZodIssue;
type Def = z.core.$ZodTypes['_zod']['def'];

/** Validates `doc.value`, returning the parsed value or throwing a ScenarioError listing every problem. */
export function validate<T>(doc: SourceDoc, schema: z.ZodType<T>): T {
  const result = schema.safeParse(doc.value);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => explain(issue, [], { doc, schema }));
  throw new ScenarioError(sortByPosition(problems));
}

interface Context {
  doc: SourceDoc;
  schema: Schema;
}

function explain(issue: Issue, base: PathSegment[], ctx: Context): Problem[] {
  const path = [...base, ...issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k))];
  const at = lookup(ctx.doc.value, path);
  const make = (expected: string, found: string, hint?: string, where = path, position?: Position): Problem => {
    const p: Problem = { file: ctx.doc.file, path: where, pathText: formatPath(where), expected, found };
    const pos = position ?? locateNearest(ctx.doc, where);
    if (pos !== undefined) Object.assign(p, { line: pos.line, column: pos.column });
    if (hint !== undefined) p.hint = hint;
    return p;
  };

  switch (issue.code) {
    case 'unrecognized_keys': {
      const shape = objectShape(schemaAt(ctx.schema, path, ctx.doc.value), at.value);
      const allowed = shape ? Object.keys(shape) : [];
      const present = new Set(isRecord(at.value) ? Object.keys(at.value) : []);
      // Offer only keys not already written: the typo is rarely of a key that is also there.
      const unused = allowed.filter((k) => !present.has(k));
      const expected = allowed.length === 0 ? 'no such key' : `a known key (${listKeys(allowed)})`;
      return issue.keys.map((key) => {
        const where = [...path, key];
        const guess = suggest(key, unused) ?? suggest(key, allowed);
        const hint = guess === undefined ? undefined : `did you mean "${guess}"?`;
        return make(expected, `unknown key "${key}"`, hint, where, ctx.doc.locate(where, 'key'));
      });
    }
    case 'invalid_union': {
      if (issue.errors.length === 0) {
        const options = ('options' in issue ? issue.options : undefined) ?? [];
        if (issue.discriminator !== undefined && options.length > 0) {
          return [make(oneOf(options), found(at), didYouMean(at.value, options))];
        }
        return [make('a value matching exactly one of the allowed forms', found(at))];
      }
      // When exactly one branch accepted the value's shape and failed only deeper inside,
      // its own problems say far more than "expected A or B".
      const inside = issue.errors.filter((branch) => branch.every((i) => i.path.length > 0));
      if (inside.length === 1) return inside[0]!.flatMap((i) => explain(i, path, ctx));
      const schema = schemaAt(ctx.schema, path, ctx.doc.value);
      const expected = schema ? describeSchema(schema) : joinOr(issue.errors.map((branch) => (branch[0] ? fallbackExpected(branch[0]) : 'a valid value')));
      return [make(expected, found(at))];
    }
    case 'invalid_key':
    case 'invalid_element': {
      const why = issue.issues.map((i) => fallbackExpected(i)).join(' and ');
      return [make(issue.code === 'invalid_key' ? `keys that are ${why}` : why, found(at))];
    }
    case 'invalid_value':
      return [make(oneOf(issue.values), found(at), didYouMean(at.value, issue.values))];
    case 'custom':
      return [make(issue.message, found(at))];
    default: {
      const schema = schemaAt(ctx.schema, path, ctx.doc.value);
      const expected = schema ? describeSchema(schema) : fallbackExpected(issue);
      let text = found(at);
      // A bigint only arises from an integer too large for a number: say so, or "found 2^64" looks valid.
      if (issue.code === 'invalid_type' && typeof at.value === 'bigint') text += ', which is too large';
      return [make(expected, text)];
    }
  }
}

// ---------------------------------------------------------------- values

interface Lookup {
  present: boolean;
  value: unknown;
}

function lookup(root: unknown, path: readonly PathSegment[]): Lookup {
  let value = root;
  for (const seg of path) {
    if (Array.isArray(value) && typeof seg === 'number' && seg < value.length) value = value[seg];
    else if (isRecord(value) && Object.hasOwn(value, seg)) value = value[seg];
    else return { present: false, value: undefined };
  }
  return { present: true, value };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The value's own position, or for a missing key that of the closest thing
 * that is there. A value that is there but has no position (one from the
 * command line) gets none: its parent's place in the file would mislead.
 */
function locateNearest(doc: SourceDoc, path: PathSegment[]): Position | undefined {
  let n = path.length;
  while (n > 0 && !lookup(doc.value, path.slice(0, n)).present) n--;
  return doc.locate(path.slice(0, n));
}

function found(at: Lookup): string {
  return at.present ? show(at.value) : 'nothing (the key is missing)';
}

/** A value as a reader would recognise it: strings quoted, containers summarised. */
function show(v: unknown): string {
  if (typeof v === 'string') {
    return v.length > 60 ? `${JSON.stringify(v.slice(0, 50))}... (${v.length} characters)` : JSON.stringify(v);
  }
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : `a list of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (isRecord(v)) {
    const keys = Object.keys(v);
    return keys.length === 0 ? 'an empty object' : `an object with key${keys.length === 1 ? '' : 's'} ${listKeys(keys)}`;
  }
  return typeof v;
}

function listKeys(keys: readonly string[]): string {
  const max = 12;
  return keys.length <= max ? keys.join(', ') : `${keys.slice(0, max).join(', ')}, ...`;
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map(show);
  return shown.length === 1 ? shown[0]! : `one of ${shown.join(', ')}`;
}

function didYouMean(value: unknown, options: readonly unknown[]): string | undefined {
  if (typeof value !== 'string') return undefined;
  const guess = suggest(value, options.filter((o): o is string => typeof o === 'string'));
  return guess === undefined ? undefined : `did you mean "${guess}"?`;
}

function joinOr(parts: readonly string[]): string {
  const unique = [...new Set(parts)];
  return unique.length <= 1 ? (unique[0] ?? 'a valid value') : `${unique.slice(0, -1).join(', ')} or ${unique.at(-1)!}`;
}

function sortByPosition(problems: Problem[]): Problem[] {
  // Stable, so problems at one place (or with no place) keep zod's order.
  return problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? Infinity) - (b.column ?? Infinity));
}

// ---------------------------------------------------------------- schemas

function defOf(schema: Schema): Def {
  return (schema as z.core.$ZodTypes)._zod.def;
}

/** The schema for the value at `path`, following unions into the option the value is shaped like. */
function schemaAt(root: Schema, path: readonly PathSegment[], rootValue: unknown): Schema | undefined {
  let schema: Schema | undefined = root;
  let value = rootValue;
  for (const seg of path) {
    const container = unwrap(schema, value);
    if (container === undefined) return undefined;
    schema = child(container, seg, value);
    value = Array.isArray(value) || isRecord(value) ? lookup(value, [seg]).value : undefined;
  }
  return schema;
}

/** Look through wrappers (optional, default, lazy, ...) and unions to the schema that holds children. */
function unwrap(schema: Schema | undefined, value: unknown): Schema | undefined {
  // Bounded: a lazy schema may refer to itself.
  for (let i = 0; i < 32 && schema !== undefined; i++) {
    const def = defOf(schema);
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'catch':
      case 'readonly':
      case 'nonoptional':
      case 'success':
        schema = def.innerType;
        break;
      case 'pipe':
        schema = def.in;
        break;
      case 'lazy':
        schema = def.getter();
        break;
      case 'union':
        schema = def.options.find((o) => shapedLike(o, value));
        break;
      default:
        return schema;
    }
  }
  return undefined;
}

/** Whether `value` is the kind of container `option` describes, with matching literal fields (discriminators). */
function shapedLike(option: Schema, value: unknown): boolean {
  const inner = unwrap(option, value);
  if (inner === undefined) return false;
  const def = defOf(inner);
  if (def.type === 'array' || def.type === 'tuple') return Array.isArray(value);
  if (def.type === 'record') return isRecord(value);
  if (def.type !== 'object' || !isRecord(value)) return false;
  return Object.entries(def.shape).every(([key, field]) => {
    const fdef = defOf(field);
    return fdef.type !== 'literal' || !Object.hasOwn(value, key) || fdef.values.includes(value[key] as never);
  });
}

function child(schema: Schema, seg: PathSegment, value: unknown): Schema | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const field = Object.hasOwn(def.shape, seg) ? def.shape[seg] : undefined;
      return field ?? (def.catchall && defOf(def.catchall).type !== 'never' ? def.catchall : undefined);
    }
    case 'record':
      return def.valueType;
    case 'array':
      return def.element;
    case 'tuple':
      return (typeof seg === 'number' ? def.items[seg] : undefined) ?? def.rest ?? undefined;
    case 'intersection': {
      const left = unwrap(def.left, value);
      const right = unwrap(def.right, value);
      return (left && child(left, seg, value)) ?? (right && child(right, seg, value));
    }
    default:
      return undefined;
  }
}

function objectShape(schema: Schema | undefined, value: unknown): Record<string, Schema> | undefined {
  const inner = unwrap(schema, value);
  if (inner === undefined) return undefined;
  const def = defOf(inner);
  return def.type === 'object' ? def.shape : undefined;
}

/** What a schema accepts, in words: "an integer >= 1", "one of "a", "b"", "a list of at least 1 item". */
export function describeSchema(schema: Schema, depth = 0): string {
  if (depth > 16) return 'a valid value';
  const def = defOf(schema);
  const inner = (s: Schema): string => describeSchema(s, depth + 1);
  switch (def.type) {
    case 'string':
      return 'a string' + stringConstraints(def);
    case 'number':
      return numberText(def, 'format' in def && typeof def.format === 'string' && def.format.includes('int'));
    case 'bigint':
      return numberText(def, true);
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'undefined':
    case 'void':
    case 'never':
      return 'nothing';
    case 'any':
    case 'unknown':
      return 'any value';
    case 'literal':
      return oneOf(def.values);
    case 'enum':
      return oneOf(Object.values(def.entries));
    case 'object':
    case 'record':
      return 'an object';
    case 'array':
      return 'a list' + sizeText(def, 'item');
    case 'tuple':
      return `a list of ${def.items.length} item${def.items.length === 1 ? '' : 's'}`;
    case 'union':
      return joinOr(def.options.map(inner));
    case 'intersection':
      return inner(def.left);
    case 'nullable':
      return `${inner(def.innerType)} or null`;
    case 'optional':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
    case 'success':
      return inner(def.innerType);
    case 'pipe':
      return inner(def.in);
    case 'lazy':
      return inner(def.getter());
    case 'date':
      return 'a date';
    case 'nan':
      return 'NaN';
    default:
      return 'a valid value';
  }
}

/** The shape of a zod check definition, as far as describing it needs. */
interface CheckDef {
  check: string;
  value?: unknown;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
  length?: number;
  format?: string;
  pattern?: RegExp;
}

function checksOf(def: Def): CheckDef[] {
  return (def.checks ?? []).map((c) => c._zod.def as CheckDef);
}

function numberText(def: Def, integer: boolean): string {
  let lo: CheckDef | undefined;
  let hi: CheckDef | undefined;
  let step: unknown;
  for (const c of checksOf(def)) {
    if (c.check === 'greater_than') lo = c;
    else if (c.check === 'less_than') hi = c;
    else if (c.check === 'multiple_of') step = c.value;
    else if (c.check === 'number_format' && c.format?.includes('int')) integer = true;
  }
  let text = integer ? 'an integer' : 'a number';
  if (lo && hi) text += ` in ${lo.inclusive ? '[' : '('}${show(lo.value)}, ${show(hi.value)}${hi.inclusive ? ']' : ')'}`;
  else if (lo) text += ` ${lo.inclusive ? '>=' : '>'} ${show(lo.value)}`;
  else if (hi) text += ` ${hi.inclusive ? '<=' : '<'} ${show(hi.value)}`;
  if (step !== undefined) text += ` and a multiple of ${show(step)}`;
  return text;
}

function stringConstraints(def: Def): string {
  let text = sizeText(def, 'character');
  for (const c of checksOf(def)) {
    if (c.check !== 'string_format') continue;
    if (c.format === 'regex' && c.pattern) text += ` matching ${String(c.pattern)}`;
    else if (c.format) text += ` in ${c.format} format`;
  }
  return text;
}

function sizeText(def: Def, unit: string): string {
  let min: number | undefined;
  let max: number | undefined;
  for (const c of checksOf(def)) {
    if (c.check === 'min_length') min = c.minimum;
    else if (c.check === 'max_length') max = c.maximum;
    else if (c.check === 'length_equals') min = max = c.length;
  }
  const units = (n: number): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (min !== undefined && min === max) return ` of exactly ${units(min)}`;
  if (min !== undefined && max !== undefined) return ` of ${min} to ${units(max)}`;
  if (min !== undefined) return ` of at least ${units(min)}`;
  if (max !== undefined) return ` of at most ${units(max)}`;
  return '';
}

/** The expectation read from the issue alone, for when the schema cannot be followed to the value. */
function fallbackExpected(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`;
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = show(small ? issue.minimum : issue.maximum);
      const op = issue.exact ? '' : small ? (issue.inclusive ? 'at least ' : 'more than ') : issue.inclusive ? 'at most ' : 'less than ';
      if (issue.origin === 'string') return `a string of ${op}${bound} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `a list of ${op}${bound} items`;
      return `${issue.origin === 'number' ? 'a number' : 'an integer'} ${small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<'} ${bound}`;
    }
    case 'invalid_format':
      return issue.format === 'regex' && issue.pattern ? `a string matching ${issue.pattern}` : `a string in ${issue.format} format`;
    case 'not_multiple_of':
      return `a multiple of ${show(issue.divisor)}`;
    case 'invalid_value':
      return oneOf(issue.values);
    default:
      return issue.message;
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  bigint: 'an integer',
  boolean: 'true or false',
  null: 'null',
  undefined: 'nothing',
  array: 'a list',
  tuple: 'a list',
  object: 'an object',
  record: 'an object',
};
