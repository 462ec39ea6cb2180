import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  activeFilterCount, emptyVoiceFilters, isOverdue, shiftDay, statusesOf, todayInJapan, toggleStatus, voiceFiltersFromSearch, voiceInboxPath, voiceQueryOf,
} from '../../src/web/pages/voice/voice-filters.ts';
import { joinList, numberOrNull, splitList } from '../../src/web/pages/voice/rule-text.ts';

test('the filters go into the URL and come back unchanged; empty ones are left out', () => {
  const f = { ...emptyVoiceFilters(), status: 'new,in_progress', tag: '配送', sentiment: 'negative', from: '2026-11-01', q: '遅い' };
  const path = voiceInboxPath(f);
  assert.equal(path, '/voice?status=new%2Cin_progress&tag=%E9%85%8D%E9%80%81&sentiment=negative&from=2026-11-01&q=%E9%81%85%E3%81%84');
  assert.deepEqual(voiceFiltersFromSearch(new URLSearchParams(path.slice('/voice'.length))), f);
  assert.equal(voiceInboxPath(emptyVoiceFilters()), '/voice');
});

test('the API query: only values the API accepts; a reversed date range drops its end', () => {
  const f = { ...emptyVoiceFilters(), status: 'done,bogus,new', sentiment: 'angry', channel: 'email', from: '2026-12-01', to: '2026-11-01', teamId: 't1' };
  assert.deepEqual(voiceQueryOf(f), { status: 'new,done', channel: 'email', from: '2026-12-01', teamId: 't1' });
  assert.deepEqual(voiceQueryOf({ ...emptyVoiceFilters(), from: '2026/12/01', to: '2026-12-31' }), { to: '2026-12-31' });
  assert.deepEqual(voiceQueryOf(emptyVoiceFilters()), {});
});

test('statuses tick on and off in their usual order', () => {
  let f = emptyVoiceFilters();
  f = toggleStatus(f, 'done');
  f = toggleStatus(f, 'new');
  assert.equal(f.status, 'new,done');
  assert.deepEqual(statusesOf(f), ['new', 'done']);
  assert.equal(toggleStatus(f, 'new').status, 'done');
  assert.equal(activeFilterCount({ ...f, q: 'x', tag: '価格' }), 2);
});

test('overdue: a due date before today in Japan, unless done', () => {
  assert.equal(todayInJapan(new Date('2026-12-06T15:30:00Z')), '2026-12-07');
  assert.equal(isOverdue({ dueOn: '2026-12-06', status: 'new' }, '2026-12-07'), true);
  assert.equal(isOverdue({ dueOn: '2026-12-06', status: 'done' }, '2026-12-07'), false);
  assert.equal(isOverdue({ dueOn: '2026-12-07', status: 'in_progress' }, '2026-12-07'), false);
  assert.equal(isOverdue({ dueOn: null, status: 'new' }, '2026-12-07'), false);
});

test('keyword and SKU lists typed on one line, with Japanese or Latin commas', () => {
  assert.deepEqual(splitList('配送、遅い, 届かない，配送\n 梱包 '), ['配送', '遅い', '届かない', '梱包']);
  assert.deepEqual(splitList(' 、 , '), []);
  assert.equal(joinList(['配送', '遅い']), '配送、遅い');
  assert.equal(numberOrNull(' '), null);
  assert.equal(numberOrNull('3'), 3);
  assert.ok(Number.isNaN(numberOrNull('3日')));
});

test('the digest moves a week at a time across month and year ends', () => {
  assert.equal(shiftDay('2026-12-28', 7), '2027-01-04');
  assert.equal(shiftDay('2026-03-02', -7), '2026-02-23');
  assert.equal(shiftDay('bad', 7), 'bad');
});
