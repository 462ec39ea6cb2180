/**
 * From a comparison to an outcome: Fellegi–Sunter posterior, then hard
 * rules that can only LOWER the outcome (merge → review), never raise it.
 *
 * Rules (names appear in `ScoredPair.rules`):
 *  - given_name_conflict: both given names known and different (reading or
 *    written form disagrees). A shared address, landline, family e-mail or
 *    company main number can never merge two people with different given
 *    names — parents/children, spouses, siblings, twins, colleagues.
 *  - birth_date_conflict: both birth dates known and different (not a typo;
 *    a date only weeks off — level 'near' — counts as different where the
 *    data's birth dates are reliable).
 *  - family_name_change: family names differ but the given name agrees.
 *    Auto-merged only with the same given name (or the same reading in other
 *    kanji) and the same mobile or personal e-mail, or two of: same birth
 *    date, same personal e-mail, same mobile, same home address (married
 *    name, with or without a move), or with the same birth date when few people of a ledger this size could share
 *    the given name and birth date (givenNameAndBirthDate); otherwise review. Inside a cluster it is not a
 *    conflict (see hasBlockingConflict).
 *  - weak_given_name: the given names only look alike (one kanji different
 *    and no reading to check, or a fuzzy reading) or one is unknown: merged
 *    only with a personal identifier (same mobile or same e-mail, or for a
 *    missing given name the same mobile or birth date); siblings 健太/健二
 *    in one household never merge on household evidence.
 *  - name_only: nothing but the name agrees (no birth date, contact, address
 *    or company agreement). Namesakes stay apart; such pairs go to review.
 *
 * Reliability: a conflict rule on given name, birth date or family name is
 * lifted when the trained model says true matches of THIS data set often
 * disagree on that field (P(not agree | match) ≥ RELIABLE_FIELD, e.g.
 * Febrl-style replaced values) and the pair is corroborated (see below).
 * Japanese CRM exports keep the rules hard.
 */
import { ledgerLogOdds, probabilityOf, scoreComparison, type LedgerNameCounts } from './weights.ts';
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

/** Each compared field with its level: a Comparison, or a pair's stored evidence (review_items.evidence). */
type FieldLevels = { fields: ReadonlyArray<{ field: string; level: string }> };

function levelOf(cmp: FieldLevels, field: (typeof FIELDS)[number]): string {
  return cmp.fields.find((f) => f.field === field)?.level ?? 'missing';
}

/**
 * P(the field neither agrees nor is a typo | match): the mass of the levels
 * after 'close' (birth: 'near' + 'disagree'; names: 'disagree').
 */
function missRate(weights: MatchWeights, field: 'given' | 'birth' | 'family'): number {
  return weights.m[field].slice(2).reduce((s, x) => s + x, 0);
}

/** Whether true matches of this data set often disagree on the field (see RELIABLE_FIELD). */
export function unreliable(weights: MatchWeights | undefined, field: 'given' | 'birth' | 'family'): boolean {
  if (weights === undefined) return false;
  return missRate(weights, field) >= RELIABLE_FIELD;
}

const CONFLICT_FIELD: Record<string, 'given' | 'birth'> = {
  given_name_conflict: 'given',
  birth_date_conflict: 'birth',
};

/**
 * A conflict that keeps two records out of one cluster (anti-chaining): a
 * different given name or birth date, on a field the data shows to be
 * reliable. A family-name change is not one: it means "not enough evidence
 * in this pair alone" (a married name), not "two people"; once the record
 * joins a cluster through a member that carries the personal evidence, the
 * other members (same given name, no other conflict) are consistent with
 * it, and the posterior floor (minLinkProbability) still applies. On a
 * field that true matches often disagree on (Febrl-style replaced values, a
 * source whose birth dates drift by a month) the conflict is left to the
 * posterior, so a large cluster of noisy duplicates is not split by one bad
 * cross pair.
 */
export function hasBlockingConflict(rules: readonly string[], weights?: MatchWeights): boolean {
  return rules.some((r) => {
    const field = CONFLICT_FIELD[r];
    return field !== undefined && !unreliable(weights, field);
  });
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
  // A shared role address (info@, sales@) is a desk, not a person: it corroborates nothing about who wrote.
  const emailExact = email === 'exact' && !cmp.flags.includes('email_role');
  const good = (l: string): boolean => l === 'exact' || l === 'close' || l === 'exact_mobile' || l === 'exact_fixed';
  // Corroboration for overriding a conflict on a field the data shows to be
  // unreliable: every other name/birth conflict is on an unreliable field
  // too, and the strong agreements outnumber those conflicts and any
  // differing e-mail / phone / address by two. An exact birth date counts
  // twice: it is the one attribute people of one household or office do not
  // share.
  const corroborated = (skip: 'given' | 'birth' | 'family', bonus = 0): boolean => {
    const core: Array<['given' | 'birth' | 'family', string]> = [
      ['family', family],
      ['given', given],
      ['birth', birth],
    ];
    let conflicts = 0;
    for (const [f, l] of core) {
      if (f === skip) continue;
      if (l === 'disagree' || (f === 'birth' && l === 'near' && !unreliable(weights, 'birth'))) {
        if (!unreliable(weights, f)) return false;
        conflicts++;
      }
    }
    // A birth date one digit off is near-certain agreement; weeks off only counts where dates drift.
    const agrees = (f: string, l: string): boolean => l === 'exact' || l === 'close' || (f === 'birth' && l === 'near' && unreliable(weights, 'birth'));
    let strong = bonus + core.filter(([f, l]) => f !== skip && agrees(f, l)).length;
    if (skip !== 'birth' && birth === 'exact') strong++;
    if (good(address)) strong++;
    if (emailExact) strong++;
    if (phone.startsWith('exact')) strong++;
    // A differing e-mail, phone or address weighs against as much as an agreement for.
    conflicts += [email, phone, address].filter((l) => l === 'disagree').length;
    return strong >= 2 + conflicts;
  };
  if (given === 'disagree' && !(unreliable(weights, 'given') && corroborated('given'))) rules.push('given_name_conflict');
  // A date a few days/weeks off is a different person where dates are reliable (namesakes, twins
  // born on consecutive days), and a drifting date where they are not.
  const birthConflict = birth === 'disagree' || (birth === 'near' && !unreliable(weights, 'birth'));
  if (birthConflict && !(unreliable(weights, 'birth') && corroborated('birth'))) rules.push('birth_date_conflict');
  const givenTypo = cmp.flags.includes('given_same_reading') || cmp.flags.includes('given_spelling') || cmp.flags.includes('given_reading_confirmed');
  if (family === 'disagree' && given !== 'disagree') {
    // Same given name (or the same reading written with another kanji: 剛/勉 つよし).
    const sameGiven = given === 'exact' || (given === 'close' && givenTypo);
    // Two of: same birth date, same personal e-mail, same mobile, same home
    // address (a name change at marriage without a move keeps the address).
    const own = ownIdentifiersShared(cmp, { typos: false });
    const ids = [own.birth, own.personalMailbox, own.mobile, own.address].filter(Boolean).length;
    // Or one identifier that only one person carries (her own mobile or personal mailbox): a married woman often
    // appears in one source with no birth date and a new address, and keeps exactly that (the posterior still has to
    // reach the merge threshold against the family-name disagreement). A birth date or an address alone does not
    // do: a namesake of the given name born on the same day, a family at one address.
    const personal = sameGiven && !birthConflict && (ids >= 2 || mobile || own.personalMailbox);
    const noisy = unreliable(weights, 'family') && corroborated('family');
    if (!personal && !noisy) rules.push('family_name_change');
  }
  if (given === 'close') {
    const typo = givenTypo || cmp.flags.includes('names_swapped');
    // A typo/homophone (checked on the reading or spelling) needs one personal identifier; a name
    // only one kanji apart without any reading (健太/健二) needs the mobile or the birth date: a
    // shared (family) e-mail is not enough.
    const orgEmail = emailExact && cmp.flags.includes('email_organisation');
    // The spelling itself half agrees: it counts as one agreement.
    const noisyTypo = typo && unreliable(weights, 'given') && corroborated('given', 1);
    const ok = typo ? mobile || emailExact || birth === 'exact' || noisyTypo : mobile || birth === 'exact' || orgEmail;
    if (!ok) rules.push('weak_given_name');
  }
  if (given === 'missing' && !(mobile || birth === 'exact' || emailExact || (unreliable(weights, 'given') && corroborated('given')))) rules.push('weak_given_name');
  const birthAgrees = birth === 'exact' || birth === 'close' || (birth === 'near' && unreliable(weights, 'birth'));
  const other = birthAgrees || [email, phone, address, company].some((l) => l !== 'missing' && l !== 'disagree');
  // Name-only pairs: only an exact written full name may merge (as a weak link,
  // see cluster.ts); anything else goes to review.
  if (!other && !(family === 'exact' && given === 'exact' && cmp.flags.includes('name_written_exact'))) rules.push('name_only');
  return rules;
}

/**
 * Only the name links the pair (no other agreement): merged in a second, ambiguity-checked phase. Also asked of a
 * review item's stored evidence, to tell the reviewer (the queue marks such pairs 「氏名のみ」).
 */
export function isNameOnly(cmp: FieldLevels): boolean {
  return (['birth', 'email', 'phone', 'address', 'company'] as const).every((f) => {
    const l = levelOf(cmp, f);
    return l === 'missing' || l === 'disagree' || l === 'near';
  });
}

/**
 * A pair that only the name links, and that an e-mail, phone, address, company or birth date contradicts, is
 * distinct, not a review case: in a large ledger such pairs are namesakes (at 100k generated records, 7,077 of 8,682
 * review items, none of them the same person; at 1M the queue had grown to 654k items, unusable; on ja-dedup-dev and
 * the held-out sets, 62 / 75 / 66 pairs, none the same person). A name-only pair with nothing said against it (a
 * business card and a web form that share no other field) still goes to review.
 */
const NAME_ONLY_CONTRADICTIONS = 1;

function contradictions(cmp: Comparison): number {
  return (['birth', 'email', 'phone', 'address', 'company'] as const).filter((f) => levelOf(cmp, f) === 'disagree').length;
}

/**
 * Whether every field the pair agrees on (any level but disagree; gender aside) is one the keys that found it forced
 * to agree: strangers met through a shared birth date, both names and the address different. Their birth date is
 * rare in the population (its weight is estimated so: weights.ts DEBIASED_FIELDS), so the posterior put 200 such
 * pairs of Febrl2 in review, none of them a duplicate; a pair with anything more in common is decided as before.
 */
function onlyForced(cmp: Comparison, forced: number | undefined): boolean {
  if (forced === undefined || forced === 0) return false;
  return cmp.fields.every((fc, bit) => fc.field === 'gender' || fc.index < 0 || fc.level === 'disagree' || (forced & (1 << bit)) !== 0);
}

/**
 * Pairs the rules already tell apart, which a reviewer could only confirm: a given name or birth date that disagrees
 * on a field the data shows to be reliable (hasBlockingConflict: the same conflict that keeps them out of one
 * cluster), unless they share a mobile number (one person's own line: a typo in the name is then likelier than
 * twins); and a name-only pair whose given names only look alike (健太 / 健二 with nothing else in common). On the
 * generated held-out sets these were 61 + 28 of 467 review items, none of them one person (households: parent and
 * child, spouses, siblings at one address; twins sharing a family e-mail).
 */
function toldApart(cmp: Comparison, rules: readonly string[], weights: MatchWeights): boolean {
  if (hasBlockingConflict(rules, weights) && levelOf(cmp, 'phone') !== 'exact_mobile') return true;
  if (rules.includes('family_name_change') && !sharesOwnIdentifier(cmp)) return true;
  return rules.includes('weak_given_name') && rules.includes('name_only');
}

/**
 * What the pair shares of what only one person carries: a birth date, a home address, a mobile number, a mailbox of
 * one's own at home or at work (a role address such as info@ is a desk, not a person). With `typos`, a value one typo
 * off counts as shared.
 */
function ownIdentifiersShared(cmp: Comparison, { typos }: { typos: boolean }): Record<'birth' | 'address' | 'mobile' | 'personalMailbox' | 'workMailbox', boolean> {
  const agrees = (field: 'birth' | 'address' | 'email'): boolean => {
    const level = levelOf(cmp, field);
    return level === 'exact' || (typos && level === 'close');
  };
  const mailbox = agrees('email') && !cmp.flags.includes('email_role');
  const atWork = cmp.flags.includes('email_organisation');
  return {
    birth: agrees('birth'),
    address: agrees('address'),
    mobile: levelOf(cmp, 'phone') === 'exact_mobile',
    personalMailbox: mailbox && !atWork,
    workMailbox: mailbox && atWork,
  };
}

/**
 * Whether the pair shares anything of its own (ownIdentifiersShared, typos included). A married name keeps some of
 * these (issue 26: her given name, reading, birth date and usually her mobile or personal e-mail); two people who only
 * share a given name (with the company, the office's number or its address) are colleagues or strangers, whatever
 * their family names. Such pairs were 53,087 of the 68,362 review items of a generated 1M-row import (same company
 * and given name, different family name; none of them one person), so without this they filled the queue as the
 * ledger grew.
 */
function sharesOwnIdentifier(cmp: Comparison): boolean {
  return Object.values(ownIdentifiersShared(cmp, { typos: true })).some(Boolean);
}

/**
 * The same given name and the same birth date. With another family name, decidePair lifts `family_name_change` when
 * few people of a ledger this size could share that given name and birth date by chance (ledgerLogOdds reaches the
 * merge threshold): a married name whose sources kept her birth date but neither her mobile nor her mailbox. The
 * rule stays for a common given name (陽菜 born on one day is two women in a large ledger) and for every name as the
 * ledger grows. On the generated held-out sets these were 6 of 6 and 6 of 6 such review pairs, all one person (seeds
 * 1, 2); ja-dedup-dev has one such pair, two people, which stays (its given name is common).
 */
function givenNameAndBirthDate(cmp: Comparison): boolean {
  return levelOf(cmp, 'given') === 'exact' && levelOf(cmp, 'birth') === 'exact';
}

export interface DecideOptions {
  /**
   * Records in the ledger the pair was drawn from (linked records plus the batch being resolved). When it is larger
   * than the set the weights were trained on, a pair that only the name links is that much likelier to be two
   * namesakes: see namesakeBits.
   */
  ledgerRecords?: number;
  /** The ledger's counts of the pair's written names (ledgerLogOdds); without them the weights' own sample's. */
  ledgerNames?: LedgerNameCounts;
  /**
   * Fields the keys that found this pair forced to agree (forcedByBlocking, a bit mask over FIELDS). A pair that
   * agrees on nothing else was found by chance, not by evidence: it goes no further than distinct.
   */
  forced?: number;
}

/**
 * How much a name-only pair's log-odds (bits) fall when the ledger is larger than the records the weights were
 * trained on: log2(ledger / trained). A name is evidence only against the people who could share it by chance, and
 * their number grows with the ledger, while the weights' prior and name frequencies were estimated at the size of
 * the training batch (the first chunk of an import). With the same odds at every size, name-only merges went wrong
 * as the ledger grew: in a 100,000-row generated file, 677 of the 713 wrong links were name-only merges of namesakes,
 * and no right link was name-only. Pairs with any other agreement (a birth date, a phone, an address) are left as
 * they are: their evidence does not grow commoner with the ledger the way a shared name does.
 */
export function namesakeBits(weights: Pick<MatchWeights, 'training'>, ledgerRecords: number | undefined): number {
  const trained = weights.training?.records ?? 0;
  if (ledgerRecords === undefined || trained <= 0 || ledgerRecords <= trained) return 0;
  return Math.log2(ledgerRecords / trained);
}

/**
 * Both records name the same person's own mailbox and their names do not disagree (one may have none). A personal
 * address is read by one person: two records sharing it are that person unless the names, or the birth dates, say
 * otherwise (a family address shared by 健太 and 健二 is caught by given_name_conflict, a role address such as info@
 * never counts). Trained weights can miss this where the batch is small or its e-mails rarely agree, which left an
 * exact name and e-mail at 66% and a customer without a name unlinked.
 */
export function isEmailIdentity(cmp: Comparison): boolean {
  if (!cmp.flags.includes('email_identity')) return false;
  return levelOf(cmp, 'family') !== 'disagree' && levelOf(cmp, 'given') !== 'disagree';
}

export function hasHardConflict(rules: readonly string[]): boolean {
  return rules.some((r) => HARD_CONFLICTS.has(r));
}

/**
 * Score and decide one pair.
 *
 * @example decidePair('a', 'b', compareRecords(a, b), weights).outcome // 'merge' | 'review' | 'distinct'
 */
export function decidePair(aId: string, bId: string, cmp: Comparison, weights: MatchWeights, options: DecideOptions = {}): ScoredPair {
  const { logOdds, fieldWeights: ws } = scoreComparison(weights, cmp);
  const weak = isNameOnly(cmp);
  const ruled = ruleViolations(cmp, weights);
  // Pairs whose evidence is a name: nothing else agrees, or a family name changed with the given name kept. How many
  // people of this ledger could share it by chance (ledgerLogOdds) decides what the pair is worth.
  const nameOdds = weak || ruled.includes('family_name_change') ? ledgerLogOdds(weights, cmp, options.ledgerRecords, options.ledgerNames) : null;
  // A name-only pair whose one comparable field disagrees on the employer: a job change when the name is rare enough
  // that no one else in the ledger is likely to carry it, a namesake at another company when it is common.
  const acrossEmployers = weak && levelOf(cmp, 'company') === 'disagree';
  const score = (acrossEmployers ? nameOdds : null) ?? logOdds - (weak ? namesakeBits(weights, options.ledgerRecords) : 0);
  // A name that many people of a ledger this size carry: a pair it links is likelier two people than one (below the
  // review threshold), so a reviewer would only be asked to confirm that. In the generated 100,000-row import the
  // name-only ones were half of the queue (492 of 1,053 items, none of them one person); in a ledger of a few
  // thousand, where a name is rarer, they stay.
  const commonName = nameOdds !== null && probabilityOf(nameOdds) < weights.thresholds.review;
  const probability = probabilityOf(score);
  const needed = weak ? Math.max(weights.thresholds.merge, weights.thresholds.nameOnly ?? weights.thresholds.merge) : weights.thresholds.merge;
  const rules = ruled.filter((r) => r !== 'family_name_change' || !(givenNameAndBirthDate(cmp) && nameOdds !== null && probabilityOf(nameOdds) >= needed));
  let outcome: Outcome;
  // The same personal mailbox (not a role address, not a placeholder: prepare drops those) with nothing against it —
  // no name, birth-date or weak-name rule — is one person whatever the trained odds: see isEmailIdentity.
  const identity = rules.length === 0 && isEmailIdentity(cmp);
  if ((probability >= needed || identity) && rules.length === 0) outcome = 'merge';
  else if (probability >= weights.thresholds.review && !commonName && !(weak && contradictions(cmp) >= NAME_ONLY_CONTRADICTIONS) && !onlyForced(cmp, options.forced) && !toldApart(cmp, rules, weights)) outcome = 'review';
  else outcome = 'distinct';
  const evidence: EvidenceItem[] = cmp.fields.map((fc, i) => ({
    field: fc.field,
    level: fc.level,
    weight: Math.round(ws[i]! * 100) / 100,
    detail: fc.detail,
  }));
  return { a: aId, b: bId, probability, score, outcome, rules, evidence, weak };
}
