import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Campaign } from '../../src/use/campaigns/campaigns.schemas.ts';
import * as schema from '../../src/use/campaigns/campaigns.schemas.ts';
import {
  allowedActions, audienceKey, blocksOf, defaultScheduleLocal, draftOf, emptyDraft, inputOf, insertAt, isDirty, isLive, isoToJapanLocal, japanLocalToIso,
  mergeTag, newBlock, patchOf, percent, preparationFraction, progressOf, scheduleProblem, suppressionRows, switchWhen, toggleId,
  CAMPAIGN_STATUSES, MERGE_FIELDS, MESSAGE_STATUSES, SUPPRESSION_REASONS,
} from '../../src/web/pages/campaigns/campaign-state.ts';
import { DICTIONARIES } from '../../src/web/i18n.ts';

const zero = { considered: 0, queued: 0, sent: 0, outbox: 0, failed: 0, unknown: 0, suppressed: 0, skipped: 0, opened: 0, clicked: 0, unsubscribed: 0, bounced: 0 };
const campaign: Campaign = {
  id: '7d1f0c51-3a52-4d7a-9a55-0d0d2f2b9a01', name: '秋のご案内', channel: 'email', status: 'draft', department: '営業部',
  segments: [{ id: 'a1', name: '東京' }, { id: 'b2', name: '常連' }], subject: '{{姓}}様へ', bodyText: '本文', bodyHtml: null,
  blocks: [{ key: 'tea', when: { type: 'viewed_url', pattern: '/tea', days: 30 }, text: 'お茶の話' }],
  scheduledAt: null, startedAt: null, finishedAt: null, createdAt: '2026-12-01T00:00:00Z', updatedAt: '2026-12-01T00:00:00Z', createdBy: null,
  counts: zero, delivery: 'outbox', triggerRuleId: null, preparation: null,
};
const can = (...granted: string[]) => (p: string) => granted.includes(p);

test('the code lists repeated for the browser bundle are the schema\'s, and every code has its text in both languages', () => {
  assert.deepEqual([...CAMPAIGN_STATUSES], [...schema.CAMPAIGN_STATUSES]);
  assert.deepEqual([...MESSAGE_STATUSES], [...schema.MESSAGE_STATUSES]);
  assert.deepEqual([...SUPPRESSION_REASONS], [...schema.SUPPRESSION_REASONS]);
  const keys = [
    ...CAMPAIGN_STATUSES.map((s) => `camp.status.${s}`),
    ...MESSAGE_STATUSES.map((s) => `camp.msg.${s}`),
    ...SUPPRESSION_REASONS.flatMap((r) => [`camp.reason.${r}`, `camp.reasonHint.${r}`]),
    ...MERGE_FIELDS.map((f) => `camp.merge.hint.${f}`),
    ...(['subject', 'bodyText', 'bodyHtml'] as const).map((f) => `camp.merge.target.${f}`),
    ...(['start', 'schedule', 'pause', 'resume', 'cancel', 'delete'] as const).flatMap((a) => [`camp.confirm.${a}`, `camp.confirm.yes.${a}`]),
    ...(['viewed_url', 'bought_category', 'always'] as const).map((w) => `camp.blocks.when.${w}`),
    'camp.channel.email', 'camp.channel.dm', 'camp.schedule.invalid', 'camp.schedule.past', 'msgset.household.primary', 'msgset.household.family',
  ];
  for (const key of keys) for (const lang of ['ja', 'en'] as const) assert.ok(key in DICTIONARIES[lang], `${lang}: ${key}`);
  // The reasons read as the issue words them.
  const ja = DICTIONARIES.ja as Record<string, string>;
  assert.equal(ja['camp.reason.no_basis'], '配信根拠なし (特定電子メール法)');
  assert.equal(ja['camp.reason.duplicate_household'], '同じ住所の別の人に送付');
  assert.equal(ja['camp.status.paused'], '一時停止');
  assert.equal(ja['camp.outbox.notSent'], '未送信 (SMTP 未設定)');
});

test('a merge field goes in at the caret or in place of the selection; stale positions are clamped', () => {
  assert.equal(mergeTag('姓'), '{{姓}}');
  assert.deepEqual(insertAt('こんにちは様', 5, 5, '{{姓}}'), { text: 'こんにちは{{姓}}様', caret: 10 });
  assert.deepEqual(insertAt('AxxB', 1, 3, '{{名}}'), { text: 'A{{名}}B', caret: 6 });
  assert.deepEqual(insertAt('abc', 10, 12, '!'), { text: 'abc!', caret: 4 });
  assert.deepEqual(insertAt('abc', 2, 1, '!'), { text: 'ab!c', caret: 3 });
  assert.deepEqual(MERGE_FIELDS.slice(0, 3), ['宛名', '姓', '名']);
});

test('blocks: new keys are unused, a condition switched keeps its days, stored blocks read back and junk dropped', () => {
  const a = newBlock([]);
  assert.equal(a.key, 'block1');
  assert.equal(newBlock([a, { ...a, key: 'block2' }]).key, 'block3');
  assert.equal(newBlock([{ ...a, key: 'block2' }]).key, 'block3');
  const w = switchWhen({ type: 'viewed_url', pattern: '/tea', days: 14 }, 'bought_category');
  assert.deepEqual(w, { type: 'bought_category', category: '', days: 14 });
  assert.deepEqual(switchWhen(w, 'always'), { type: 'always' });
  assert.deepEqual(switchWhen({ type: 'always' }, 'viewed_url'), { type: 'viewed_url', pattern: '', days: 30 });
  assert.deepEqual(blocksOf([
    { key: 'x', when: { type: 'always' }, text: 't', html: '<p>t</p>' },
    { key: 'y', when: { type: 'teleported' }, text: '' },
    { when: { type: 'always' } },
  ]), [{ key: 'x', when: { type: 'always' }, text: 't', html: '<p>t</p>' }]);
});

test('the editor sends what it shows: DM without content, HTML only when on, a patch of what changed', () => {
  const d = draftOf(campaign);
  assert.deepEqual(d.segmentIds, ['a1', 'b2']);
  assert.equal(d.htmlOn, false);
  assert.equal(isDirty(campaign, d), false);
  assert.deepEqual(patchOf(campaign, d), {});
  // The same segments in another order are no change.
  assert.deepEqual(patchOf(campaign, { ...d, segmentIds: ['b2', 'a1'] }), {});
  assert.deepEqual(patchOf(campaign, { ...d, name: ' 冬のご案内 ', htmlOn: true, bodyHtml: '<p>本文</p>' }), { name: '冬のご案内', bodyHtml: '<p>本文</p>' });
  assert.deepEqual(patchOf(campaign, { ...d, department: '  ' }), { department: null });
  // Turning HTML off drops what was typed into it.
  assert.equal(inputOf({ ...d, htmlOn: false, bodyHtml: '<p>x</p>' }).bodyHtml, null);
  const dm = inputOf({ ...emptyDraft('dm'), name: 'DM', subject: 'left over', bodyText: 'left over', blocks: [newBlock([])] });
  assert.deepEqual(dm, { name: 'DM', channel: 'dm', department: null, segmentIds: [], subject: '', bodyText: '', bodyHtml: null, blocks: [] });
  assert.equal(isDirty(null, emptyDraft()), false);
  assert.equal(isDirty(null, { ...emptyDraft(), name: 'x' }), true);
  assert.deepEqual(toggleId(['a', 'b'], 'a'), ['b']);
  assert.deepEqual(toggleId(['b'], 'a'), ['b', 'a']);
  // One audience question per channel and set of segments, in any order.
  assert.equal(audienceKey('email', ['b', 'a', 'b']), audienceKey('email', ['a', 'b']));
  assert.notEqual(audienceKey('dm', ['a']), audienceKey('email', ['a']));
  assert.equal(audienceKey('email', []), 'email:');
});

test('what may be done: by status, and only with the permission for it', () => {
  const marketer = can('campaigns:read', 'campaigns:write', 'campaigns:send');
  const viewer = can('campaigns:read');
  const writerOnly = can('campaigns:read', 'campaigns:write');
  assert.deepEqual([...allowedActions('draft', marketer)].sort(), ['delete', 'edit', 'schedule', 'start']);
  assert.deepEqual([...allowedActions('draft', writerOnly)].sort(), ['delete', 'edit']);
  assert.deepEqual([...allowedActions('scheduled', marketer)].sort(), ['cancel', 'edit', 'start']);
  assert.deepEqual([...allowedActions('preparing', marketer)].sort(), ['cancel'], 'storing the audience: only cancel');
  assert.deepEqual([...allowedActions('sending', marketer)].sort(), ['cancel', 'pause']);
  assert.deepEqual([...allowedActions('paused', marketer)].sort(), ['cancel', 'resume']);
  assert.deepEqual([...allowedActions('done', marketer)], []);
  assert.deepEqual([...allowedActions('cancelled', marketer)], []);
  for (const s of CAMPAIGN_STATUSES) assert.deepEqual([...allowedActions(s, viewer)], [], s);
  assert.deepEqual(CAMPAIGN_STATUSES.filter(isLive), ['scheduled', 'preparing', 'sending']);
  assert.equal(preparationFraction(null), 0);
  assert.equal(preparationFraction({ total: null, prepared: 0 }), 0, 'still resolving');
  assert.equal(preparationFraction({ total: 200, prepared: 50 }), 0.25);
  assert.equal(preparationFraction({ total: 0, prepared: 0 }), 1, 'nobody to store');
});

test('progress counts everything handled against everyone not suppressed', () => {
  const p = progressOf({ ...zero, considered: 120, suppressed: 20, sent: 30, outbox: 10, failed: 5, unknown: 3, skipped: 2, queued: 50 });
  assert.deepEqual(p, { total: 100, done: 50, fraction: 0.5, waiting: 50 });
  assert.deepEqual(progressOf({ ...zero, considered: 4, suppressed: 4 }), { total: 0, done: 0, fraction: 1, waiting: 0 });
  assert.equal(progressOf({ ...zero, considered: 2, sent: 3 }).fraction, 1);
});

test('rates and suppressions read as a report: 「—」 for nothing to divide by, reasons in the fixed order, zeros out', () => {
  assert.equal(percent(null), '—');
  assert.equal(percent(Number.NaN), '—');
  assert.equal(percent(0), '0%');
  assert.equal(percent(0.1234), '12.3%');
  assert.equal(percent(0.0456), '4.6%');
  assert.equal(percent(1), '100.0%');
  assert.deepEqual(suppressionRows([
    { reason: 'frequency_cap', count: 2 }, { reason: 'no_basis', count: 5 }, { reason: 'bounced', count: 0 }, { reason: 'frequency_cap', count: 1 }, { reason: 'martian', count: 9 },
  ]), [{ reason: 'no_basis', count: 5 }, { reason: 'frequency_cap', count: 3 }]);
});

test('the schedule is Japan time whatever the browser\'s zone', () => {
  assert.equal(japanLocalToIso('2026-12-07T09:30'), '2026-12-07T09:30:00+09:00');
  assert.equal(new Date(japanLocalToIso('2026-12-07T09:30')!).toISOString(), '2026-12-07T00:30:00.000Z');
  assert.equal(japanLocalToIso('2026-02-30T09:00'), null);
  assert.equal(japanLocalToIso('2026-12-07'), null);
  assert.equal(japanLocalToIso(''), null);
  assert.equal(isoToJapanLocal('2026-12-06T20:15:00Z'), '2026-12-07T05:15');
  assert.equal(isoToJapanLocal('nonsense'), '');
  const now = new Date('2026-12-06T20:55:00Z'); // 05:55 in Japan
  assert.equal(defaultScheduleLocal(now), '2026-12-07T07:00');
  assert.equal(defaultScheduleLocal(new Date('2026-12-06T20:40:00Z')), '2026-12-07T06:00');
  assert.equal(scheduleProblem('2026-12-07T07:00', now), null);
  assert.equal(scheduleProblem('2026-12-07T05:00', now), 'past');
  assert.equal(scheduleProblem('x', now), 'invalid');
});
