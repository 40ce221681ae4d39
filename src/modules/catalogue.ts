import type { RewardConfig } from './rewards.ts';
import type { SanctionConfig } from './sanctions.ts';

/**
 * The catalogue of the 2016 warning-and-punishment Opinions [S12] and the joint-punishment
 * memoranda [S16], as `sanctions` parameters, so tests, scenarios and
 * docs/modules/sanctions-and-rewards.md agree. Every measure is triggered by the court list of
 * judgment defaulters, as the Opinions are; the daily costs are illustrative (the sources give no
 * welfare figures), and so is every spill-over but the children's schools, which the Opinions
 * name. `flights` and `highSpeedRail` block the acts `flight` and `train` (TRAVEL_ACTS).
 */
export const SANCTION_CATALOGUE: readonly SanctionConfig[] = [
  // No civil aviation [S12]; 17.46 M refused ticket purchases by end-2018 [S39].
  { name: 'flights', trigger: { when: 'listed' }, cost: 3, spillover: 'none', blocks: 'flight' },
  // No G-class seats, no first class on other bullet trains, no soft sleepers [S10][S12].
  { name: 'highSpeedRail', trigger: { when: 'listed' }, cost: 2, spillover: 'none', blocks: 'train' },
  // Exit restrictions and no group outbound tourism [S12]; 128 tax debtors stopped at the border in 2018 [S41].
  { name: 'travelAbroad', trigger: { when: 'listed' }, cost: 2, spillover: 'none' },
  // No star-rated hotels [S12][S16].
  { name: 'luxuryHotels', trigger: { when: 'listed' }, cost: 1, spillover: 'none' },
  // No top-grade restaurants, nightclubs or golf courses [S12][S16].
  { name: 'restaurantsAndNightclubs', trigger: { when: 'listed' }, cost: 1, spillover: 'none' },
  // Reported in the press, not in the fact sheet: illustrative. A household shares its connection.
  { name: 'internetSpeed', trigger: { when: 'listed' }, cost: 1, spillover: 'household' },
  // Loan and credit-card refusals [S16][S20][S32].
  { name: 'loansAndRentals', trigger: { when: 'listed' }, cost: 2, spillover: 'none' },
  // Denial of subsidies and social-security support [S16]; assistance paid to a household reaches all of it (illustrative).
  { name: 'socialSecurity', trigger: { when: 'listed' }, cost: 3, spillover: 'household' },
  // Bar on civil-service and public-institution recruitment; promotion "reference" [S12][S16][S22].
  { name: 'publicSectorJobs', trigger: { when: 'listed' }, cost: 2, spillover: 'none' },
  // Bans on founding financial institutions and on leading social organisations [S12][S16].
  { name: 'foundingOrganisations', trigger: { when: 'listed' }, cost: 1, spillover: 'none' },
  // May not pay for children's high-fee private schools [S12][S22].
  { name: 'privateSchools', trigger: { when: 'listed' }, cost: 5, spillover: 'children' },
  // A university offer suspended for a father's debt (the Rao case, 2018) [S143][S144]: not codified; an adult child is in the household.
  { name: 'universityAdmission', trigger: { when: 'listed' }, cost: 5, spillover: 'household' },
];

/**
 * Acts categories (for `acts`) that the travel bans block: attempts to buy a ticket. The rates are
 * refusals per listed person-day, from the fact sheet's section 3: from Feb 2017 to end-2018
 * (about 685 days, a mean stock of (6.73 + 13) / 2 M listed) flight refusals rose by 11.31 M and
 * train refusals by 3.25 M [S32][S39], 0.0017 and 0.0005 a day, a ratio of about 3.5 (calibration
 * target 2: 2.8 to 4.5). Rough: "times" are refusals, not persons, and the stock may count records
 * rather than persons. Travel is routine (lawful, not expression): give it no points and no surveillance coverage.
 */
export const TRAVEL_ACTS = [
  { name: 'flight', rate: 0.0017, kind: 'routine' },
  { name: 'train', rate: 0.0005, kind: 'routine' },
] as const;

/**
 * Rewards reported of Sesame Credit and the joint-incentive rules. Score thresholds are on Sesame's
 * 350-950 scale [S59], read from the `sesame` column (sesame-score); gains are illustrative.
 * `greenChannel` needs the rewards module's redlist.
 */
export const REWARD_CATALOGUE: readonly RewardConfig[] = [
  // Deposit-free public bikes at 600 or more (Suzhou, 2016) [S64].
  { name: 'depositFreeRentals', trigger: { when: 'score', atLeast: 600, column: 'sesame' }, gain: 1 },
  // Hotel "credit stay": check-in in 45 seconds at 600 or more [S65].
  { name: 'vipCheckIn', trigger: { when: 'score', atLeast: 600, column: 'sesame' }, gain: 1 },
  // Overseas car rental without deposit at 700 or more [S66].
  { name: 'carRentalDepositFree', trigger: { when: 'score', atLeast: 700, column: 'sesame' }, gain: 2 },
  // Visa applications backed by the Sesame report [S67]; the threshold is illustrative.
  { name: 'visaFastTrack', trigger: { when: 'score', atLeast: 750, column: 'sesame' }, gain: 1 },
  // Reported in the press, not in the fact sheet: illustrative.
  { name: 'datingProfile', trigger: { when: 'score', atLeast: 650, column: 'sesame' }, gain: 1 },
  // Green channel and priority in education, employment, social security for the redlisted [S13][S27].
  { name: 'greenChannel', trigger: { when: 'redlisted' }, gain: 2 },
];
