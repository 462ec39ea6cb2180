/**
 * Codes the server stores and the UI must not show raw: identity rules (match_decisions.rule, review rules) and the
 * built-in 'manual' source, whose label and description a migration stored in English. Pure (no React): the pages
 * pass their translate functions. Tested in test/web/system-labels.test.ts.
 */
import type { Translate } from './i18n.ts';

type TranslateOr = (key: string, fallback: string) => string;

/** 「一致する顧客なし」 for no_match, 「レビュー #12」 for review_item:12; an unknown rule stays as its code. */
export function identityRuleText(rule: string, t: Translate, tOr: TranslateOr): string {
  const review = /^review_item:(\d+)$/u.exec(rule);
  if (review) return t('identity.rule.review_item', { n: review[1]! });
  return tOr(`identity.rule.${rule}`, rule);
}

/** The description migration 0001 gave the manual source: shown translated unless someone has since rewritten it. */
export const MANUAL_SOURCE_SEED_DESCRIPTION = 'Edits made by users in the UI or through the API';

/** A source's label and description for people: the built-in manual source in the UI's language, others as entered. */
export function sourceTexts(source: { name: string; label: string; description: string | null }, t: Translate): { label: string; description: string | null } {
  if (source.name !== 'manual') return { label: source.label, description: source.description };
  const description = source.description === MANUAL_SOURCE_SEED_DESCRIPTION || !source.description ? t('sources.manualDescription') : source.description;
  return { label: t('provenance.manual'), description };
}
