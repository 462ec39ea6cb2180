import assert from 'node:assert/strict';
import { test } from 'node:test';
import fs from 'node:fs';
import { PERMISSIONS } from '../../src/domain/auth/permissions.ts';
import { DICTIONARIES, type Lang, type MessageKey } from '../../src/web/i18n.ts';
import { identityRuleText, MANUAL_SOURCE_SEED_DESCRIPTION, sourceTexts } from '../../src/web/system-labels.ts';

const translators = (lang: Lang) => {
  const dict = DICTIONARIES[lang] as Record<string, string>;
  const t = (key: MessageKey, params: Record<string, string | number> = {}) => dict[key]!.replace(/\{(\w+)\}/gu, (_m, k: string) => String(params[k] ?? ''));
  const tOr = (key: string, fallback: string) => dict[key] ?? fallback;
  return { t, tOr };
};
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/u;

test('every permission has a name in Japanese and in English', () => {
  for (const perm of Object.keys(PERMISSIONS)) {
    assert.match((DICTIONARIES.ja as Record<string, string>)[`perm.${perm}`] ?? '', JAPANESE, `ja: perm.${perm}`);
    assert.ok((DICTIONARIES.en as Record<string, string>)[`perm.${perm}`], `en: perm.${perm}`);
  }
});

test('identity rules read as words, every rule the matcher and resolver write included', () => {
  const { t, tOr } = translators('ja');
  assert.equal(identityRuleText('family_name_change', t, tOr), '姓が異なる（改姓の可能性）');
  assert.equal(identityRuleText('review_item:42', t, tOr), 'レビュー #42');
  assert.equal(identityRuleText('some_future_rule', t, tOr), 'some_future_rule');
  // The rule codes written in src/domain/match and src/resolution.
  const sources = ['src/domain/match/decide.ts', 'src/resolution/resolver.ts', 'src/resolution/identity/identity.service.ts']
    .map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  const codes = new Set([...sources.matchAll(/(?:rules\.push\(|rule: )'([a-z_]+)'/gu)].map((m) => m[1]!));
  for (const code of ['given_name_conflict', 'birth_date_conflict', 'group_corporate_number_conflict']) codes.add(code);
  assert.ok(codes.size >= 8, [...codes].join(','));
  for (const lang of ['ja', 'en'] as const) {
    const tr = translators(lang);
    for (const code of codes) assert.notEqual(identityRuleText(code, tr.t, tr.tOr), code, `${lang}: ${code}`);
  }
});

test('the built-in manual source reads in the UI language unless its description was rewritten', () => {
  const seeded = { name: 'manual', label: '手入力 (UI / API)', description: MANUAL_SOURCE_SEED_DESCRIPTION };
  assert.deepEqual(sourceTexts(seeded, translators('ja').t), { label: '手入力', description: 'ユーザーが画面または API で入力・編集した値' });
  assert.equal(sourceTexts(seeded, translators('en').t).label, 'Manual entry');
  assert.equal(sourceTexts({ ...seeded, description: '営業部の手入力' }, translators('ja').t).description, '営業部の手入力');
  const other = { name: 'meishi', label: '名刺', description: null };
  assert.deepEqual(sourceTexts(other, translators('ja').t), { label: '名刺', description: null });
  // The seed the constant mirrors.
  assert.ok(fs.readFileSync('src/db/migrations/0001_foundation.sql', 'utf8').includes(`'${MANUAL_SOURCE_SEED_DESCRIPTION}'`));
});
