/**
 * From a comparison to an outcome: Fellegi–Sunter posterior, then hard
 * rules that can only LOWER the outcome (merge → review), never raise it.
 *
 * Rules (names appear in `ScoredPair.rules`):
 *  - given_name_conflict: both given names known and different (reading or
 *    written form disagrees). A shared address, landline, family e-mail or
 *    company main number can never merge two people with different given
 *    names — parents/children, spouses, siblings, twins, colleagues.
 *  - birth_date_conflict: both birth dates known and different (not a typo).
 *  - family_name_change: family names differ but the given name agrees.
 *    Auto-merged only with birth date AND a personal identifier (same
 *    e-mail or same mobile); otherwise review. (Decision for married-name
 *    changes: same given name + same birth date + same e-mail/mobile →
 *    merge; anything less → review.)
 *  - weak_given_name: the given names only look alike (one kanji different
 *    and no reading to check, or a fuzzy reading) or one is unknown: merged
 *    only with a personal identifier (same mobile or same e-mail, or for a
 *    missing given name the same mobile or birth date); siblings 健太/健二
 *    in one household never merge on household evidence.
 *  - name_only: nothing but the name agrees (no birth date, contact, address
 *    or company agreement). Namesakes stay apart; such pairs go to review.
 */
import { fieldWeights, logOdds, probabilityOf } from './weights.ts';
import { FIELDS, type Comparison, type EvidenceItem, type MatchWeights, type Outcome, type ScoredPair } from './types.ts';

export const HARD_CONFLICTS = new Set(['given_name_conflict', 'birth_date_conflict', 'family_name_change']);

/**
 * A field is "reliable" in a data set when the trained model says true
 * matches almost never disagree on it (P(disagree | match) below this).
 * Japanese CRM exports: given names and birth dates are reliable, so a
 * conflict is a hard stop. Febrl-style data (values replaced wholesale in
 * duplicates) shows ~8–10 %: there a conflict is only strong evidence, and a
 * pair still merges when everything else is certain.
 */
export const RELIABLE_FIELD = 0.03;

function levelOf(cmp: Comparison, field: (typeof FIELDS)[number]): string {
  return cmp.fields.find((f) => f.field === field)?.level ?? 'missing';
}

function unreliable(weights: MatchWeights | undefined, field: 'given' | 'birth' | 'family'): boolean {
  if (weights === undefined) return false;
  const m = weights.m[field];
  return m[m.length - 1]! >= RELIABLE_FIELD;
}

/** Rules that cap the outcome of a pair at review (see module doc). */
export function ruleViolations(cmp: Comparison, weights?: MatchWeights): string[] {
  const given = levelOf(cmp, 'given');
  const family = levelOf(cmp, 'family');
  const birth = levelOf(cmp, 'birth');
  const email = levelOf(cmp, 'email');
  const phone = levelOf(cmp, 'phone');
  const address = levelOf(cmp, 'address');
  const company = levelOf(cmp, 'company');
  const rules: string[] = [];
  const mobile = phone === 'exact_mobile';
  const emailExact = email === 'exact';
  const good = (l: string): boolean => l === 'exact' || l === 'close' || l === 'exact_mobile' || l === 'exact_fixed';
  // Corroboration for overriding a conflict on a field the data shows to be
  // unreliable: no other name/birth conflict and ≥ 2 strong agreements.
  const corroborated = (skip: string): boolean => {
    const core: Array<[string, string]> = [
      ['family', family],
      ['given', given],
      ['birth', birth],
    ];
    if (core.some(([f, l]) => f !== skip && l === 'disagree')) return false;
    let strong = core.filter(([f, l]) => f !== skip && (l === 'exact' || (f !== 'birth' && l === 'close'))).length;
    if (good(address)) strong++;
    if (emailExact) strong++;
    if (phone.startsWith('exact')) strong++;
    return strong >= 2;
  };
  if (given === 'disagree' && !(unreliable(weights, 'given') && corroborated('given'))) rules.push('given_name_conflict');
  if (birth === 'disagree' && !(unreliable(weights, 'birth') && corroborated('birth'))) rules.push('birth_date_conflict');
  if (family === 'disagree' && given !== 'disagree') {
    const personal = given === 'exact' && ((birth === 'exact' && (emailExact || mobile)) || (birth !== 'disagree' && emailExact && mobile));
    const noisy = unreliable(weights, 'family') && given !== 'missing' && corroborated('family');
    if (!personal && !noisy) rules.push('family_name_change');
  }
  if (given === 'close') {
    const typo = cmp.flags.includes('given_same_reading') || cmp.flags.includes('given_spelling') || cmp.flags.includes('names_swapped');
    // A typo/homophone (checked on the reading or spelling) needs one personal identifier; a name
    // only one kanji apart without any reading (健太/健二) needs the mobile or the birth date: a
    // shared (family) e-mail is not enough.
    const orgEmail = emailExact && cmp.flags.includes('email_organisation');
    const noisyTypo = typo && unreliable(weights, 'given') && corroborated('given');
    const ok = typo ? mobile || emailExact || birth === 'exact' || noisyTypo : mobile || birth === 'exact' || orgEmail;
    if (!ok) rules.push('weak_given_name');
  }
  if (given === 'missing' && !(mobile || birth === 'exact' || emailExact)) rules.push('weak_given_name');
  const other = [birth, email, phone, address, company].some((l) => l !== 'missing' && l !== 'disagree');
  // Name-only pairs: only an exact written full name may merge (as a weak link,
  // see cluster.ts); anything else goes to review.
  if (!other && !(family === 'exact' && given === 'exact' && cmp.flags.includes('name_written_exact'))) rules.push('name_only');
  return rules;
}

/** Only the name links the pair (no other agreement): merged in a second, ambiguity-checked phase. */
export function isNameOnly(cmp: Comparison): boolean {
  return (['birth', 'email', 'phone', 'address', 'company'] as const).every((f) => {
    const l = levelOf(cmp, f);
    return l === 'missing' || l === 'disagree';
  });
}

export function hasHardConflict(rules: readonly string[]): boolean {
  return rules.some((r) => HARD_CONFLICTS.has(r));
}

/**
 * Score and decide one pair.
 *
 * @example decidePair('a', 'b', compareRecords(a, b), weights).outcome // 'merge' | 'review' | 'distinct'
 */
export function decidePair(aId: string, bId: string, cmp: Comparison, weights: MatchWeights): ScoredPair {
  const ws = fieldWeights(weights, cmp);
  const score = logOdds(weights, cmp);
  const probability = probabilityOf(score);
  const rules = ruleViolations(cmp, weights);
  let outcome: Outcome;
  const weak = isNameOnly(cmp);
  const needed = weak ? Math.max(weights.thresholds.merge, weights.thresholds.nameOnly ?? weights.thresholds.merge) : weights.thresholds.merge;
  if (probability >= needed && rules.length === 0) outcome = 'merge';
  else if (probability >= weights.thresholds.review) outcome = 'review';
  else outcome = 'distinct';
  const evidence: EvidenceItem[] = cmp.fields.map((fc, i) => ({
    field: fc.field,
    level: fc.level,
    weight: Math.round(ws[i]! * 100) / 100,
    detail: fc.detail,
  }));
  return { a: aId, b: bId, probability, score, outcome, rules, evidence, weak };
}
