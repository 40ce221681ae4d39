import type { Registry } from '../core/engine/world.ts';
import { acts } from './acts.ts';
import { adaptation } from './adaptation.ts';
import { appeals } from './appeals.ts';
import { approval } from './approval.ts';
import { blackMarket } from './black-market.ts';
import { blacklist } from './blacklist.ts';
import { citizenReporting } from './citizen-reporting.ts';
import { courtEnforcement } from './court-enforcement.ts';
import { creditRepair } from './credit-repair.ts';
import { dataBreach } from './data-breach.ts';
import { economy } from './economy.ts';
import { evasion } from './evasion.ts';
import { faceRecognition } from './face-recognition.ts';
import { grades } from './grades.ts';
import { groupAudit } from './group-audit.ts';
import { jointPunishment } from './joint-punishment.ts';
import { ledger } from './ledger.ts';
import { listingAudit } from './listing-audit.ts';
import { observation } from './observation.ts';
import { participation } from './participation.ts';
import { penalties } from './penalties.ts';
import { population } from './population.ts';
import { publicNaming } from './public-naming.ts';
import { reporting } from './reporting.ts';
import { rewards } from './rewards.ts';
import { riskClasses } from './risk-classes.ts';
import { ruleBreaking } from './rule-breaking.ts';
import { sanctions } from './sanctions.ts';
import { scorerAgreement } from './scorer-agreement.ts';
import { sesameScore } from './sesame-score.ts';
import { surveillance } from './surveillance.ts';
import { thresholdCascade } from './threshold-cascade.ts';
import { tiePruning } from './tie-pruning.ts';
import { traits } from './traits.ts';
import { trustGame } from './trust-game.ts';

/** Every built-in mechanism, by the name scenarios use, grouped as docs/modules.md presents them. */
export const MODULES = {
  // Society
  [population.name]: population,
  [traits.name]: traits,
  [economy.name]: economy,
  // Behaviour
  [acts.name]: acts,
  [adaptation.name]: adaptation,
  [evasion.name]: evasion,
  [blackMarket.name]: blackMarket,
  [tiePruning.name]: tiePruning,
  [trustGame.name]: trustGame,
  [thresholdCascade.name]: thresholdCascade,
  // Observation
  [surveillance.name]: surveillance,
  [faceRecognition.name]: faceRecognition,
  [citizenReporting.name]: citizenReporting,
  [dataBreach.name]: dataBreach,
  // Scoring and lists
  [penalties.name]: penalties,
  [ledger.name]: ledger,
  [grades.name]: grades,
  [sesameScore.name]: sesameScore,
  [scorerAgreement.name]: scorerAgreement,
  [courtEnforcement.name]: courtEnforcement,
  // Consequences
  [sanctions.name]: sanctions,
  [rewards.name]: rewards,
  [publicNaming.name]: publicNaming,
  // Governance
  [participation.name]: participation,
  [appeals.name]: appeals,
  [creditRepair.name]: creditRepair,
  [approval.name]: approval,
  // Audit
  [groupAudit.name]: groupAudit,
  [listingAudit.name]: listingAudit,
  // RM-1
  [riskClasses.name]: riskClasses,
  [ruleBreaking.name]: ruleBreaking,
  [observation.name]: observation,
  [reporting.name]: reporting,
  [blacklist.name]: blacklist,
  [jointPunishment.name]: jointPunishment,
} as Registry;
