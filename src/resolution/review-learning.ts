import type { Db } from '../db/database.ts';
import { decisionValue, learnedVerdict, reviewPattern, type ReviewItem } from '../domain/match/index.ts';
import * as repo from './resolution.repository.ts';

/**
 * The review queue as the model's teacher (src/domain/match/feedback.ts): the resolver asks what the reviewers have
 * settled before it writes new items, and the queue's order is refreshed whenever a decision or an import changes a
 * pattern's tally.
 */

/** The verdicts the reviewers' labels support, for resolveBatch's `learned` option (null when nothing is settled). */
export async function learnedDecisions(db: Db): Promise<((item: ReviewItem) => 'merge' | 'distinct' | null) | null> {
  const settled = new Map<string, 'merge' | 'distinct'>();
  for (const c of await repo.labelledPatterns(db)) {
    const verdict = learnedVerdict(c);
    if (verdict !== null) settled.set(c.pattern, verdict);
  }
  if (settled.size === 0) return null;
  return (item) => settled.get(reviewPattern(item)) ?? null;
}

/** Recomputes what deciding an open item of each pattern is worth (the queue's order). */
export async function refreshPriorities(db: Db, patterns: Iterable<string>): Promise<void> {
  const list = [...new Set(patterns)];
  const counts = await repo.patternCounts(db, list);
  await repo.savePatterns(db, counts.map((c) => ({ ...c, priority: decisionValue(c, c.open) })));
}

/** Fills in the pattern of items stored before patterns were (migration 0042), then their priorities. */
export async function backfillPatterns(db: Db, batch = 2000): Promise<number> {
  let done = 0;
  const touched = new Set<string>();
  for (;;) {
    const rows = await repo.listItemsWithoutPattern(db, batch);
    if (rows.length === 0) break;
    const patterns = rows.map((r) => ({
      id: Number(r.id),
      pattern: reviewPattern({ rules: r.rules as string[], evidence: r.evidence as ReviewItem['evidence'], probability: r.probability }),
    }));
    await repo.setItemPatterns(db, patterns);
    for (const p of patterns) touched.add(p.pattern);
    done += rows.length;
  }
  if (touched.size > 0) await refreshPriorities(db, touched);
  return done;
}

