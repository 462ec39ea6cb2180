/**
 * NPS and CSAT from survey scores (issue 24).
 *
 * NPS: scores on the 0–10 "would you recommend" scale; 9–10 promoters, 7–8 passives, 0–6 detractors;
 * nps = (promoters − detractors) / n × 100, in −100..100, unrounded (callers round for display). CSAT: the share of
 * "satisfied" answers, the top boxes of the scale: score ≥ ⌈0.8 × max⌉ (4–5 on a 1–5 scale, 8–10 on 0–10).
 * Scores that are not finite integers on the scale are ignored rather than guessed (an import typo must not count
 * as a detractor); n counts the scores used. With no usable score the figure is null, not 0.
 */

export function npsOf(scores: number[]): { n: number; promoters: number; passives: number; detractors: number; nps: number | null } {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const s of scores) {
    if (!Number.isInteger(s) || s < 0 || s > 10) continue;
    if (s >= 9) promoters++;
    else if (s >= 7) passives++;
    else detractors++;
  }
  const n = promoters + passives + detractors;
  return { n, promoters, passives, detractors, nps: n === 0 ? null : ((promoters - detractors) / n) * 100 };
}

export function csatOf(scores: number[], max = 5): { n: number; satisfied: number; share: number | null } {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`CSAT scale maximum must be a positive integer, got ${max}`);
  const floor = Math.ceil(0.8 * max);
  let n = 0;
  let satisfied = 0;
  for (const s of scores) {
    if (!Number.isInteger(s) || s < 0 || s > max) continue;
    n++;
    if (s >= floor) satisfied++;
  }
  return { n, satisfied, share: n === 0 ? null : satisfied / n };
}
