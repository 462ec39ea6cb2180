/**
 * RFM scores and tiers. A score is 1 + ⌊bins × (share of buyers with a strictly worse value)⌋: equal values always
 * get equal scores, and a value most buyers share (one purchase) gets the lowest score instead of a middle one, so
 * one-time buyers never share an F score with repeat buyers. Scores may skip (F 1 then 4) when ties are heavy:
 * the grid shows what the data holds. R: more recent is better; F, M: more is better.
 *
 * The thresholds (smallest value reaching each score) are kept with the run, so one new order is scored against
 * the same cut points without recomputing everyone.
 */

export const DEFAULT_BINS = 5;

/**
 * Cut points from the distinct values (ascending, "better" = larger) with their counts: cut[k-1] is the smallest
 * value whose count of strictly smaller values reaches k/bins of all, for k = 1 … bins−1 (null when none does).
 */
export function scoreCuts(distinct: ReadonlyArray<{ value: number; count: number }>, bins: number = DEFAULT_BINS): Array<number | null> {
  const sorted = [...distinct].sort((a, b) => a.value - b.value);
  const n = sorted.reduce((sum, d) => sum + d.count, 0);
  const cuts: Array<number | null> = [];
  for (let k = 1; k < bins; k++) {
    let below = 0;
    let cut: number | null = null;
    for (const d of sorted) {
      if (below * bins >= k * n) { cut = d.value; break; }
      below += d.count;
    }
    cuts.push(cut);
  }
  return cuts;
}

/** The score of a value against its cut points: 1 + the number of cut points it reaches. */
export function scoreOf(value: number, cuts: ReadonlyArray<number | null>): number {
  return 1 + cuts.filter((c) => c !== null && value >= c).length;
}

export const TIERS = ['loyal', 'steady', 'new', 'at_risk', 'lapsing', 'dormant'] as const;
export type Tier = (typeof TIERS)[number];

export const TIER_LABELS: Readonly<Record<Tier, { ja: string; en: string; rule: string }>> = {
  loyal: { ja: '優良', en: 'Loyal', rule: 'R 4–5 × F 4–5' },
  steady: { ja: '安定', en: 'Steady', rule: 'R 3–5 × F 3–5 (優良を除く)' },
  new: { ja: '新規', en: 'New', rule: 'R 4–5 × F 1–2' },
  at_risk: { ja: '要注意', en: 'At risk', rule: 'R 1–2 × F 3–5' },
  lapsing: { ja: '離反', en: 'Lapsing', rule: 'R 2–3 × F 1–2' },
  dormant: { ja: '休眠', en: 'Dormant', rule: 'R 1 × F 1–2' },
};

/**
 * The R×F segment map (the common 5×5 grid of RFM practice, folded to six tiers): recent frequent buyers are 優良,
 * frequent buyers who stopped coming are 要注意 (worth a win-back before they go), recent first buyers are 新規, and
 * the rest by recency. Scores from other bin counts are scaled to 1–5 first.
 */
export function tierOf(r: number, f: number, bins: number = DEFAULT_BINS): Tier {
  const r5 = Math.max(1, Math.min(5, Math.ceil((r * 5) / bins)));
  const f5 = Math.max(1, Math.min(5, Math.ceil((f * 5) / bins)));
  if (r5 >= 4 && f5 >= 4) return 'loyal';
  if (r5 >= 3 && f5 >= 3) return 'steady';
  if (r5 >= 4) return 'new';
  if (f5 >= 3) return 'at_risk';
  if (r5 >= 2) return 'lapsing';
  return 'dormant';
}

/** Every (r, f) cell's tier, row-major from r = 1, f = 1: what the SQL that scores everyone at once looks up. */
export function tierGrid(bins: number = DEFAULT_BINS): Tier[] {
  const grid: Tier[] = [];
  for (let r = 1; r <= bins; r++) for (let f = 1; f <= bins; f++) grid.push(tierOf(r, f, bins));
  return grid;
}
