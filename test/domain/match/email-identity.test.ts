import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareRecords, decidePair, defaultWeights, isEmailIdentity, isRoleAddress, prepareMatchRecord, type MatchInput } from '../../../src/domain/match/index.ts';

const rec = (id: string, fields: MatchInput['fields']) => prepareMatchRecord({ id, source: id, fields });
const decide = (a: MatchInput['fields'], b: MatchInput['fields']) => {
  const cmp = compareRecords(rec('a', a), rec('b', b));
  return { cmp, pair: decidePair('a', 'b', cmp, defaultWeights()) };
};

test('role local parts are told from personal ones', () => {
  for (const local of ['info', 'info2', 'sales-tokyo', 'toiawase', 'contact_us', 'support.jp']) assert.equal(isRoleAddress(local), true, local);
  for (const local of ['taro.yamada', 'allen', 'hrtanaka', 'prince', 'mainichi', 'info.yamada.taro.personal']) assert.equal(isRoleAddress(local), false, local);
});

test('the same personal e-mail merges a record without a name, and a compatible name', () => {
  const known = { full_name: '山田 太郎', email: 'taro.yamada@gmail.com' };
  const onlyEmail = decide(known, { email: 'taro.yamada@gmail.com', company_name: '株式会社山田商事' });
  assert.equal(isEmailIdentity(onlyEmail.cmp), true);
  assert.equal(onlyEmail.pair.outcome, 'merge');
  assert.equal(decide(known, { full_name: '山田太郎', email: 'Taro.Yamada@gmail.com' }).pair.outcome, 'merge');
});

test('a shared family e-mail with another given name, or a shared role address, is no identity', () => {
  const family = decide({ full_name: '高橋 健太', email: 'takahashi-family@yahoo.co.jp' }, { full_name: '高橋 健二', email: 'takahashi-family@yahoo.co.jp' });
  // 健太/健二 are one kanji apart: not a disagreement, but a weak given name that an e-mail alone does not settle.
  assert.ok(family.pair.rules.includes('weak_given_name'));
  assert.notEqual(family.pair.outcome, 'merge');
  const mother = decide({ full_name: '高橋 由美', email: 'takahashi-family@yahoo.co.jp' }, { full_name: '高橋 健二', email: 'takahashi-family@yahoo.co.jp' });
  assert.equal(isEmailIdentity(mother.cmp), false);
  assert.notEqual(mother.pair.outcome, 'merge');
  const role = decide({ full_name: '佐藤 花子', email: 'info@sato-koumuten.co.jp' }, { email: 'info@sato-koumuten.co.jp' });
  assert.equal(isEmailIdentity(role.cmp), false);
  assert.ok(role.cmp.flags.includes('email_role'));
  assert.notEqual(role.pair.outcome, 'merge');
});
