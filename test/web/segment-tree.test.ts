import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SegmentNode } from '../../src/use/segments/segments.schemas.ts';
import {
  addTo, asRootGroup, errorsByNode, inLanguage, leafCount, nodeAt, pathKey, pushHistory, removeAt, splitList, startHistory, toggleNot, undoHistory, updateAt,
  withFields, type Group,
} from '../../src/web/pages/segments/tree.ts';
import { CATALOG, CATEGORIES, kindOf } from '../../src/web/pages/segments/catalog.ts';
import { DICTIONARIES } from '../../src/web/i18n.ts';
import { CustomFieldCondition, EMAIL_ACTIONS, TEXT_OPS } from '../../src/use/segments/segments.schemas.ts';

const tokyo = { type: 'attribute', field: 'prefecture', op: 'eq', value: '東京都' } as const;
const twice = { type: 'purchases', minCount: 2 } as const;
const recent = { type: 'purchases', minCount: 1, window: { lastDays: 180 } } as const;
const tree: Group = { type: 'and', conditions: [tokyo, { type: 'not', condition: { type: 'or', conditions: [twice, recent] } }] };

test('the root is always a group; paths read like the server\'s JSON paths', () => {
  assert.deepEqual(asRootGroup(null), { type: 'and', conditions: [] });
  assert.deepEqual(asRootGroup(tokyo), { type: 'and', conditions: [tokyo] });
  assert.equal(asRootGroup(tree), tree);
  assert.equal(pathKey([]), 'definition');
  assert.equal(pathKey([1, 'not', 0]), 'definition.conditions[1].condition.conditions[0]');
  assert.deepEqual(nodeAt(tree, [1, 'not', 1]), recent);
  assert.equal(nodeAt(tree, [5]), undefined);
  assert.equal(leafCount(tree), 3);
});

test('edits at a path leave the rest of the tree as it was (and the original untouched)', () => {
  const before = JSON.stringify(tree);
  const edited = updateAt(tree, [1, 'not', 0], () => ({ type: 'purchases', minCount: 3 }));
  assert.deepEqual(nodeAt(edited, [1, 'not', 0]), { type: 'purchases', minCount: 3 });
  assert.equal((edited as Group).conditions[0], tokyo);
  assert.equal(JSON.stringify(tree), before);

  const added = addTo(tree, [1, 'not'], { type: 'has', field: 'email' });
  assert.equal(leafCount(added), 4);
  assert.deepEqual(nodeAt(added, [1, 'not', 2]), { type: 'has', field: 'email' });

  assert.deepEqual(removeAt(tree, [0]), { type: 'and', conditions: [tree.conditions[1]] });
  // Removing the inside of a NOT removes the NOT with it.
  assert.deepEqual(removeAt(tree, [1, 'not']), { type: 'and', conditions: [tokyo] });
  assert.deepEqual(removeAt(tree, [1, 'not', 0]), { type: 'and', conditions: [tokyo, { type: 'not', condition: { type: 'or', conditions: [recent] } }] });

  const negated = toggleNot(tree, [0]);
  assert.deepEqual(nodeAt(negated, [0]), { type: 'not', condition: tokyo });
  assert.deepEqual(toggleNot(negated, [0]), tree);
});

test('withFields leaves emptied inputs out, as the API wants', () => {
  assert.deepEqual(withFields({ type: 'purchases', minCount: 2, maxCount: 5 }, { maxCount: undefined, minAmount: 1000 }), { type: 'purchases', minCount: 2, minAmount: 1000 });
  assert.deepEqual(withFields({ type: 'company', field: 'industry', values: ['E'] }, { values: [] }), { type: 'company', field: 'industry' });
  assert.deepEqual(splitList('東京都、神奈川県, 千葉県，埼玉県,,'), ['東京都', '神奈川県', '千葉県', '埼玉県']);
});

test('the server\'s field errors go to the condition they name, with the rest of the path', () => {
  const errors = errorsByNode(tree, [
    { field: 'definition.conditions[0].value', message: 'この演算子には値 (value) が必要です' },
    { field: 'definition.conditions[1].condition.conditions[1].window.lastDays', message: '小さすぎます' },
    { field: 'definition.conditions[1].condition.conditions[0].maxCount', message: '最小値が最大値より大きくなっています' },
    { field: 'definition', message: '条件が多すぎます' },
    { field: 'definition.conditions[9].minCount', message: 'no such node' },
  ]);
  assert.deepEqual(errors.get('definition.conditions[0]'), [{ key: 'definition.conditions[0]', field: 'value', message: 'この演算子には値 (value) が必要です' }]);
  assert.equal(errors.get('definition.conditions[1].condition.conditions[1]')?.[0]?.field, 'window.lastDays');
  assert.equal(errors.get('definition.conditions[1].condition.conditions[0]')?.[0]?.field, 'maxCount');
  // Unknown nodes and the whole definition go to the root.
  assert.deepEqual(errors.get('definition')?.map((e) => e.field), [null, 'conditions[9].minCount']);
});

test('undo: one step per change, typing in one input within a second is one step, capped history', () => {
  const empty: Group = { type: 'and', conditions: [] };
  let h = startHistory(empty);
  h = pushHistory(h, { type: 'and', conditions: [tokyo] }, null, 0);
  h = pushHistory(h, { type: 'and', conditions: [tokyo, { type: 'purchases', minCount: 1 }] }, null, 10);
  h = pushHistory(h, { type: 'and', conditions: [tokyo, { type: 'purchases', minCount: 12 }] }, 'definition.conditions[1]', 20);
  h = pushHistory(h, { type: 'and', conditions: [tokyo, { type: 'purchases', minCount: 1 }] }, 'definition.conditions[1]', 500);
  h = pushHistory(h, { type: 'and', conditions: [tokyo, { type: 'purchases', minCount: 2 }] }, 'definition.conditions[1]', 900);
  assert.equal(h.past.length, 3, 'the three keystrokes are one step');
  assert.equal(pushHistory(h, h.current, null, 950), h, 'no change, no step');
  h = undoHistory(h);
  assert.deepEqual(h.current, { type: 'and', conditions: [tokyo, { type: 'purchases', minCount: 1 }] });
  h = undoHistory(undoHistory(h));
  assert.deepEqual(h.current, empty);
  assert.equal(undoHistory(h), h, 'nothing left to undo');
  let long = startHistory(empty);
  for (let i = 0; i < 150; i++) long = pushHistory(long, { type: 'and', conditions: [{ type: 'age', min: i }] }, null, i * 10);
  assert.equal(long.past.length, 100);
});

test('every catalogue entry starts as a condition it names again', () => {
  for (const entry of CATALOG) {
    const made = entry.make() as SegmentNode;
    const kind = kindOf(made as never);
    // 「最近の購入」 is a purchases condition with a window: it reads back as 購入.
    assert.equal(kind?.id, entry.id === 'recent_purchase' ? 'purchases' : entry.id, entry.id);
  }
});

test('the builder\'s run-time label keys are in both dictionaries', () => {
  const keys = [
    ...CATALOG.flatMap((e) => [`seg.cond.${e.id}`, `seg.hint.${e.id}`]),
    ...CATEGORIES.map((c) => `seg.cat.${c}`),
    ...TEXT_OPS.map((op) => `seg.op.${op}`),
    ...CustomFieldCondition.shape.op.options.map((op) => `seg.op.${op}`),
    ...EMAIL_ACTIONS.map((a) => `seg.email.${a}`),
    'seg.date.created_at', 'seg.date.updated_at',
    ...['manual', '60', '360', '1440', '10080'].map((m) => `seg.refresh.${m}`),
  ];
  for (const key of keys) for (const lang of ['ja', 'en'] as const) assert.ok(key in DICTIONARIES[lang], `${lang}: ${key}`);
});

test('the API\'s two-language messages show in the UI language', () => {
  const m = '最小値が最大値より大きくなっています (min is greater than max)';
  assert.equal(inLanguage(m, 'ja'), '最小値が最大値より大きくなっています');
  assert.equal(inLanguage(m, 'en'), 'min is greater than max');
  assert.equal(inLanguage('小さすぎます (最小 1) (too small)', 'ja'), '小さすぎます (最小 1)');
  assert.equal(inLanguage('入力してください', 'en'), '入力してください');
  assert.equal(inLanguage('Invalid input (x)', 'ja'), 'Invalid input (x)');
});
