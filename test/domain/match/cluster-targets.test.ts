import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { clusterTargets, defaultWeights, prepareMatchRecord, resolveBatch, type MatchInput, type MatchRecord } from '../../../src/domain/match/index.ts';

const W = defaultWeights();
const rec = (id: string, fields: MatchInput['fields'], source = 'test'): MatchRecord => prepareMatchRecord({ id, source, fields });
const strong = (a: string, b: string) => ({ a, b, weak: false });
const weak = (a: string, b: string) => ({ a, b, weak: true });

describe('clusterTargets: without links, most records first', () => {
  // Customer A has three records in the cluster, B one; n1 and n2 are new.
  const customerOf = new Map([
    ['a1', 'A'], ['a2', 'A'], ['a3', 'A'],
    ['b1', 'B'],
  ]);
  const cluster = ['a1', 'a2', 'a3', 'b1', 'n1', 'n2'];

  test('incoming records are those without a customer, in cluster order', () => {
    assert.deepEqual(clusterTargets(cluster, customerOf).incoming, ['n1', 'n2']);
  });

  test('ranked by record count, ties by customer id', () => {
    assert.deepEqual(clusterTargets(cluster, customerOf).ranked, ['A', 'B']);
    assert.deepEqual(clusterTargets(['b1', 'c1', 'n1'], new Map([['b1', 'B'], ['c1', 'C']])).ranked, ['B', 'C']);
    assert.deepEqual(clusterTargets(['c1', 'b1', 'n1'], new Map([['b1', 'B'], ['c1', 'C']])).ranked, ['B', 'C']);
  });

  test('no linked record: no customer (the importer makes a new one)', () => {
    assert.deepEqual(clusterTargets(['n1', 'n2'], customerOf), { incoming: ['n1', 'n2'], ranked: [], strong: new Set() });
  });

  test('an empty link list ranks as without links', () => {
    assert.deepEqual(clusterTargets(cluster, customerOf, []).ranked, ['A', 'B']);
  });
});

describe('clusterTargets: with links, the customer tied to the new records by a strong link first', () => {
  const customerOf = new Map([
    ['a1', 'A'], ['a2', 'A'], ['a3', 'A'],
    ['b1', 'B'],
    ['c1', 'C'], ['c2', 'C'],
  ]);

  test('a strong link to a smaller customer beats name-only links to a bigger one', () => {
    const cluster = ['a1', 'a2', 'a3', 'b1', 'n1'];
    const links = [weak('a1', 'n1'), weak('a2', 'n1'), weak('a3', 'n1'), strong('b1', 'n1')];
    assert.deepEqual(clusterTargets(cluster, customerOf, links), { incoming: ['n1'], ranked: ['B', 'A'], strong: new Set(['B']) });
    // Without the links the bigger (namesake) customer would win.
    assert.deepEqual(clusterTargets(cluster, customerOf).ranked, ['A', 'B']);
  });

  test('link direction does not matter (the new record may be a or b)', () => {
    const cluster = ['a1', 'a2', 'a3', 'b1', 'n1'];
    assert.deepEqual(clusterTargets(cluster, customerOf, [weak('n1', 'a1'), strong('n1', 'b1')]).ranked, ['B', 'A']);
  });

  test('any incoming record counts: the strong link may come from another new record of the cluster', () => {
    const cluster = ['a1', 'a2', 'a3', 'b1', 'n1', 'n2'];
    const links = [strong('n1', 'n2'), weak('a1', 'n1'), strong('b1', 'n2')];
    assert.deepEqual(clusterTargets(cluster, customerOf, links).ranked, ['B', 'A']);
  });

  test('a name-only link beats no direct link to the new records, whatever the counts', () => {
    // A reaches the cluster only through B's record (a link between two linked records is no tie to the new ones).
    const cluster = ['a1', 'a2', 'a3', 'b1', 'n1'];
    const links = [strong('a1', 'b1'), strong('a2', 'b1'), weak('b1', 'n1')];
    assert.deepEqual(clusterTargets(cluster, customerOf, links).ranked, ['B', 'A']);
  });

  test('within a tier, record count then id decide (strong links are not compared by score)', () => {
    const cluster = ['a1', 'a2', 'a3', 'b1', 'c1', 'c2', 'n1'];
    assert.deepEqual(clusterTargets(cluster, customerOf, [strong('a1', 'n1'), strong('b1', 'n1'), strong('c1', 'n1')]).ranked, ['A', 'C', 'B']);
    assert.deepEqual(clusterTargets(cluster, customerOf, [weak('a1', 'n1'), weak('b1', 'n1'), weak('c1', 'n1')]).ranked, ['A', 'C', 'B']);
    assert.deepEqual(clusterTargets(cluster, customerOf, [weak('a1', 'n1'), strong('b1', 'n1'), strong('c1', 'n1')]).ranked, ['C', 'B', 'A']);
    const tie = new Map([['x1', 'X'], ['y1', 'Y']]);
    assert.deepEqual(clusterTargets(['y1', 'x1', 'n1'], tie, [strong('y1', 'n1'), strong('x1', 'n1')]).ranked, ['X', 'Y']);
  });

  test('a customer keeps its best tie: one strong link among weak ones is enough', () => {
    const cluster = ['a1', 'a2', 'a3', 'c1', 'c2', 'n1'];
    const links = [weak('a1', 'n1'), weak('a2', 'n1'), strong('a3', 'n1'), strong('c1', 'n1'), strong('c2', 'n1')];
    assert.deepEqual(clusterTargets(cluster, customerOf, links).ranked, ['A', 'C']);
  });

  test('links with a record outside the cluster or of no customer in it are ignored', () => {
    const cluster = ['a1', 'a2', 'a3', 'b1', 'n1'];
    // c1 is not in the cluster; z9 is neither linked nor in it.
    const links = [weak('a1', 'n1'), strong('c1', 'n1'), strong('z9', 'b1')];
    assert.deepEqual(clusterTargets(cluster, customerOf, links).ranked, ['A', 'B']);
  });

  test('a cluster without new records ranks by count (links are not needed)', () => {
    assert.deepEqual(clusterTargets(['a1', 'b1', 'a2'], customerOf, [strong('b1', 'a1')]), { incoming: [], ranked: ['A', 'B'], strong: new Set() });
  });
});

describe('resolveBatch exposes the accepted links by cluster', () => {
  test('links[k] are the merge pairs inside clusters[k], best first', () => {
    const a = rec('r1', { full_name: '佐藤 健一', full_name_kana: 'サトウ ケンイチ', birth_date: '1980-04-01', phone: '090-1234-5678', email: 'kenichi.sato@example.jp' });
    const b = rec('r2', { full_name: '佐藤 健一', birth_date: '1980/4/1', phone: '09012345678', email: 'kenichi.sato@example.jp' });
    const c = rec('r3', { full_name: '佐藤 健一', full_name_kana: 'サトウ ケンイチ', birth_date: '1980-04-01', phone: '090-1234-5678', address: '東京都千代田区丸の内1-1-1' });
    const d = rec('r4', { full_name: '高橋 真由美', birth_date: '1975-12-24', phone: '080-9999-0000' });
    const result = resolveBatch([d, c, b, a], { weights: W });
    assert.equal(result.links.length, result.clusters.length);
    const k = result.clusters.findIndex((cl) => cl.includes('r1'));
    assert.deepEqual(result.clusters[k], ['r1', 'r2', 'r3']);
    const kd = result.clusters.findIndex((cl) => cl.includes('r4'));
    assert.deepEqual(result.links[kd], []);
    const pairs = result.links[k]!.map((l) => `${l.a}-${l.b}`).sort();
    assert.deepEqual(pairs, ['r1-r2', 'r1-r3', 'r2-r3']);
    for (const l of result.links[k]!) {
      assert.equal(l.weak, false);
      assert.ok(l.probability >= W.thresholds.merge);
    }
    const scores = result.links[k]!.map((l) => l.score);
    assert.deepEqual(scores, [...scores].sort((x, y) => y - x));
  });

  test('two records of one group (customer) are never a link', () => {
    const a = rec('r1', { full_name: '佐藤 健一', birth_date: '1980-04-01', phone: '090-1234-5678', email: 'kenichi.sato@example.jp' });
    const b = rec('r2', { full_name: '佐藤 健一', birth_date: '1980/4/1', phone: '09012345678', email: 'kenichi.sato@example.jp' });
    const n = rec('n1', { full_name: '佐藤 健一', birth_date: '1980-04-01', email: 'kenichi.sato@example.jp' });
    const result = resolveBatch([a, b, n], { weights: W, groups: new Map([['r1', 'A'], ['r2', 'A']]) });
    assert.deepEqual(result.clusters, [['n1', 'r1', 'r2']]);
    assert.deepEqual(result.links[0]!.map((l) => `${l.a}-${l.b}`).sort(), ['n1-r1', 'n1-r2']);
  });

  test('a new record strongly linked to a small customer and name-linked to a bigger namesake goes to the small one', () => {
    // A: a namesake's two home records; B: a seminar sign-up with a company address; n1: that person's business card.
    const a1 = rec('a1', { full_name: '藤井 翔太', full_name_kana: 'フジイ ショウタ', birth_date: '1980-06-06', phone: '090-9142-5140', address: '埼玉県秩父郡長瀞町風布7-15-18' });
    const a2 = rec('a2', { full_name: '藤井 翔太', full_name_kana: 'フジイ ショウタ', birth_date: '1980/6/6', phone: '09091425140', address: '埼玉県秩父郡長瀞町風布七丁目15番18号' });
    const b1 = rec('b1', { full_name: '藤井 翔太', email: 'shota.fujii@minebeamota.com', company_name: 'ミネベアモータ株式会社' });
    const n1 = rec('n1', { full_name: '藤井 翔太', email: 'shota.fujii@minebeamota.com', company_name: 'ミネベアモータ㈱' });
    const groups = new Map([['a1', 'A'], ['a2', 'A'], ['b1', 'B']]);
    // Thresholds low enough for the name alone to be a (weak) merge link, as trained weights make it for rare names.
    const result = resolveBatch([a1, a2, b1, n1], { weights: W, groups, thresholds: { merge: 0.85, review: 0.3, nameOnly: 0.85 } });
    assert.deepEqual(result.clusters, [['a1', 'a2', 'b1', 'n1']]);
    const links = result.links[0]!;
    assert.ok(links.some((l) => l.a === 'b1' && l.b === 'n1' && !l.weak));
    assert.ok(links.some((l) => l.a === 'a1' && l.b === 'n1' && l.weak));
    assert.ok(links[0]!.a === 'b1' && links[0]!.b === 'n1', 'the strong link is listed first');
    // By count the card would join the namesake; with the links it joins B, and A is left for review.
    assert.deepEqual(clusterTargets(result.clusters[0]!, groups).ranked, ['A', 'B']);
    // Only B is tied by more than the name: A is not a customer to merge (a bridge), it stays a review case.
    assert.deepEqual(clusterTargets(result.clusters[0]!, groups, links), { incoming: ['n1'], ranked: ['B', 'A'], strong: new Set(['B']) });
  });

  test('customers strongly tied to the new records are named (bridges); a learned or name-only link is not strong', () => {
    const groups = new Map([['a1', 'A'], ['b1', 'B'], ['c1', 'C']]);
    const cluster = ['a1', 'b1', 'c1', 'n1', 'n2'];
    const links = [
      { a: 'a1', b: 'n1', weak: false },
      { a: 'b1', b: 'n2', weak: false },
      { a: 'c1', b: 'n1', weak: false, learned: true },
      { a: 'n1', b: 'n2', weak: false },
    ];
    const t = clusterTargets(cluster, groups, links);
    assert.deepEqual(t.strong, new Set(['A', 'B']));
    assert.deepEqual(t.ranked, ['A', 'B', 'C'], 'a learned link still ranks its customer as tied');
    assert.deepEqual(clusterTargets(cluster, groups, links.map((l) => ({ ...l, weak: l.a === 'b1' }))).strong, new Set(['A']));
    assert.deepEqual(clusterTargets(cluster, groups).strong, new Set(), 'without links nothing is known to be strong');
  });
});
