/**
 * Learning from the review queue (active learning).
 *
 * A reviewer's accept or reject is a label for one pair, and pairs that look alike to the model look alike to the
 * next reviewer: the same level on every field (name exact, company different, nothing else known…), the same rules
 * that kept them out of an automatic merge, and about the same probability once the other candidates of their
 * records are counted (a rare full name with one candidate is not a common one with four). That is a pair's
 * *pattern*. Decisions are tallied per pattern; once a pattern's tally says, with 95% confidence, that at least 90% of
 * its pairs are one person (or at most 10% are), the importer decides new pairs of that pattern the same way — a merge
 * still has to pass clustering's anti-chaining checks against every record of both clusters, exactly like a merge the
 * model made — and the queue offers the open pairs of the pattern for a decision in one step.
 *
 * Which pair to ask about next: the one whose answer teaches the most — the open pairs its pattern covers times how
 * unsure the tally still is about that pattern (uncertainty sampling weighted by density). A pattern the reviewers
 * have settled sinks, however many pairs it holds; a large pattern nobody has decided rises.
 */
import { FIELDS, type EvidenceItem } from './types.ts';

/** What a pattern is computed from: a review item as the resolver writes it (or as stored in review_items). */
export interface PatternSource {
  rules: readonly string[];
  evidence: ReadonlyArray<Pick<EvidenceItem, 'field' | 'level'> & { weight?: number }>;
  /** The probability the queue shows (calibrated against the record's other candidates). */
  probability: number;
}

/** Probability bands of a pattern: a lone candidate at 97% and one of four namesakes at 40% are different cases. */
const BANDS = [0.95, 0.8, 0.5] as const;

function band(probability: number): string {
  for (const b of BANDS) if (probability >= b) return `p${Math.round(b * 100)}`;
  return 'p0';
}

/**
 * The pattern of a pair, as a readable key: every field's level in FIELDS order, the rules, the probability band.
 *
 * @example reviewPattern({ rules: ['name_only'], evidence, probability: 0.97 })
 * // 'family=exact given=exact birth=missing … | name_only | p95'
 */
export function reviewPattern(item: PatternSource): string {
  const level = new Map(item.evidence.map((e) => [e.field, e.level]));
  const fields = FIELDS.map((f) => `${f}=${level.get(f) ?? 'missing'}`).join(' ');
  const rules = [...item.rules].sort().join(',') || '-';
  // How rare the shared name is (the name fields' weights carry the term-frequency adjustment): 佐藤 太郎 and
  // 勅使河原 澪 agreeing on nothing else are not the same case.
  const nameBits = item.evidence.filter((e) => e.field === 'family' || e.field === 'given').reduce((s, e) => s + (e.weight ?? 0), 0);
  return `${fields} | ${rules} | ${band(item.probability)} | name${NAME_BAND * Math.floor(nameBits / NAME_BAND)}`;
}

/** Width of a name-rarity band, in bits (a factor of 16 in how many people share the name). */
const NAME_BAND = 4;

/** Reviewers' decisions on pairs of one pattern ('never' counts as a reject). */
export interface PatternTally {
  accepted: number;
  rejected: number;
}

/** One-sided 95% (z = 1.645): the Wilson score bound is right for small counts, where the normal one is not. */
const Z = 1.645;
/** A pattern is settled when its bound passes this share (merge) or stays below 1 − this (distinct). */
export const SETTLED_SHARE = 0.95;

function wilson(successes: number, n: number, sign: 1 | -1): number {
  if (n === 0) return sign === 1 ? 1 : 0;
  const p = successes / n;
  const z2 = Z * Z;
  const centre = p + z2 / (2 * n);
  const spread = Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return (centre + sign * spread) / (1 + z2 / n);
}

/**
 * What the reviewers' tally says about new pairs of the pattern: 'merge' when the lower 95% bound of the accepted
 * share is at least SETTLED_SHARE (25 accepts and no reject, 40 with one), 'distinct' when the upper bound is at most
 * 1 − SETTLED_SHARE, otherwise nothing (the pair goes to the queue as the model decided).
 */
export function learnedVerdict(tally: PatternTally | undefined): 'merge' | 'distinct' | null {
  if (tally === undefined) return null;
  const n = tally.accepted + tally.rejected;
  if (n === 0) return null;
  if (wilson(tally.accepted, n, -1) >= SETTLED_SHARE) return 'merge';
  if (wilson(tally.accepted, n, 1) <= 1 - SETTLED_SHARE) return 'distinct';
  return null;
}

/** The share of the pattern's pairs that are one person, as the tally estimates it (Beta(1, 1) prior). */
export function acceptedShare(tally: PatternTally): number {
  return (tally.accepted + 1) / (tally.accepted + tally.rejected + 2);
}

/**
 * What deciding one open pair of the pattern is worth: the open pairs it informs times the variance of the accepted
 * share (Beta(accepted + 1, rejected + 1)), which falls as decisions agree. Used to rank the queue.
 */
export function decisionValue(tally: PatternTally, open: number): number {
  const a = tally.accepted + 1;
  const b = tally.rejected + 1;
  const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
  return open * variance;
}
