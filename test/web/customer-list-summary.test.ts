import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DICTIONARIES } from '../../src/web/i18n.ts';
import { exportUrlWith, listSummary } from '../../src/web/pages/customer-list-summary.ts';

const fill = (key: keyof typeof DICTIONARIES.ja, params: Record<string, string>, lang: 'ja' | 'en' = 'ja') =>
  DICTIONARIES[lang][key].replace(/\{(\w+)\}/gu, (_m, k: string) => params[k] ?? '');

test('the summary says the total when there is one, and "or more" past the bound', () => {
  const exact = listSummary({ count: 1234, exact: true }, 50);
  assert.equal(fill(exact.key, exact.params), '1,234 件中 50 件を表示');
  assert.equal(fill(exact.key, exact.params, 'en'), 'Showing 50 of 1,234');
  const bounded = listSummary({ count: 10000, exact: false }, 50);
  assert.equal(fill(bounded.key, bounded.params), '10,000 件以上のうち 50 件を表示');
  const none = listSummary(undefined, 7);
  assert.equal(fill(none.key, none.params), '7 件を表示');
});

test('export URLs carry the list\'s filters and keep their own parameters', () => {
  assert.equal(exportUrlWith('/api/v1/exports/customers.csv?encoding=cp932', { q: '佐藤', stage: '', prefecture: '東京都', sort: undefined }),
    '/api/v1/exports/customers.csv?encoding=cp932&q=%E4%BD%90%E8%97%A4&prefecture=%E6%9D%B1%E4%BA%AC%E9%83%BD');
  assert.equal(exportUrlWith('/api/v1/exports/customers.jsonl', {}), '/api/v1/exports/customers.jsonl');
  assert.equal(exportUrlWith('/api/v1/exports/customers.jsonl', { sort: 'name' }), '/api/v1/exports/customers.jsonl?sort=name');
});
