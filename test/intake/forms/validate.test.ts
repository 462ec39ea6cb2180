import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkDefinition, normalizeOrigin, type FormField } from '../../../src/domain/forms/definition.ts';
import { validateSubmission } from '../../../src/domain/forms/validate.ts';
import { lookupPostalArea } from '../../../src/intake/forms/postal-lookup.ts';

const FIELDS: FormField[] = [
  { key: 'name', target: 'full_name', labelJa: 'お名前', type: 'text', required: true },
  { key: 'kana', target: 'full_name_kana', labelJa: 'フリガナ', type: 'kana', required: true },
  { key: 'email', target: 'email', labelJa: 'メールアドレス', type: 'email', required: true },
  { key: 'tel', target: 'phone', labelJa: '電話番号', type: 'tel', required: false },
  { key: 'zip', target: 'postal_code', labelJa: '郵便番号', type: 'postal_code', required: false },
  { key: 'pref', target: 'prefecture', labelJa: '都道府県', type: 'prefecture', required: false },
  { key: 'addr1', target: 'address', labelJa: '住所', type: 'text', required: false },
  { key: 'addr2', target: 'address', labelJa: '建物名', type: 'text', required: false },
  { key: 'timing', target: 'custom.導入時期', labelJa: '導入時期', type: 'select', required: false, options: ['3ヶ月以内', '1年以内', '未定'] },
  { key: 'topics', target: 'custom.関心', labelJa: '関心のある製品', type: 'checkbox', required: true, options: ['会計', '人事', '販売'] },
];

describe('form submission validation (Japanese conventions)', () => {
  test('kana in hiragana or half-width is normalised to katakana; 〒, phone and e-mail are cleaned', () => {
    const r = validateSubmission({ fields: FIELDS, consentRequired: true }, {
      name: '佐藤　花子', kana: 'さとう ﾊﾅｺ', email: ' Hanako@Kaisha.CO.JP ', tel: '０９０ー１２３４ー９８７６', zip: '〒１００ー０００１',
      pref: '東京', addr1: '千代田区千代田１－１', addr2: '台帳ビル3F', timing: '未定', topics: ['会計', '販売'], consent: 'on',
    });
    assert.deepEqual(r.errors, []);
    assert.equal(r.values.kana, 'サトウ ハナコ');
    assert.equal(r.values.email, 'hanako@kaisha.co.jp');
    assert.equal(r.values.tel, '090-1234-9876');
    assert.equal(r.values.zip, '100-0001');
    assert.equal(r.values.pref, '東京都');
    assert.deepEqual(r.values.topics, ['会計', '販売']);
    assert.equal(r.fields.address, '千代田区千代田1-1 台帳ビル3F', 'address inputs are joined in order');
    assert.equal(r.fields.full_name_kana, 'サトウ ハナコ');
    assert.deepEqual(r.attributes, { 導入時期: '未定', 関心: '会計、販売' });
    assert.equal(r.consentGiven, true);
    assert.equal(r.honeypot, false);
  });

  test('errors are Japanese, name the field, and point at its key', () => {
    const r = validateSubmission({ fields: FIELDS, consentRequired: true }, {
      name: '', kana: '佐藤', email: 'hanako@', tel: '12', zip: '100-001', pref: 'カリフォルニア', timing: '来年', topics: ['宇宙'],
    });
    const by = Object.fromEntries(r.errors.map((e) => [e.field, e.message]));
    assert.equal(by.name, 'お名前を入力してください');
    assert.match(by.kana!, /^フリガナはカタカナまたはひらがなで/);
    assert.match(by.email!, /^メールアドレスの形式が正しくありません/);
    assert.match(by.tel!, /^電話番号/);
    assert.match(by.zip!, /^郵便番号は7桁の数字/);
    assert.match(by.pref!, /^都道府県/);
    assert.match(by.timing!, /^導入時期は選択肢から/);
    assert.match(by.topics!, /^関心のある製品/);
    assert.equal(by.consent, '個人情報の取り扱いに同意してください');
  });

  test('a required checkbox group needs one choice; an optional empty field is simply absent', () => {
    const r = validateSubmission({ fields: FIELDS, consentRequired: false }, { name: '林 一', kana: 'ハヤシ ハジメ', email: 'hajime@kaisha.co.jp' });
    assert.deepEqual(r.errors.map((e) => e.field), ['topics']);
    assert.equal(r.errors[0]!.message, '関心のある製品を選択してください');
    assert.equal('tel' in r.values, false);
  });

  test('the honeypot is detected', () => {
    assert.equal(validateSubmission({ fields: FIELDS, consentRequired: false }, { homepage: 'http://spam.example' }).honeypot, true);
  });

  test('definition rules: keys, targets, options, consent wording, origins', () => {
    assert.deepEqual(checkDefinition({ fields: FIELDS }), []);
    const issues = checkDefinition({
      fields: [
        { key: 'Email', target: 'email', labelJa: 'メール', type: 'email', required: true },
        { key: 'mail2', target: 'email', labelJa: 'メール2', type: 'email', required: false },
        { key: 'homepage', target: 'custom.x', labelJa: 'x', type: 'text', required: false },
        { key: 'plan', target: 'custom.プラン', labelJa: 'プラン', type: 'select', required: false },
        { key: 'zip', target: 'postal_code', labelJa: '〒', type: 'email', required: false },
        { key: 'bad', target: 'salary', labelJa: '年収', type: 'text', required: false },
      ],
      consentRequired: true,
      consentText: '',
      allowedOrigins: ['https://www.kaisha.co.jp', 'www.kaisha.co.jp', 'https://kaisha.co.jp/form'],
      redirectUrl: 'javascript:alert(1)',
    });
    const fields = issues.map((i) => i.field);
    for (const f of ['fields.0.key', 'fields.1.target', 'fields.2.key', 'fields.3.options', 'fields.4.type', 'fields.5.target', 'consentText', 'allowedOrigins.1', 'allowedOrigins.2', 'redirectUrl']) {
      assert.ok(fields.includes(f), `${f} in ${fields.join(', ')}`);
    }
    assert.ok(!fields.includes('allowedOrigins.0'));
    assert.equal(normalizeOrigin('https://WWW.Kaisha.co.jp/'), 'https://www.kaisha.co.jp');
  });

  test('〒 lookup gives prefecture, city and town from Japan Post data', () => {
    assert.deepEqual(lookupPostalArea('100-0001'), { postalCode: '1000001', prefecture: '東京都', city: '千代田区', town: '千代田', towns: ['千代田'] });
    const sapporo = lookupPostalArea('０６０－０００１');
    assert.equal(sapporo?.prefecture, '北海道');
    assert.match(sapporo!.city, /^札幌市/);
    assert.equal(lookupPostalArea('12345'), null);
  });
});
