// Numbers as the reports show them. Imports nothing, so the browser explorer shares it with the
// HTML report and its results view writes the same figures.

/** A number with 4 significant digits, no trailing zeros; exponent for very large or small. */
export function fmtNum(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  const s = a >= 1e6 || a < 1e-3 ? x.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e') : String(Number(x.toPrecision(4)));
  return s.replace(/^-/, '−');
}
