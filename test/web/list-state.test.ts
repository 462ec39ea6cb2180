import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  appendPage, ariaSort, cursorsOf, nextCursorOf, pageBack, pageForward, sortMark, sortRows, type CursorStack,
} from '../../src/web/components/list-state.ts';

test('sortRows orders numbers and Japanese text, keeps ties in order and leaves the rows untouched', () => {
  const rows = [{ id: 'a', n: 3 }, { id: 'b', n: 10 }, { id: 'c', n: 3 }, { id: 'd', n: 1 }];
  assert.deepEqual(sortRows(rows, (r) => r.n).map((r) => r.id), ['d', 'a', 'c', 'b']);
  assert.deepEqual(sortRows(rows, (r) => r.n, 'descending').map((r) => r.id), ['b', 'a', 'c', 'd']);
  assert.deepEqual(rows.map((r) => r.id), ['a', 'b', 'c', 'd'], 'a new array; the input is not reordered');

  const kana = ['ワタナベ', 'アベ', 'サトウ', 'イトウ'];
  assert.deepEqual(sortRows(kana, (k) => k), ['アベ', 'イトウ', 'サトウ', 'ワタナベ']);
  // Numbers inside text compare as numbers: 第2回 before 第10回.
  assert.deepEqual(sortRows(['第10回', '第2回', '第1回'], (s) => s), ['第1回', '第2回', '第10回']);
});

test('sortRows puts rows without a value last in either direction', () => {
  const rows = [{ id: 'blank', v: '' }, { id: 'x', v: 'b' }, { id: 'none', v: null }, { id: 'y', v: 'a' }, { id: 'undef', v: undefined }];
  assert.deepEqual(sortRows(rows, (r) => r.v).map((r) => r.id), ['y', 'x', 'blank', 'none', 'undef']);
  assert.deepEqual(sortRows(rows, (r) => r.v, 'descending').map((r) => r.id), ['x', 'y', 'blank', 'none', 'undef']);
});

test('a sortable header announces its direction and shows ▲ / ▼ only when it is the active sort', () => {
  const name = { key: 'name', direction: 'ascending' as const };
  const updated = { key: 'updated', direction: 'descending' as const };
  assert.equal(ariaSort(name, 'name'), 'ascending');
  assert.equal(ariaSort(updated, 'updated'), 'descending');
  assert.equal(ariaSort(name, 'updated'), undefined);
  assert.equal(ariaSort(name, null), undefined);
  assert.equal(sortMark(name, 'name'), '▲');
  assert.equal(sortMark(updated, 'updated'), '▼');
  assert.equal(sortMark(updated, 'name'), '↕');
});

test('the cursor stack goes forward and back within one query and starts again when the query changes', () => {
  let stack: CursorStack = { key: 'q=佐藤', cursors: [] };
  stack = pageForward(stack, 'q=佐藤', 'c2');
  stack = pageForward(stack, 'q=佐藤', 'c3');
  assert.deepEqual(cursorsOf(stack, 'q=佐藤'), ['c2', 'c3']);
  stack = pageBack(stack, 'q=佐藤');
  assert.deepEqual(cursorsOf(stack, 'q=佐藤'), ['c2']);
  stack = pageBack(pageBack(stack, 'q=佐藤'), 'q=佐藤');
  assert.deepEqual(cursorsOf(stack, 'q=佐藤'), [], 'page 1 stays page 1');

  stack = pageForward(pageForward(stack, 'q=佐藤', 'c2'), 'q=佐藤', 'c3');
  assert.deepEqual(cursorsOf(stack, 'q=鈴木'), [], 'another query reads from page 1');
  assert.deepEqual(pageForward(stack, 'q=鈴木', 'd2'), { key: 'q=鈴木', cursors: ['d2'] }, "the old query's cursors are not carried over");
  assert.deepEqual(pageBack(stack, 'q=鈴木'), { key: 'q=鈴木', cursors: [] });
});

test('a next page exists when there is a cursor, unless the API says there is nothing more', () => {
  assert.equal(nextCursorOf({ nextCursor: 'c2', hasMore: true }), 'c2');
  assert.equal(nextCursorOf({ nextCursor: 'c2' }), 'c2');
  assert.equal(nextCursorOf({ nextCursor: 'c2', hasMore: false }), null);
  assert.equal(nextCursorOf({ nextCursor: null, hasMore: true }), null);
  assert.equal(nextCursorOf(null), null);
  assert.equal(nextCursorOf(undefined), null);
});

test('load more appends the next page and takes over its cursor', () => {
  const first = { items: [1, 2], nextCursor: 'c2', hasMore: true };
  const merged = appendPage(first, { items: [3, 4], nextCursor: 'c3', hasMore: true });
  assert.deepEqual(merged, { items: [1, 2, 3, 4], nextCursor: 'c3', hasMore: true });
  assert.deepEqual(appendPage(merged, { items: [5], nextCursor: null, hasMore: false }), { items: [1, 2, 3, 4, 5], nextCursor: null, hasMore: false });
  assert.deepEqual(first.items, [1, 2], 'the page shown is not changed in place');
  assert.deepEqual(appendPage({ items: ['a'], nextCursor: 'x' }, { items: ['b'], nextCursor: null }), { items: ['a', 'b'], nextCursor: null });
});
