/** An RFM tier as a coloured badge (優良 / 安定 / 新規 / 要注意 / 離反 / 休眠, or 購入なし), and yen amounts as the value screens show them. */
import { RFM_TIERS, type RfmTier } from '../../domain/value/rfm.ts';
import { useI18n } from '../i18n.ts';

export function yen(amount: string | number | null | undefined): string {
  const n = Number(amount);
  return amount === null || amount === undefined || !Number.isFinite(n) ? '—' : `¥${Math.round(n).toLocaleString('ja-JP')}`;
}

export function tierLabel(tier: string | null | undefined, lang: 'ja' | 'en', none: string): string {
  if (!tier) return none;
  return tier in RFM_TIERS ? RFM_TIERS[tier as RfmTier][lang] : tier;
}

export function TierBadge({ tier }: { tier: string | null }) {
  const { t, lang } = useI18n();
  return <span className={`badge tier-badge tier-${tier ?? 'none'}`} data-testid="tier-badge" data-tier={tier ?? ''}>{tierLabel(tier, lang, t('seg.tier.none'))}</span>;
}

