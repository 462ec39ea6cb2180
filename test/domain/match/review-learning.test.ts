/**
 * The review queue keeps only what a person can decide, and learns from what they decide (feedback.ts): pairs the
 * rules already tell apart are not review items; decisions are tallied per pattern; a settled pattern decides new
 * pairs in resolveBatch, still under anti-chaining.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptedShare,
  compareRecords,
  decidePair,
  decisionValue,
  defaultWeights,
  learnedVerdict,
  prepareMatchRecord,
  resolveBatch,
  reviewPattern,
  type MatchInput,
  type MatchRecord,
  type ReviewItem,
} from '../../../src/domain/match/index.ts';

let seq = 0;
const rec = (fields: MatchInput['fields'], source = 's'): MatchRecord => prepareMatchRecord({ id: `r${String(++seq).padStart(5, '0')}`, source, fields });

describe('pairs the rules tell apart are not review items', () => {
  const weights = defaultWeights();
  test('a household: same surname and address, another given name → distinct; with one mobile number → review', () => {
    const mother = rec({ full_name: '佐々木 和子', address: '宮城県仙台市青葉区一番町2丁目4-1', phone: '022-261-4410' });
    const son = rec({ full_name: '佐々木 健太', address: '宮城県仙台市青葉区一番町2丁目4-1', phone: '022-261-4410' });
    const pair = decidePair(mother.id, son.id, compareRecords(mother, son), weights);
    assert.ok(pair.rules.includes('given_name_conflict'));
    assert.equal(pair.outcome, 'distinct');
    const a = rec({ full_name: '佐々木 和子', address: '宮城県仙台市青葉区一番町2丁目4-1', phone: '090-3456-7812' });
    const b = rec({ full_name: '佐々木 真理', address: '宮城県仙台市青葉区一番町2丁目4-1', phone: '090-3456-7812' });
    const shared = decidePair(a.id, b.id, compareRecords(a, b), weights);
    assert.ok(shared.rules.includes('given_name_conflict'));
    assert.equal(shared.outcome, 'review', 'her own mobile: a mistyped given name is likelier than two people');
  });

  test('names that only look alike and nothing else in common → distinct', () => {
    const a = rec({ full_name: '高橋 健太' });
    const b = rec({ full_name: '高橋 健二' });
    const pair = decidePair(a.id, b.id, compareRecords(a, b), weights);
    assert.deepEqual([...pair.rules].sort(), ['name_only', 'weak_given_name']);
    assert.equal(pair.outcome, 'distinct');
  });
});

describe('patterns and tallies', () => {
  const item = (over: Partial<ReviewItem> = {}): ReviewItem => ({
    a: 'a', b: 'b', score: 3, probability: 0.97, rules: [],
    evidence: [
      { field: 'family', level: 'exact', weight: 2.1, detail: '' },
      { field: 'given', level: 'exact', weight: 2.0, detail: '' },
      { field: 'company', level: 'disagree', weight: -2.4, detail: '' },
    ],
    ...over,
  });

  test('a pattern is every field level, the rules, the probability band and the rarity of the name', () => {
    const p = reviewPattern(item());
    assert.match(p, /^family=exact given=exact birth=missing .* company=disagree \| - \| p95 \| name4$/u);
    assert.equal(reviewPattern(item({ probability: 0.96, score: 9 })), p, 'details that do not change the case do not change the pattern');
    assert.notEqual(reviewPattern(item({ probability: 0.6 })), p, 'one of several candidates is another case');
    assert.notEqual(reviewPattern(item({ rules: ['name_only'] })), p);
    const rare = item({ evidence: [{ field: 'family', level: 'exact', weight: 7, detail: '' }, { field: 'given', level: 'exact', weight: 6, detail: '' }] });
    assert.notEqual(reviewPattern(rare), reviewPattern(item({ evidence: [{ field: 'family', level: 'exact', weight: 1, detail: '' }, { field: 'given', level: 'exact', weight: 1, detail: '' }] })));
  });

  test('settled only with enough agreeing decisions (Wilson bound at 95%)', () => {
    assert.equal(learnedVerdict(undefined), null);
    assert.equal(learnedVerdict({ accepted: 10, rejected: 0 }), null, 'ten accepts are not enough to merge unseen pairs');
    assert.equal(learnedVerdict({ accepted: 60, rejected: 0 }), 'merge');
    assert.equal(learnedVerdict({ accepted: 60, rejected: 6 }), null, 'one in eleven was two people: keep asking');
    assert.equal(learnedVerdict({ accepted: 0, rejected: 60 }), 'distinct');
    assert.equal(learnedVerdict({ accepted: 30, rejected: 30 }), null);
    assert.ok(Math.abs(acceptedShare({ accepted: 3, rejected: 1 }) - 4 / 6) < 1e-12);
  });

  test('a decision is worth more where it covers more open pairs and where the tally is unsure', () => {
    const fresh = { accepted: 0, rejected: 0 };
    assert.ok(decisionValue(fresh, 40) > decisionValue(fresh, 4));
    assert.ok(decisionValue({ accepted: 5, rejected: 5 }, 40) > decisionValue({ accepted: 30, rejected: 0 }, 40));
    assert.equal(decisionValue(fresh, 0), 0);
  });
});

describe('resolveBatch decides settled patterns as the reviewers did', () => {
  // A person met twice with nothing but an exact name (a business card and a web form that share no other field: one
  // person, or two namesakes). With the untrained weights the pair scores below the merge threshold asked for here,
  // so it is a review item.
  const weights = { ...defaultWeights(), thresholds: { merge: 0.99, review: 0.3, nameOnly: 0.99 } };
  const records = [
    rec({ full_name: '永瀬 真一郎', company_name: '株式会社フジキカイ' }, 'meishi'),
    rec({ full_name: '永瀬 真一郎' }, 'web'),
    rec({ full_name: '永瀬 真一郎', birth_date: '1980-04-02', phone: '090-3456-7812', company_name: '東邦ガス' }, 'crm'),
    rec({ full_name: '永瀬 真一郎', birth_date: '1975-11-30', phone: '090-3456-7899' }, 'crm'),
  ];

  test('without decisions the pair is a review item; settled "merge" links it; settled "distinct" drops it', () => {
    const plain = resolveBatch(records.slice(0, 2), { weights });
    assert.equal(plain.clusters.length, 2);
    assert.equal(plain.reviews.length, 1);
    const pattern = reviewPattern(plain.reviews[0]!);
    const merged = resolveBatch(records.slice(0, 2), { weights, learned: (it) => (reviewPattern(it) === pattern ? 'merge' : null) });
    assert.equal(merged.clusters.length, 1);
    assert.equal(merged.reviews.length, 0);
    assert.equal(merged.links[0]![0]!.learned, true, 'the link says it was learned, for the decision record');
    const apart = resolveBatch(records.slice(0, 2), { weights, learned: () => 'distinct' });
    assert.equal(apart.clusters.length, 2);
    assert.equal(apart.reviews.length, 0);
  });

  test('a learned merge is still refused when it would chain two people a birth date tells apart', () => {
    const all = resolveBatch(records, { weights, learned: () => 'merge' });
    assert.ok(all.links.flat().some((l) => l.learned), 'a learned link was made');
    const withBoth = all.clusters.find((c) => c.includes(records[2]!.id) && c.includes(records[3]!.id));
    assert.equal(withBoth, undefined);
  });
});
