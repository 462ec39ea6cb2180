/**
 * The one error the value models throw for bad input: a Japanese message first, the English after it, and the input
 * field it is about. The caller (a use-case service) turns it into a 400 with that field; nothing is stored by this
 * folder, so nothing can be lost by throwing.
 */
export class ValueModelError extends Error {
  constructor(
    /** The input field the problem is about ('orders[3].lines[0].quantity', 'timeZone', 'bins', …). */
    public readonly field: string,
    /** Japanese message. */
    public readonly ja: string,
    /** English message. */
    public readonly en: string,
  ) {
    super(`${ja} (${en})`);
    this.name = 'ValueModelError';
  }
}
