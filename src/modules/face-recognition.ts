import { z } from 'zod';
import { defineModule } from '../core/engine/module.ts';
import { boundedInt } from '../core/rng/samplers.ts';
import { threshold } from '../core/rng/threshold.ts';
import { knownCategories } from './categories.ts';
import { column, probability, stream } from './params.ts';

/**
 * Cameras that put a name to a face. Each act of a watched category is caught on camera with some
 * probability, and the face is searched in a gallery of ID photos. The more faces in the gallery,
 * the likelier a lookalike scores higher than the true face, so the search returns the wrong
 * identity with probability 1 - exp(-rate x gallery x group factor), and the points fall on someone
 * who did nothing. Neither the system nor that person can tell; the simulation marks them.
 */
/** Draws for a lookalike of the actor's group before settling for anyone (a group of 1% is missed with probability 0.99^256 < 0.08). */
const MAX_TRIES = 256;

export const faceRecognition = defineModule({
  name: 'face-recognition',
  title: 'Face recognition',
  summary: 'Searches the faces of agents caught in watched acts against a growing gallery; a false match books the points against a lookalike: another agent, of the actor\'s group when groups are given.',
  params: z.strictObject({
    points: z
      .record(z.string(), z.number().int().min(0))
      .default({ jaywalking: 5 })
      .describe('Points deducted per act identified, by category searched (categories not named are not searched); illustrative'),
    detection: probability(0.5, 'Probability that a watched act is caught on camera with a usable face (illustrative)'),
    gallery: z.number().positive().default(1.4e9).describe('Faces in the gallery on day 0 (illustrative: a national ID-photo gallery; the seed article speaks of 2 billion people)'),
    growth: z.number().min(0).default(0).describe('Yearly growth of the gallery: gallery x (1 + growth)^(day / 365) (illustrative; 0: fixed)'),
    falseMatchRate: z
      .number()
      .min(0)
      .default(2e-11)
      .describe('Chance per gallery face that it outranks the true one; 1 - exp(-rate x gallery) is the wrong-identity chance (illustrative: 2.8% at the default gallery)'),
    groupColumn: z.string().optional().describe('Column with a group whose false-match rate differs'),
    groupFactor: z.array(z.number().min(0)).default([]).describe('False-match rate multiplier for group 0, 1, ... (1 for groups not listed; illustrative)'),
    evasionColumn: z.string().optional().describe('Column with each agent\'s evasion in [0, 1], which scales its detection by 1 - evasion'),
    actsColumn: column('acts', 'Column with the acts, bit per category'),
    pendingColumn: column('pending', 'Ledger accumulator the points go to'),
    column: column('misidentified', 'Column marking the agents a search named wrongly today, bit per category'),
    identifiedColumn: column('faceIdentified', 'Column with the agent\'s own acts rightly identified today, bit per category'),
    stream: stream(40, 'Stream of the searches: blocks 1024k.. for category k'),
  }),
  declare: (p) => ({
    columns: [
      { name: p.column, type: 'u8', accumulator: true, truth: true, description: 'named by a false match today for acts of others, bit per category of the acts column' },
      { name: p.identifiedColumn, type: 'u8', description: 'own acts identified by face today, bit per category of the acts column' },
    ],
    uses: [
      { name: p.actsColumn, type: 'u8' },
      { name: p.pendingColumn, type: 'i32' },
      ...(p.groupColumn ? [{ name: p.groupColumn, type: 'u8' as const }] : []),
      ...(p.evasionColumn ? [{ name: p.evasionColumn, type: 'f32' as const }] : []),
    ],
    streams: [p.stream],
    metrics: [
      { name: 'faceSearches', kind: 'counter', description: 'faces caught in watched acts and searched in the gallery' },
      { name: 'faceMatches', kind: 'counter', description: 'searches that named the actor' },
      { name: 'falseMatches', kind: 'counter', description: 'searches that named someone else (ground truth)' },
      { name: 'pointsForFalseMatches', kind: 'counter', description: 'points booked against agents named by false matches (ground truth)' },
    ],
    phases: {
      act: 'clears the marks of false matches',
      interact: 'searches the faces caught in watched acts and books the points against whoever the search names',
    },
  }),
  bind(p, w) {
    const actsCol = w.column(p.actsColumn, 'u8');
    const pending = w.column(p.pendingColumn, 'i32');
    const wrong = w.column(p.column, 'u8');
    const identified = w.column(p.identifiedColumn, 'u8');
    const group = p.groupColumn ? w.column(p.groupColumn, 'u8') : undefined;
    const evasion = p.evasionColumn ? w.column(p.evasionColumn, 'f32') : undefined;
    const labels = knownCategories(w.spec(p.actsColumn).labels, Object.keys(p.points), 'face-recognition', 'points');
    const cats = labels.flatMap((c, k) => (c in p.points ? [{ k, bit: 1 << k, points: p.points[c]! }] : []));
    const watched = cats.reduce((m, c) => m | c.bit, 0);
    const detectT = threshold(p.detection);
    const groups = p.groupFactor.length + 1;
    const last = groups - 1;
    const falseT = new Float64Array(groups);
    const n = w.n;
    const [searches, matches, falses, falsePoints] = ['faceSearches', 'faceMatches', 'falseMatches', 'pointsForFalseMatches'].map((m) => w.metric(m)) as [number, number, number, number];
    return {
      act(lo, hi) {
        for (let i = lo; i < hi; i++) wrong[i] = 0;
      },
      interact(lo, hi, step, t) {
        const size = p.gallery * (1 + p.growth) ** (step / 365);
        for (let g = 0; g < groups; g++) falseT[g] = threshold(1 - Math.exp(-p.falseMatchRate * size * (p.groupFactor[g] ?? 1)));
        const words = t.words;
        let nSearch = 0, nMatch = 0, nFalse = 0, ptsFalse = 0;
        for (let i = lo; i < hi; i++) {
          const a = actsCol[i]! & watched;
          let mine = 0;
          if (a) {
            const detect = evasion ? detectT * (1 - evasion[i]!) : detectT;
            const ft = falseT[group ? Math.min(group[i]!, last) : 0]!;
            for (let c = 0; c < cats.length; c++) {
              const { k, bit, points } = cats[c]!;
              if (!(a & bit)) continue;
              // A fixed address per (agent, day, category), 1024 blocks apart: changing one category's settings leaves
              // the other categories' draws as they were.
              words.at(i, step, p.stream, k << 10);
              if (words.next() >= detect) continue;
              nSearch++;
              if (words.next() >= ft || n < 2) {
                mine |= bit;
                nMatch++;
                if (points) Atomics.add(pending, i, -points);
                continue;
              }
              // The lookalike: any agent but the actor, uniformly; with groups, one of the actor's own
              // group (error rates that differ by group fall on that group [NIST FRVT]), found by
              // drawing until one is, within a bound.
              let j = boundedInt(words, n - 1);
              if (j >= i) j++;
              if (group) {
                const own = group[i];
                for (let tries = 1; group[j] !== own && tries < MAX_TRIES; tries++) {
                  j = boundedInt(words, n - 1);
                  if (j >= i) j++;
                }
              }
              nFalse++;
              ptsFalse += points;
              if (points) Atomics.add(pending, j, -points);
              Atomics.or(wrong, j, bit);
            }
          }
          identified[i] = mine;
        }
        const m = t.m;
        m[searches]! += nSearch;
        m[matches]! += nMatch;
        m[falses]! += nFalse;
        m[falsePoints]! += ptsFalse;
      },
    };
  },
});
