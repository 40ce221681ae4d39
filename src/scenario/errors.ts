/** One segment of a path into a scenario value: an object key or a list index. */
export type PathSegment = string | number;

/** One thing wrong with a scenario, located as precisely as the source allows. */
export interface Problem {
  file: string;
  /** 1-based; absent when the value did not come from a file (e.g. CLI overrides). */
  line?: number;
  /** 1-based, in UTF-16 code units like editors that report "col". */
  column?: number;
  path: PathSegment[];
  /** `path` written for humans, e.g. `modules[2].params.threshold`; empty for the root. */
  pathText: string;
  expected: string;
  found: string;
  /** Extra advice shown in parentheses, e.g. `did you mean "threshold"?`. */
  hint?: string;
}

/** How many problems `format()` prints before summarising the rest. */
const MAX_SHOWN = 50;

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    // The message is the formatted list so an uncaught error is still readable.
    super(formatProblems(problems));
    this.problems = problems;
  }

  /** One problem per line, `file:line:col: path: expected X, found Y (hint)`. */
  format(): string {
    return formatProblems(this.problems);
  }
}

function formatProblems(problems: readonly Problem[]): string {
  const lines = problems.slice(0, MAX_SHOWN).map(formatProblem);
  const rest = problems.length - MAX_SHOWN;
  if (rest > 0) lines.push(`... and ${rest} more problem${rest === 1 ? '' : 's'}`);
  return lines.join('\n');
}

export function formatProblem(p: Problem): string {
  let where = p.file;
  if (p.line !== undefined) where += `:${p.line}` + (p.column !== undefined ? `:${p.column}` : '');
  const parts = [where, p.pathText].filter((s) => s !== '');
  const hint = p.hint === undefined ? '' : ` (${p.hint})`;
  return [...parts, `expected ${p.expected}, found ${p.found}${hint}`].join(': ');
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['modules', 2, 'params', 'threshold']` -> `modules[2].params.threshold`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === '' ? seg : `.${seg}`;
    // Keys with spaces, dots or brackets would make the path ambiguous, so quote them.
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
