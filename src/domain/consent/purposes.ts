/**
 * The consent ledger's vocabulary (pure): purposes, states and methods as migration 0024 stores them, their Japanese
 * and English labels, and "most restrictive wins" for a merge.
 */

export const CONSENT_PURPOSES = ['email_marketing', 'dm', 'phone_marketing', 'profiling', 'third_party'] as const;
export type ConsentPurposeCode = (typeof CONSENT_PURPOSES)[number];

export const CONSENT_STATES = ['granted', 'denied', 'withdrawn'] as const;
export type ConsentStateCode = (typeof CONSENT_STATES)[number];
/** A purpose's current state: its latest event's, or none when nothing was ever recorded. */
export type CurrentConsentState = ConsentStateCode | 'none';

export const CONSENT_METHODS = ['form', 'import', 'staff', 'api', 'unsubscribe', 'complaint', 'merge', 'request'] as const;
export type ConsentMethodCode = (typeof CONSENT_METHODS)[number];

export const PURPOSE_LABELS: Record<ConsentPurposeCode, { ja: string; en: string }> = {
  email_marketing: { ja: 'メール配信 (メルマガ)', en: 'Marketing e-mail' },
  dm: { ja: 'DM (郵送)', en: 'Direct mail (post)' },
  phone_marketing: { ja: '電話での案内', en: 'Phone marketing' },
  profiling: { ja: '分析・プロファイリング', en: 'Profiling and analytics' },
  third_party: { ja: '第三者提供', en: 'Provision to third parties' },
};

export const STATE_LABELS: Record<CurrentConsentState, { ja: string; en: string }> = {
  granted: { ja: '許諾', en: 'Granted' },
  denied: { ja: '拒否', en: 'Denied' },
  withdrawn: { ja: '撤回', en: 'Withdrawn' },
  none: { ja: '未取得', en: 'Not recorded' },
};

export function isConsentPurpose(value: string): value is ConsentPurposeCode {
  return (CONSENT_PURPOSES as readonly string[]).includes(value);
}

/** withdrawn > denied > granted > none: how restrictive a state is. */
const RESTRICTION: Record<CurrentConsentState, number> = { none: 0, granted: 1, denied: 2, withdrawn: 3 };

/** The more restrictive of two states (a merge keeps it: an opt-out anywhere stops everything). */
export function mostRestrictive(a: CurrentConsentState, b: CurrentConsentState): CurrentConsentState {
  return RESTRICTION[b] > RESTRICTION[a] ? b : a;
}
