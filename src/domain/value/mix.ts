/**
 * The bias guard: does a target group mix one-time and repeat buyers in a way that would distort a campaign?
 * Treating a customer who bought once like one who bought ten times biases every extraction, so a segment's
 * order-count distribution is shown while it is edited, with a plain warning when:
 *  - one_time_majority: one-time buyers are ≥ 50% of the buyers but hold ≤ half their share of revenue
 *    (e.g. 70% of buyers, 20% of revenue): the average hides two different groups;
 *  - heavy_few: buyers with 6+ orders are ≤ 10% of the buyers but hold ≥ 40% of revenue: a few loyal customers
 *    dominate what the segment seems to be worth;
 *  - mostly_non_buyers: non-buyers are ≥ 30% of members beside ≥ 10% buyers: prospects and customers mixed.
 * Split by tier (one click) to act on each group apart.
 */

export interface OrderBucket { bucket: string; customers: number; revenue: number }
export interface MixWarning { code: 'one_time_majority' | 'heavy_few' | 'mostly_non_buyers'; ja: string; en: string }

export const ORDER_BUCKETS = ['0', '1', '2', '3-5', '6-9', '10+'] as const;

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function mixWarnings(buckets: readonly OrderBucket[]): MixWarning[] {
  const get = (b: string) => buckets.find((x) => x.bucket === b) ?? { bucket: b, customers: 0, revenue: 0 };
  const members = buckets.reduce((s, b) => s + b.customers, 0);
  const buyers = members - get('0').customers;
  const revenue = buckets.reduce((s, b) => s + Math.max(0, b.revenue), 0);
  const warnings: MixWarning[] = [];
  if (buyers > 0 && revenue > 0) {
    const once = get('1');
    const onceShare = once.customers / buyers;
    const onceRevenue = Math.max(0, once.revenue) / revenue;
    if (onceShare >= 0.5 && onceShare < 1 && onceRevenue <= onceShare / 2) {
      warnings.push({
        code: 'one_time_majority',
        ja: `購入者の ${pct(onceShare)} が 1 回だけの購入者ですが、売上の ${pct(onceRevenue)} しかありません。リピーターと同じ扱いにすると施策が偏ります。ランクで分割してください。`,
        en: `${pct(onceShare)} of buyers bought once but hold only ${pct(onceRevenue)} of revenue; treating them like repeat buyers skews the campaign. Split by tier.`,
      });
    }
    const heavy = get('6-9').customers + get('10+').customers;
    const heavyRevenue = (Math.max(0, get('6-9').revenue) + Math.max(0, get('10+').revenue)) / revenue;
    const heavyShare = heavy / buyers;
    if (heavy > 0 && heavyShare <= 0.1 && heavyRevenue >= 0.4) {
      warnings.push({
        code: 'heavy_few',
        ja: `6 回以上購入した ${pct(heavyShare)} の顧客が売上の ${pct(heavyRevenue)} を占めています。平均値はこの少数に引っ張られています。`,
        en: `The ${pct(heavyShare)} of buyers with 6+ orders hold ${pct(heavyRevenue)} of revenue; averages are pulled by these few.`,
      });
    }
  }
  if (members > 0) {
    const nonBuyers = get('0').customers / members;
    if (nonBuyers >= 0.3 && buyers / members >= 0.1) {
      warnings.push({
        code: 'mostly_non_buyers',
        ja: `メンバーの ${pct(nonBuyers)} は購入履歴がありません。見込み客と購入者が混在しています。`,
        en: `${pct(nonBuyers)} of members never bought: prospects and customers are mixed.`,
      });
    }
  }
  return warnings;
}
