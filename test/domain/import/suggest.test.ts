import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { classifyHeader, headerKey, suggestMapping } from '../../../src/domain/import/suggest.ts';
import { parseImportProfile, profileToJson } from '../../../src/domain/import/profile.ts';
import { openTable } from '../../../src/intake/files/readers/index.ts';

const DATA = '/work/shared/data';

async function headersOf(file: string): Promise<string[]> {
  const table = await openTable(file);
  await table.close();
  return table.headers;
}

/** Every export with a shipped profile. */
const PROFILED: Array<[csv: string, profile: string]> = [
  ['ja-dedup-dev/meishi.csv', 'ja-dedup-dev/meishi.mapping.json'],
  ['ja-dedup-dev/shiryo_seikyu.csv', 'ja-dedup-dev/shiryo_seikyu.mapping.json'],
  ['ja-dedup-dev/ec_members.csv', 'ja-dedup-dev/ec_members.mapping.json'],
  ['ja-dedup-dev/seminar.csv', 'ja-dedup-dev/seminar.mapping.json'],
  ['ja-dedup-dev/pos_members.csv', 'ja-dedup-dev/pos_members.mapping.json'],
  ['febrl/febrl1.csv', 'febrl/febrl1.mapping.json'],
  ['febrl/febrl2.csv', 'febrl/febrl2.mapping.json'],
  ['splink_fake_1000/fake_1000.csv', 'splink_fake_1000/fake1000.mapping.json'],
];

describe('suggestMapping reproduces every shipped profile from the file headers', () => {
  for (const [csv, profilePath] of PROFILED) {
    test(csv, async () => {
      const headers = await headersOf(`${DATA}/${csv}`);
      const shipped = profileToJson(parseImportProfile(JSON.parse(fs.readFileSync(`${DATA}/${profilePath}`, 'utf8'))));
      const s = suggestMapping(headers);
      assert.deepEqual(s.fields, shipped.fields);
      assert.equal(s.idColumn, shipped.id_column);
      for (const [field, c] of Object.entries(s.confidence)) assert.ok(c >= 0.85, `${field} ${c}`);
      assert.ok(s.idConfidence >= 0.85, String(s.idConfidence));
    });
  }

  test('what stays unmapped (kept as custom attributes)', async () => {
    const unmapped = async (csv: string) => suggestMapping(await headersOf(`${DATA}/${csv}`)).unmapped;
    assert.deepEqual(await unmapped('ja-dedup-dev/meishi.csv'), ['FAX', '名刺交換日', '所有者']);
    assert.deepEqual(await unmapped('ja-dedup-dev/ec_members.csv'), ['登録日', 'メルマガ']);
    assert.deepEqual(await unmapped('ja-dedup-dev/pos_members.csv'), ['登録店舗', '最終来店日']);
    assert.deepEqual(await unmapped('ja-dedup-dev/seminar.csv'), ['参加日', 'セミナー名']);
    assert.deepEqual(await unmapped('ja-dedup-dev/shiryo_seikyu.csv'), ['受付日時', '資料名']);
    assert.deepEqual(await unmapped('febrl/febrl1.csv'), ['soc_sec_id']);
    // `cluster` is the truth label of this data set: it lands in the attributes, and a matcher must not read it.
    assert.deepEqual(await unmapped('splink_fake_1000/fake_1000.csv'), ['cluster']);
  });
});

describe('suggestMapping on the other files in /work/shared/data (no shipped profile)', () => {
  test('jpostcode: postcode, prefecture, address parts; the readings and the prefecture code stay unmapped; no id', async () => {
    const areas = suggestMapping(await headersOf(`${DATA}/ja/jpostcode/areas.csv`));
    assert.deepEqual(areas.fields, { postal_code: 'postcode', prefecture: 'prefecture', address: ['city', 'town'] });
    assert.equal(areas.idColumn, null); // prefecture_code is not a record id
    assert.deepEqual(areas.unmapped, ['prefecture_code', 'prefecture_kana', 'city_kana', 'town_kana']);
    const offices = suggestMapping(await headersOf(`${DATA}/ja/jpostcode/offices.csv`));
    assert.deepEqual(offices.fields, { postal_code: 'postcode', prefecture: 'prefecture', address: ['city', 'town', 'street'] });
    // office_name is an organisation's name; the vocabulary does not guess it (company_name is for a person's employer).
    assert.ok(offices.unmapped.includes('office_name'));
  });

  test('dedupe_patent: person_id is the id, Name / person_name the name', async () => {
    const input = suggestMapping(await headersOf(`${DATA}/dedupe_patent/patstat_input.csv`));
    assert.deepEqual(input.fields, { full_name: 'Name' });
    assert.equal(input.idColumn, 'person_id');
    assert.deepEqual(input.unmapped, ['Lat', 'Lng', 'Coauthor', 'Class']);
    const ref = suggestMapping(await headersOf(`${DATA}/dedupe_patent/patstat_reference.csv`));
    assert.deepEqual(ref.fields, { full_name: 'person_name' });
    assert.equal(ref.idColumn, 'person_id'); // before leuven_id: earlier and a person id
  });

  test('gimei and jpnames are reference lists, not customer exports: almost nothing maps', async () => {
    assert.deepEqual(suggestMapping(await headersOf(`${DATA}/ja/gimei/gimei_first_names.csv`)).fields, { gender: 'gender' });
    assert.deepEqual(suggestMapping(await headersOf(`${DATA}/ja/gimei/gimei_last_names.csv`)).fields, {});
    assert.deepEqual(suggestMapping(await headersOf(`${DATA}/ja/gimei/gimei_address_parts.csv`)).fields, {});
    // jpnames has no header row: its first data row is taken as the header and nothing in it looks like one.
    const jp = suggestMapping(await headersOf(`${DATA}/ja/jpnames/last_name_org.csv`));
    assert.deepEqual(jp.fields, {});
    assert.equal(jp.idColumn, null);
  });

  test('truth and label files: only an id-like column', async () => {
    for (const f of ['ja-dedup-dev/truth.csv', 'febrl/truth.csv', 'splink_fake_1000/truth.csv']) {
      const s = suggestMapping(await headersOf(`${DATA}/${f}`));
      assert.deepEqual(s.fields, {}, f);
      assert.equal(s.idColumn, 'external_id', f);
    }
    const labels = suggestMapping(await headersOf(`${DATA}/splink_fake_1000/fake_1000_labels.csv`));
    assert.deepEqual(labels.fields, {});
    assert.equal(labels.idColumn, null);
    assert.deepEqual(suggestMapping(await headersOf(`${DATA}/ja-dedup-dev/negatives.csv`)).fields, {});
  });
});

describe('header vocabulary', () => {
  const cases: Record<string, string | null> = {
    // names
    氏名: 'full_name', 名前: 'full_name', お名前: 'full_name', 参加者名: 'full_name', 'お客様名': 'full_name', 会員名: 'full_name',
    Name: 'full_name', 'Full Name': 'full_name', full_name: 'full_name', '氏名（必須）': 'full_name', '【必須】お名前': 'full_name',
    姓: 'family_name', 苗字: 'family_name', 'Last Name': 'family_name', surname: 'family_name', 'お名前（姓）': 'family_name', '氏名_姓': 'family_name',
    名: 'given_name', 'First Name': 'given_name', 'given name': 'given_name', 'お名前（名）': 'given_name',
    // readings
    フリガナ: 'full_name_kana', ふりがな: 'full_name_kana', ﾌﾘｶﾞﾅ: 'full_name_kana', カナ: 'full_name_kana', よみ: 'full_name_kana',
    '氏名（フリガナ）': 'full_name_kana', 氏名カナ: 'full_name_kana', 'name_kana': 'full_name_kana', 'お名前(カタカナ)': 'full_name_kana',
    セイ: 'family_name_kana', メイ: 'given_name_kana', 'フリガナ（セイ）': 'family_name_kana', 'フリガナ(メイ)': 'given_name_kana', 姓カナ: 'family_name_kana',
    last_name_kana: 'family_name_kana', 会社名カナ: 'company_name_kana', 会社名フリガナ: 'company_name_kana', 住所カナ: null,
    // contact
    メール: 'email', メールアドレス: 'email', 'E-mail': 'email', email: 'email', 'Ｅメール': 'email', 'E-Mail Address': 'email', 'PCメールアドレス': 'email',
    メルマガ: null, 'メール配信希望': null, 'メルマガ購読': null,
    電話: 'phone', 電話番号: 'phone', TEL: 'phone', ＴＥＬ: 'phone', 携帯: 'phone', '携帯電話番号': 'phone', phone: 'phone', 'Phone Number': 'phone',
    FAX: null, 'FAX番号': null, ファックス: null,
    郵便番号: 'postal_code', '〒': 'postal_code', zip: 'postal_code', 'Zip Code': 'postal_code', postcode: 'postal_code', postal_code: 'postal_code',
    都道府県: 'prefecture', prefecture: 'prefecture', state: 'prefecture', prefecture_code: null,
    住所: 'address', 住所1: 'address', 住所２: 'address', 所在地: 'address', address: 'address', 'Address Line 1': 'address', 市区町村: 'address',
    番地: 'address', 建物名: 'address', street_number: 'address', suburb: 'address', city: 'address', 'IPアドレス': null, 'IP Address': null,
    // organisation
    会社名: 'company_name', 企業名: 'company_name', 勤務先: 'company_name', company: 'company_name', 'Company Name': 'company_name', 法人番号: 'company_corporate_number',
    部署: 'department', 部署名: 'department', department: 'department', 所属部署: 'department',
    役職: 'title', 肩書き: 'title', title: 'title', 'Job Title': 'title',
    // person
    生年月日: 'birth_date', 誕生日: 'birth_date', birthday: 'birth_date', dob: 'birth_date', date_of_birth: 'birth_date', 年齢: null,
    性別: 'gender', gender: 'gender', sex: 'gender',
    // ids
    ID: 'id', 名刺ID: 'id', 会員番号: 'id', 顧客コード: 'id', 受付番号: 'id', 受付ID: 'id', record_no: 'id', unique_id: 'id', customer_id: 'id',
    社員番号: 'id', soc_sec_id: 'id', 'No.': 'id',
    // neither
    登録日: null, セミナー名: null, 資料名: null, 名刺交換日: null, 所有者: null, 備考: null, '': null,
    // Mailchimp audience export: its own columns stay custom attributes (CONFIRM_TIME once became 会社名 through "firm")
    'Email Address': 'email', Birthday: 'birth_date', MEMBER_RATING: null, OPTIN_TIME: null, OPTIN_IP: null, CONFIRM_TIME: null,
    CONFIRM_IP: null, LATITUDE: null, LONGITUDE: null, GMTOFF: null, DSTOFF: null, TIMEZONE: null, CC: null, REGION: null,
    LAST_CHANGED: null, LEID: null, EUID: null, NOTES: null, TAGS: null, EMAIL_TYPE: null, 'Confirm Email': null,
    // HubSpot
    'Record ID': 'id', 'Mobile Phone Number': 'phone', 'Street Address': 'address', 'State/Region': 'prefecture',
    'Postal Code': 'postal_code', 'Country/Region': null, 'Contact owner': null, 'Lead Status': null, 'Create Date': null,
    'Associated Company IDs': null, 'Company Domain Name': 'company_website', 'Email Domain': null, 'Marketing contact status': null,
    // Salesforce (report labels, Data Loader names, Japanese labels)
    'Contact ID': 'id', 'Account Name': 'company_name', Salutation: null, Mobile: 'phone', 'Mailing Street': 'address',
    'Mailing City': 'address', 'Mailing State/Province': 'prefecture', 'Mailing Zip/Postal Code': 'postal_code', 'Mailing Country': null,
    'Email Opt Out': null, 'Lead Source': null, Id: 'id', FirstName: 'given_name', LastName: 'family_name', MobilePhone: 'phone',
    MailingStreet: 'address', MailingState: 'prefecture', MailingPostalCode: 'postal_code', HasOptedOutOfEmail: null,
    'Zip/Postal Code': 'postal_code', 'State/Province': 'prefecture', Street: 'address', 取引先名: 'company_name',
    郵送先市区郡: 'address', 郵送先都道府県: 'prefecture', 郵送先郵便番号: 'postal_code', 郵送先国: null,
    // Eight / Sansan business cards: a company's or department's line is shared by everyone there, not a person's phone:
    // the company's main line is the company's (company_phone), a department's line nobody's
    'e-mail': 'email', Eメール: 'email', 携帯電話: 'phone', TEL直通: 'phone', TEL会社: 'company_phone', 会社TEL: 'company_phone', TEL部門: null,
    代表電話: 'company_phone', 'Company Phone': 'company_phone', 'FAX番号 ': null, URL: 'company_website',
    // the company's own facts (issue 20)
    業種: 'company_industry', 従業員数: 'company_employees', 資本金: 'company_capital', ホームページ: 'company_website', Industry: 'company_industry',
    'Number of Employees': 'company_employees', 'Annual Revenue': 'company_revenue', 売上規模: 'company_revenue', '住所3': 'address', 'ビル名': 'address',
    // "firm" only as a word
    Firm: 'company_name', 'Firm Name': 'company_name',
  };
  for (const [header, kind] of Object.entries(cases)) {
    test(`${JSON.stringify(header)} → ${kind}`, () => {
      assert.equal(classifyHeader(header)?.kind ?? null, kind);
    });
  }

  test('headerKey folds width, case, punctuation and form noise', () => {
    assert.equal(headerKey(' Ｅ－Ｍａｉｌ（必須） '), 'email');
    assert.equal(headerKey('ﾌﾘｶﾞﾅ'), 'フリガナ');
    assert.equal(headerKey('〒'), '〒');
  });
});

describe('suggestMapping choices', () => {
  test('one column per field (the best, then the leftmost); address takes all of its columns in order', () => {
    const s = suggestMapping(['自宅電話', '電話番号', '携帯', '都道府県', '市区町村', '番地', '建物名', 'メール', 'メールアドレス2']);
    assert.equal(s.fields.phone, '電話番号');
    assert.equal(s.fields.email, 'メール');
    assert.deepEqual(s.fields.address, ['市区町村', '番地', '建物名']);
    assert.equal(s.fields.prefecture, '都道府県');
    assert.deepEqual(s.unmapped, ['自宅電話', '携帯', 'メールアドレス2']);
    const used = s.columns.filter((c) => c.used).map((c) => c.header);
    assert.deepEqual(used, ['電話番号', '都道府県', '市区町村', '番地', '建物名', 'メール']);
    assert.equal(s.columns[0]!.kind, 'phone');
    assert.equal(s.columns[0]!.used, false);
  });

  test('split name form: 姓/名/セイ/メイ', () => {
    const s = suggestMapping(['受付番号', '姓', '名', 'セイ', 'メイ']);
    assert.deepEqual(s.fields, { family_name: '姓', given_name: '名', family_name_kana: 'セイ', given_name_kana: 'メイ' });
    assert.equal(s.idColumn, '受付番号');
  });

  test('the id column must be unique and non-blank in the sample, else the next candidate', () => {
    const headers = ['店舗コード', '会員番号', '氏名'];
    assert.equal(suggestMapping(headers).idColumn, '会員番号'); // a member number beats a shop code
    const sample = [
      { 店舗コード: 'S1', 会員番号: '1', 氏名: 'a' },
      { 店舗コード: 'S1', 会員番号: '1', 氏名: 'b' },
    ];
    assert.equal(suggestMapping(headers, sample).idColumn, null); // 会員番号 repeats, 店舗コード repeats
    const unique = [
      { 店舗コード: 'S1', 会員番号: '', 氏名: 'a' },
      { 店舗コード: 'S2', 会員番号: '2', 氏名: 'b' },
    ];
    assert.equal(suggestMapping(headers, unique).idColumn, '店舗コード'); // 会員番号 has a blank
  });

  test('one address: the unqualified columns, else those of the leftmost owner (Salesforce Mailing… over Other…)', () => {
    assert.deepEqual(suggestMapping(['Mailing Street', 'Mailing City', 'Other Street', 'Other City']).fields.address, ['Mailing Street', 'Mailing City']);
    assert.deepEqual(suggestMapping(['自宅住所', '勤務先住所']).fields.address, '自宅住所');
    assert.deepEqual(suggestMapping(['会社住所', '住所1', '住所2']).fields.address, ['住所1', '住所2']);
    assert.deepEqual(suggestMapping(['Other Street', 'Other City']).fields.address, ['Other Street', 'Other City']);
  });

  test('nothing recognisable', () => {
    const s = suggestMapping(['foo', 'bar']);
    assert.deepEqual(s.fields, {});
    assert.equal(s.idColumn, null);
    assert.equal(s.idConfidence, 0);
    assert.deepEqual(s.unmapped, ['foo', 'bar']);
  });
});

describe('suggestMapping with sample values: a column whose values do not fit its field is not suggested', () => {
  const row = (o: Record<string, string>) => o;

  test('会社名 holding timestamps: no company (never a customer named 「2015-03-16 14:40:47」), with the reason', () => {
    const headers = ['Email Address', '会社名', 'MEMBER_RATING'];
    const sample = [
      row({ 'Email Address': 'a@example.jp', 会社名: '2015-03-16 14:40:47', MEMBER_RATING: '2' }),
      row({ 'Email Address': 'b@example.jp', 会社名: '2016-07-01 09:05:12', MEMBER_RATING: '3' }),
    ];
    assert.equal(suggestMapping(headers).fields.company_name, '会社名'); // the header alone says company
    const s = suggestMapping(headers, sample);
    assert.equal(s.fields.company_name, undefined);
    assert.ok(s.unmapped.includes('会社名'));
    const column = s.columns.find((c) => c.header === '会社名')!;
    assert.equal(column.kind, 'company_name');
    assert.equal(column.score, 0);
    assert.equal(column.used, false);
    assert.equal(column.misfit?.fit.misfits, 2);
    assert.match(column.misfit?.message ?? '', /列「会社名」の値は company_name に合いません: 2 件中 2 件（例「2015-03-16 14:40:47」: 日付・日時）/u);
  });

  test('the field goes to the next candidate whose values fit', () => {
    const s = suggestMapping(['電話番号', '携帯電話'], [row({ 電話番号: '2020/01/01', 携帯電話: '090-0000-0001' }), row({ 電話番号: '2020/01/02', 携帯電話: '' })]);
    assert.equal(s.fields.phone, '携帯電話');
    const e = suggestMapping(['メール', 'PCメール'], [row({ メール: '希望する', PCメール: 'a@example.jp' })]);
    assert.equal(e.fields.email, 'PCメール');
  });

  test('numbers as a name, a name as an e-mail, an age as a birth date', () => {
    const s = suggestMapping(['Name', 'Email', '生年月日'], [row({ Name: '1001', Email: 'Taro', 生年月日: '45' }), row({ Name: '1002', Email: 'Hanako', 生年月日: '38' })]);
    assert.deepEqual(s.fields, {});
  });

  test('blank cells are no evidence: a column empty in some (or all) sampled rows keeps its field', () => {
    const some = suggestMapping(['氏名', '会社名'], [row({ 氏名: '見本 太郎', 会社名: '' }), row({ 氏名: '試験 花子', 会社名: 'テスト工業株式会社' })]);
    assert.equal(some.fields.company_name, '会社名');
    assert.equal(some.confidence.company_name, 0.95);
    const none = suggestMapping(['氏名', '会社名'], [row({ 氏名: '見本 太郎', 会社名: '' })]);
    assert.equal(none.fields.company_name, '会社名');
  });

  test('a few misfits lower the score; most misfits rule the column out', () => {
    const values = (bad: number, good: number) => [
      ...Array.from({ length: bad }, (_, i) => row({ 会社名: `2020-01-${String(i + 1).padStart(2, '0')}` })),
      ...Array.from({ length: good }, (_, i) => row({ 会社名: `サンプル${i}株式会社` })),
    ];
    const few = suggestMapping(['会社名'], values(1, 9));
    assert.equal(few.fields.company_name, '会社名');
    assert.equal(few.confidence.company_name, 0.9); // 0.95 × (0.5 + 0.5 × 0.9)
    assert.equal(suggestMapping(['会社名'], values(6, 4)).fields.company_name, undefined);
  });

  test('the id column is not judged by value kind (a record id may look like a number or a date)', () => {
    const s = suggestMapping(['受付番号', '氏名'], [row({ 受付番号: '2024-0001', 氏名: '見本 太郎' }), row({ 受付番号: '2024-0002', 氏名: '試験 花子' })]);
    assert.equal(s.idColumn, '受付番号');
  });
});
