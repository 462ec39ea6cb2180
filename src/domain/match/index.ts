/**
 * Daicho identity resolution (pure, no I/O).
 *
 * @example
 * import { prepareMatchRecord, resolveBatch } from './domain/match/index.ts';
 * const recs = rows.map((r) => prepareMatchRecord({ id: r.id, source: 'pos', fields: r.fields }));
 * const { clusters, reviews, weights } = resolveBatch(recs);
 */
export * from './types.ts';
export { prepareMatchRecord, fullNameOf, isPersonalDomain } from './prepare.ts';
export { blockCap, blockingKeys, keyTier, candidatePairs, freeFieldMask, DEFAULT_MAX_BLOCK_SIZE, KIND_CAPS, type BlockingStats } from './blocking.ts';
export { compareRecords, compareNamePart, isRoleAddress } from './compare.ts';
export { trainWeights, defaultWeights, forcedByBlocking, termFrequencies, scoreComparison, probabilityOf, ledgerLogOdds, countLedgerNames, DEFAULT_THRESHOLDS, MIN_TRAINING_RECORDS, type LedgerNameCounts, type TrainOptions } from './weights.ts';
export { decidePair, isEmailIdentity, isNameOnly, namesakeBits, ruleViolations, hasHardConflict, hasBlockingConflict, HARD_CONFLICTS, type DecideOptions } from './decide.ts';
export { clusterGreedy, clusterTargets, type ClusterEdge, type ClusterLink } from './cluster.ts';
export {
  resolveBatch,
  scoreCandidates,
  assignIncremental,
  MIN_LINK_PROBABILITY,
  type ResolveOptions,
  type ResolveResult,
  type ResolvedLink,
  type ReviewItem,
  type CandidateScore,
  type IncrementalDecision,
} from './resolve.ts';
export { reviewPattern, learnedVerdict, acceptedShare, decisionValue, SETTLED_SHARE, type PatternSource, type PatternTally } from './feedback.ts';
export { kanaToRomaji } from './romaji.ts';
export { jaroWinkler, osaDistance, osaWithin } from './strings.ts';
