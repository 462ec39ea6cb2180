/**
 * Cross-sell and up-sell candidates, pure logic (issue 22): association rules as R's arules counts them, item
 * affinity over customers (a streaming builder with bounded memory and a compact model that goes to and from table
 * rows), ranked candidates for one customer with the numbers of their reasons and the reasons' sentences, and the
 * offline hit rate. No storage, no I/O. Bad input throws `RecommendError` (Japanese and English message, its field).
 */
export { RecommendError } from './errors.ts';
export { type AssociationRule, type FrequentItemsets, frequentItemsets, mineRules, type MineRulesOptions, minimumCount } from './apriori.ts';
export {
  AffinityBuilder, type AffinityBuilderOptions, type AffinityModel, type AffinityRow, type BuildOptions, cosine, modelFromRows, modelRows,
  neighbourRow, productCountRows,
} from './affinity.ts';
export {
  type Candidate, type CandidateKind, type CandidateOptions, candidatesFor, type CatalogEntry, type HistoryEntry, type Reason, reasonText,
} from './candidates.ts';
export { type HitRate, hitRateAtK, popularityBaseline } from './evaluate.ts';
