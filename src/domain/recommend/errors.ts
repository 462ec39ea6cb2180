/**
 * The one error the recommendation logic throws for bad input: a Japanese message first, the English after it, and
 * the option or input it is about. The caller (a use-case service) turns it into a 400 with that field.
 */
export class RecommendError extends Error {
  constructor(
    /** The option or input the problem is about ('minSupport', 'productIds', …). */
    public readonly field: string,
    /** Japanese message. */
    public readonly ja: string,
    /** English message. */
    public readonly en: string,
  ) {
    super(`${ja} (${en})`);
    this.name = 'RecommendError';
  }
}
