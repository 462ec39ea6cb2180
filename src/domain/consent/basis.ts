/**
 * The lawful basis for sending a person marketing e-mail under 特定電子メール法 (pure).
 *
 * An opt-in recorded for the person (a form's consent checkbox, an import's consent column, a staff entry) is the
 * basis; an opt-out (denied or withdrawn) stops every marketing e-mail whatever the sources say; without either, the
 * law's exceptions (§3): an address handed over in writing (名刺), an existing business relationship (取引関係), or
 * one published for business. A source's `email_basis` says which exception covers its records; opt_in_per_record
 * and none give nothing by themselves (the record's own consent event does, or not).
 */
import type { CurrentConsentState } from './purposes.ts';

export const EMAIL_BASES = ['opt_in_per_record', 'business_card', 'business_relationship', 'published_for_business', 'none'] as const;
export type EmailBasisCode = (typeof EMAIL_BASES)[number];

export type EmailBasisStatus = 'opted_in' | 'business_card' | 'business_relationship' | 'published_for_business' | 'no_basis' | 'opted_out';

export const EMAIL_BASIS_LABELS: Record<EmailBasisCode, { ja: string; en: string; hintJa: string }> = {
  opt_in_per_record: {
    ja: '個別の同意 (オプトイン)', en: 'Per-record opt-in',
    hintJa: 'レコードごとに記録された同意 (フォームのチェックボックス、取り込みの同意列) だけが送信の根拠になります',
  },
  business_card: {
    ja: '名刺交換', en: 'Business card',
    hintJa: '名刺などの書面でアドレスを通知された人には、同意がなくても送信できます (特定電子メール法の例外)。拒否されたら送信しません',
  },
  business_relationship: {
    ja: '取引関係', en: 'Business relationship',
    hintJa: '取引関係にある人には、同意がなくても送信できます (特定電子メール法の例外)。拒否されたら送信しません',
  },
  published_for_business: {
    ja: '事業用に公表されたアドレス', en: 'Published for business',
    hintJa: 'ウェブサイト等で事業用に公表されたアドレスには送信できます (「広告お断り」の表示があれば不可)',
  },
  none: {
    ja: 'なし', en: 'None',
    hintJa: 'このソースは送信の根拠になりません (他で記録された同意があれば送信できます)',
  },
};

export const EMAIL_STATUS_LABELS: Record<EmailBasisStatus, { ja: string; en: string }> = {
  opted_in: { ja: '同意 (オプトイン) により送信可', en: 'May be mailed: opted in' },
  business_card: { ja: '名刺交換により送信可', en: 'May be mailed: business card' },
  business_relationship: { ja: '取引関係により送信可', en: 'May be mailed: business relationship' },
  published_for_business: { ja: '事業用に公表されたアドレスにより送信可', en: 'May be mailed: address published for business' },
  no_basis: { ja: '送信の根拠なし (送信不可)', en: 'No lawful basis: not mailed' },
  opted_out: { ja: '配信停止・拒否 (送信不可)', en: 'Opted out: not mailed' },
};

/** The exceptions from strongest to weakest: a business relationship covers more than a card handed over once. */
const EXCEPTIONS = ['business_relationship', 'business_card', 'published_for_business'] as const;

export interface EmailBasisResult {
  status: EmailBasisStatus;
  /** Whether marketing e-mail may be sent on this basis. */
  mayEmail: boolean;
}

/**
 * The basis for one person: `state` is their current email_marketing consent state, `sourceBases` the email_basis of
 * the sources of their live records (duplicates and order do not matter).
 */
export function emailLawfulBasis(state: CurrentConsentState, sourceBases: readonly EmailBasisCode[]): EmailBasisResult {
  if (state === 'denied' || state === 'withdrawn') return { status: 'opted_out', mayEmail: false };
  if (state === 'granted') return { status: 'opted_in', mayEmail: true };
  const present = new Set(sourceBases);
  for (const exception of EXCEPTIONS) if (present.has(exception)) return { status: exception, mayEmail: true };
  return { status: 'no_basis', mayEmail: false };
}
