/**
 * The candidate closest to `word` by optimal string alignment distance
 * (Levenshtein plus adjacent transpositions, so `treshold` and `thresohld`
 * both find `threshold`), or undefined when nothing is plausibly a typo.
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  // Allow roughly one edit per three characters: enough for real typos,
  // few enough that unrelated short words are not offered.
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    // Case slips (`Threshold`) are the most likely mistake of all.
    const d = candidate.toLowerCase() === word.toLowerCase() ? 0.5 : distance(word, candidate, bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance, giving up (returning > cap) once it exceeds `cap`. */
export function distance(a: string, b: string, cap = Infinity): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  // Three rolling rows: the transposition rule looks two rows back.
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin >= cap) return cap;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}
