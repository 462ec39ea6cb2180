import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultWeights, prepareMatchRecord, resolveBatch, type MatchInput } from '../../../src/domain/match/index.ts';

const rec = (id: string, fields: MatchInput['fields']) => prepareMatchRecord({ id, source: id.startsWith('n') ? 'form' : 'crm', fields });

test('a review item is not ~100% when the record’s name is shared by several customers (one of them, or none)', () => {
  const customers = ['c1', 'c2', 'c3', 'c4'].map((id, k) => rec(id, { full_name: '三瓶 さくら', email: `sakura${k}@example-${k}.co.jp`, company_name: `会社${k}` }));
  const newcomer = rec('n1', { full_name: '三瓶 さくら' });
  const groups = new Map(customers.map((c) => [c.id, c.id]));
  const one = resolveBatch([customers[0]!, newcomer], { weights: defaultWeights(), groups: new Map([[customers[0]!.id, 'c1']]) });
  const four = resolveBatch([...customers, newcomer], { weights: defaultWeights(), groups });
  const single = one.reviews.find((r) => r.a === 'c1' || r.b === 'c1');
  assert.ok(single, 'a name-only pair with one candidate goes to review');
  const shared = four.reviews.filter((r) => r.a === 'n1' || r.b === 'n1');
  assert.equal(shared.length, 4);
  for (const r of shared) assert.ok(r.probability < 0.3, `one of four namesakes shown at ${r.probability}`);
  // Four exclusive alternatives and "none": their probabilities add up to at most 1.
  assert.ok(shared.reduce((s, r) => s + r.probability, 0) <= 1 + 1e-9);
  assert.ok(single.probability > shared[0]!.probability);
});
