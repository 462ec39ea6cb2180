/**
 * Customer value models, pure maths (issue 21): RFM facts, scores and tiers; the bias guard for campaign sets;
 * BG/NBD and Gamma-Gamma lifetime-value models with their fitting and forecasts. No storage, no I/O: the segment
 * engine reads orders, calls these, and stores or shows the results. Bad input throws `ValueModelError` (Japanese
 * and English message, the field it is about).
 */
export { ValueModelError } from './errors.ts';
export { type Decimal, parseDecimal, toDecimalString } from './decimal.ts';
export { DEFAULT_TIME_ZONE, localDate } from './calendar.ts';
export {
  type OrderValue, orderValues, RFM_SEGMENTS, RFM_TIERS, type RfmFacts, type RfmFactsOptions, rfmFactsFromOrders, type RfmScore, rfmSegmentGrid, scoreCutsOf,
  type RfmScoreOptions, type RfmSegment, rfmSegment, type RfmTier, rfmTier, scoreRfm, type ValueOrder, type ValueOrderLine,
} from './rfm.ts';
export {
  BIAS_MIN_BUYERS, BIAS_MIN_GROUP_SHARE, BIAS_SHARE_GAP, type BiasGuardCustomer, biasGuard, biasWarnings, biasGuardCustomers, type BiasReport, type BiasWarning,
  type BucketRow, ORDER_COUNT_BUCKETS, type OrderCountBucket, type Summary,
} from './bias-guard.ts';
export { type CalibrationCustomer, type CalibrationOptions, calibrationSummary, type DatedPurchase, purchasesFromOrders } from './calibration.ts';
export {
  type BgNbdFit, type BgNbdParams, bgnbdExpectedPurchases, bgnbdExpectedPurchasesNew, bgnbdLogLikelihood, bgnbdProbabilityAlive,
  checkRepeatSummaries, fitBgNbd, type RepeatSummary,
} from './bgnbd.ts';
export {
  fitGammaGamma, type GammaGammaFit, type GammaGammaParams, gammaGammaExpectedAverageValue, gammaGammaLogLikelihood, type SpendSummary,
} from './gamma-gamma.ts';
export { hyp2f1, lgamma } from './special-functions.ts';
export { nelderMead, type NelderMeadOptions, type NelderMeadResult } from './nelder-mead.ts';
