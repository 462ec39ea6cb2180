import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type AssociationRule, frequentItemsets, mineRules, minimumCount, RecommendError } from '../../../src/domain/recommend/index.ts';

/**
 * The Groceries baskets (Hahsler, Hornik & Reutterer; shipped with R's arules, GPL-3; see its README), read from the
 * shared data folder beside the repository (../shared; /work/shared when run from a worktree). Published figures of
 * arules' apriori, single-item right-hand sides:
 * - supp 0.001, conf 0.5 → 5,668 rules (lengths 2:11, 3:1461, 4:3211, 5:939, 6:46); top by lift
 *   {Instant food products, soda} ⇒ {hamburger meat} (supp 0.001220132, conf 0.6315789, lift 18.99565), then
 *   {popcorn, soda} ⇒ {salty snack} 16.69779, {baking powder, flour} ⇒ {sugar} 16.40807;
 * - supp 0.006, conf 0.25, minlen 2 → 463 rules (2:150, 3:297, 4:16); top {herbs} ⇒ {root vegetables} 3.956477.
 */
const BESIDE = fileURLToPath(new URL('../../../../shared/data/transactions/groceries/groceries.csv', import.meta.url));
const GROCERIES = fs.existsSync(BESIDE) ? BESIDE : '/work/shared/data/transactions/groceries/groceries.csv';

const readBaskets = () => fs.readFileSync(GROCERIES, 'utf8').split(/\r?\n/u).filter((line) => line !== '').map((line) => line.split(','));

const byLength = (rules: AssociationRule[]) => {
  const counts: Record<number, number> = {};
  for (const r of rules) counts[r.antecedent.length + 1] = (counts[r.antecedent.length + 1] ?? 0) + 1;
  return counts;
};

const near = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= 5e-7 * Math.abs(expected), `${what}: ${actual} vs ${expected}`);

const pick = (r: AssociationRule) => ({ lhs: r.antecedent, rhs: r.consequent });

test('Groceries, support 0.001 and confidence 0.5: the 5,668 rules arules publishes, by length and at the top by lift, in a few seconds', () => {
  const baskets = readBaskets();
  assert.equal(baskets.length, 9835);
  assert.equal(minimumCount(0.001, baskets.length), 10);
  const started = performance.now();
  const rules = mineRules(baskets, { minSupport: 0.001, minConfidence: 0.5 });
  const ms = performance.now() - started;
  assert.ok(ms < 10_000, `mining took ${ms.toFixed(0)} ms`);
  assert.equal(rules.length, 5668);
  assert.deepEqual(byLength(rules), { 2: 11, 3: 1461, 4: 3211, 5: 939, 6: 46 });
  const [first, second, third] = rules;
  assert.deepEqual(pick(first!), { lhs: ['Instant food products', 'soda'], rhs: 'hamburger meat' });
  near(first!.support, 0.001220132, 'support');
  near(first!.confidence, 0.6315789, 'confidence');
  near(first!.lift, 18.99565, 'lift');
  assert.equal(first!.count, 12);
  near(first!.coverage, 19 / 9835, 'coverage');
  assert.deepEqual(pick(second!), { lhs: ['popcorn', 'soda'], rhs: 'salty snack' });
  near(second!.lift, 16.69779, 'lift');
  assert.deepEqual(pick(third!), { lhs: ['baking powder', 'flour'], rhs: 'sugar' });
  near(third!.lift, 16.40807, 'lift');
  for (const r of rules) {
    assert.ok(r.count >= 10 && r.confidence >= 0.5);
    near(r.confidence, r.support / r.coverage, 'confidence = support / coverage');
  }
});

test('Groceries, support 0.006, confidence 0.25, minimum length 2: the 463 rules, top {herbs} ⇒ {root vegetables}', () => {
  const baskets = readBaskets();
  const rules = mineRules(baskets, { minSupport: 0.006, minConfidence: 0.25, minLength: 2 });
  assert.equal(rules.length, 463);
  assert.deepEqual(byLength(rules), { 2: 150, 3: 297, 4: 16 });
  assert.deepEqual(pick(rules[0]!), { lhs: ['herbs'], rhs: 'root vegetables' });
  near(rules[0]!.lift, 3.956477, 'lift');
  // Without minLength 2, arules adds {} ⇒ {y} for every item whose support reaches the confidence: whole milk (0.2555).
  const withEmpty = mineRules(baskets, { minSupport: 0.006, minConfidence: 0.25 });
  const empty = withEmpty.filter((r) => r.antecedent.length === 0);
  assert.deepEqual(empty.map((r) => r.consequent), ['whole milk']);
  assert.equal(withEmpty.length, 464);
  near(empty[0]!.confidence, 2513 / 9835, 'confidence of {} ⇒ {whole milk}');
  assert.equal(empty[0]!.lift, 1);
  assert.equal(empty[0]!.coverage, 1);
});

// Six baskets, one empty, one with 'a' twice: a, b, c in 4 each; ab, ac, bc in 3 each; abc in 2.
const tiny = [['a', 'b', 'c'], ['a', 'b'], ['a', 'c'], ['b', 'c'], ['c', 'a', 'b', 'a'], []];

test('tiny baskets: supports over all baskets (the empty one too), an item repeated in a basket counted once', () => {
  const rules = mineRules(tiny, { minSupport: 0.5, minConfidence: 0.7 });
  assert.equal(rules.length, 6);
  const ab = rules.find((r) => r.antecedent.join() === 'a' && r.consequent === 'b')!;
  assert.deepEqual(ab, { antecedent: ['a'], consequent: 'b', support: 0.5, confidence: 0.75, lift: 0.75 / (4 / 6), count: 3, coverage: 4 / 6 });
  // {a, b, c} is in 2 of 6 baskets: below 0.5, so no rule has three items.
  assert.ok(rules.every((r) => r.antecedent.length === 1));
});

test('tiny baskets: minLength 1 gives the rules {} ⇒ {y} when supp(y) reaches the confidence; minLength 2 drops them', () => {
  const rules = mineRules(tiny, { minSupport: 0.5, minConfidence: 0.6 });
  const empty = rules.filter((r) => r.antecedent.length === 0);
  assert.deepEqual(empty.map((r) => r.consequent).sort(), ['a', 'b', 'c']);
  assert.deepEqual(empty[0]!, { antecedent: [], consequent: empty[0]!.consequent, support: 4 / 6, confidence: 4 / 6, lift: 1, count: 4, coverage: 1 });
  assert.equal(rules.length, 9);
  assert.equal(mineRules(tiny, { minSupport: 0.5, minConfidence: 0.6, minLength: 2 }).length, 6);
});

test('tiny baskets: three-item rules at support 1/3; maxLength 2 stops at pairs; minLength 3 keeps only them', () => {
  const all = mineRules(tiny, { minSupport: 1 / 3, minConfidence: 0.6 });
  const abToC = all.find((r) => r.antecedent.join() === 'a,b' && r.consequent === 'c')!;
  assert.equal(abToC.count, 2);
  assert.equal(abToC.confidence, 2 / 3);
  assert.equal(abToC.lift, (2 / 3) / (4 / 6));
  assert.equal(all.filter((r) => r.antecedent.length === 2).length, 3);
  assert.ok(mineRules(tiny, { minSupport: 1 / 3, minConfidence: 0.6, maxLength: 2 }).every((r) => r.antecedent.length <= 1));
  assert.equal(mineRules(tiny, { minSupport: 1 / 3, minConfidence: 0.6, minLength: 3 }).length, 3);
});

test('frequent itemsets equal a brute-force count of every subset on random baskets', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const items = ['p', 'q', 'r', 's', 't', 'u', 'v'];
  const baskets = Array.from({ length: 200 }, () => items.filter((_, i) => random() < 0.55 - i * 0.05));
  const mined = frequentItemsets(baskets, 0.05);
  const found = new Map(mined.itemsets.map((s) => [Array.from(s.items, (id) => mined.items[id]).join(), s.count]));
  const expected = new Map<string, number>();
  for (let mask = 1; mask < 1 << items.length; mask++) {
    const subset = items.filter((_, i) => mask & (1 << i));
    const count = baskets.filter((b) => subset.every((x) => b.includes(x))).length;
    if (count >= minimumCount(0.05, baskets.length)) expected.set(subset.join(), count);
  }
  assert.deepEqual(new Map([...found].sort()), new Map([...expected].sort()));
});

test('bad options are refused with a Japanese message and its field', () => {
  assert.throws(() => mineRules(tiny, { minSupport: 1.5, minConfidence: 0.5 }), (e: unknown) => e instanceof RecommendError && e.field === 'minSupport' && /0 以上 1 以下/u.test(e.message));
  assert.throws(() => mineRules(tiny, { minSupport: 0.1, minConfidence: 0.5, maxLength: 0 }), (e: unknown) => e instanceof RecommendError && e.field === 'maxLength');
});
