/**
 * Assessment norms of indirect reciprocity with binary reputations (good G, bad B), as tables.
 *
 * A norm is an assessment rule d(donor's reputation, recipient's reputation, action) -> the donor's
 * new reputation, all in the eyes of the observer who assesses, and an action rule p(donor's
 * reputation, recipient's reputation) -> what a discriminator does. The second-order norms ignore the
 * donor's reputation; Ohtsuki & Iwasa's leading eight (2004, 2006) are third-order: they share
 * d(*, G, C) = G, d(*, G, D) = B, d(G, B, D) = G (justified defection) and p(*, G) = C, p(G, B) = D,
 * and differ in d(G, B, C), d(B, B, *) and p(B, B).
 *
 * The tables are written as strings, in the order of the bits the kernels test:
 *
 * - `assess`: 8 letters G or B for (donor, recipient, action) = BBD, BBC, BGD, BGC, GBD, GBC, GGD,
 *   GGC; bit 4 x donorGood + 2 x recipientGood + cooperated of the mask is set for G.
 * - `act`: 4 letters C or D for (donor, recipient) = BB, BG, GB, GG; bit 2 x donorGood +
 *   recipientGood of the mask is set for C.
 */

export interface NormTable {
  title: string;
  /** G/B for BBD, BBC, BGD, BGC, GBD, GBC, GGD, GGC. */
  assess: string;
  /** C/D for BB, BG, GB, GG. */
  act: string;
}

/** The discriminator's second-order action rule: cooperate with the good, refuse the bad. */
const DISC = 'DCDC';

export const NORMS = {
  'image-scoring': { title: 'Image scoring (first order: cooperating is good, refusing is bad)', assess: 'BGBGBGBG', act: DISC },
  'simple-standing': { title: 'Simple standing (refusing a bad recipient is also good; = L3)', assess: 'GGBGGGBG', act: DISC },
  'stern-judging': { title: 'Stern judging (helping the bad is bad, refusing the bad is good; = L6)', assess: 'GBBGGBBG', act: DISC },
  shunning: { title: 'Shunning (only helping the good is good)', assess: 'BBBGBBBG', act: DISC },
  L1: { title: 'Leading eight L1', assess: 'BGBGGGBG', act: 'CCDC' },
  L2: { title: 'Leading eight L2', assess: 'BGBGGBBG', act: 'CCDC' },
  L3: { title: 'Leading eight L3 (simple standing)', assess: 'GGBGGGBG', act: DISC },
  L4: { title: 'Leading eight L4', assess: 'GBBGGGBG', act: DISC },
  L5: { title: 'Leading eight L5', assess: 'GGBGGBBG', act: DISC },
  L6: { title: 'Leading eight L6 (stern judging)', assess: 'GBBGGBBG', act: DISC },
  L7: { title: 'Leading eight L7 (staying)', assess: 'BBBGGGBG', act: DISC },
  L8: { title: 'Leading eight L8 (judging)', assess: 'BBBGGBBG', act: DISC },
} as const satisfies Record<string, NormTable>;

export type NormName = keyof typeof NORMS;

export const NORM_NAMES = Object.keys(NORMS) as [NormName, ...NormName[]];

/** The norm's assessment rule as a mask: bit 4 dG + 2 rG + c is set when the donor is judged good. */
export function assessMask(t: NormTable): number {
  let m = 0;
  for (let k = 0; k < 8; k++) if (t.assess[k] === 'G') m |= 1 << k;
  return m;
}

/** The norm's action rule as a mask: bit 2 dG + rG is set when a discriminator cooperates. */
export function actMask(t: NormTable): number {
  let m = 0;
  for (let k = 0; k < 4; k++) if (t.act[k] === 'C') m |= 1 << k;
  return m;
}

/** The new reputation (1 good, 0 bad) under an assessment mask. */
export function assess(mask: number, donorGood: number, recipientGood: number, cooperated: number): number {
  return (mask >> ((donorGood << 2) | (recipientGood << 1) | cooperated)) & 1;
}
