import type { Registry } from '../core/engine/world.ts';
import { acts } from './acts.ts';
import { adaptation } from './adaptation.ts';
import { blacklist } from './blacklist.ts';
import { courtEnforcement } from './court-enforcement.ts';
import { economy } from './economy.ts';
import { grades } from './grades.ts';
import { groupAudit } from './group-audit.ts';
import { jointPunishment } from './joint-punishment.ts';
import { ledger } from './ledger.ts';
import { listingAudit } from './listing-audit.ts';
import { observation } from './observation.ts';
import { penalties } from './penalties.ts';
import { population } from './population.ts';
import { reporting } from './reporting.ts';
import { riskClasses } from './risk-classes.ts';
import { ruleBreaking } from './rule-breaking.ts';
import { sanctions } from './sanctions.ts';
import { surveillance } from './surveillance.ts';
import { tiePruning } from './tie-pruning.ts';
import { traits } from './traits.ts';

/** Every built-in mechanism, by the name scenarios use. */
export const MODULES = {
  [population.name]: population,
  [traits.name]: traits,
  [acts.name]: acts,
  [surveillance.name]: surveillance,
  [penalties.name]: penalties,
  [grades.name]: grades,
  [sanctions.name]: sanctions,
  [groupAudit.name]: groupAudit,
  [listingAudit.name]: listingAudit,
  [adaptation.name]: adaptation,
  [economy.name]: economy,
  [courtEnforcement.name]: courtEnforcement,
  [riskClasses.name]: riskClasses,
  [ruleBreaking.name]: ruleBreaking,
  [observation.name]: observation,
  [reporting.name]: reporting,
  [ledger.name]: ledger,
  [blacklist.name]: blacklist,
  [jointPunishment.name]: jointPunishment,
  [tiePruning.name]: tiePruning,
} as Registry;
