import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  assignIncremental,
  blockingKeys,
  candidatePairs,
  compareRecords,
  decidePair,
  defaultWeights,
  hasBlockingConflict,
  kanaToRomaji,
  prepareMatchRecord,
  resolveBatch,
  scoreCandidates,
  type MatchInput,
  type MatchRecord,
} from '../../../src/domain/match/index.ts';

let seq = 0;
const rec = (fields: MatchInput['fields'], source = 'test', id?: string): MatchRecord =>
  prepareMatchRecord({ id: id ?? `r${++seq}`, source, fields });

const W = defaultWeights();
const decide = (a: MatchRecord, b: MatchRecord) => decidePair(a.id, b.id, compareRecords(a, b), W);
const level = (a: MatchRecord, b: MatchRecord, field: string) => compareRecords(a, b).fields.find((f) => f.field === field)!.level;
const together = (clusters: string[][], a: string, b: string) => clusters.some((c) => c.includes(a) && c.includes(b));

describe('prepareMatchRecord', () => {
  test('splits and folds names: variant kanji, half-width kana, ideographic space', () => {
    const r = rec({ full_name: '髙橋　恵子', full_name_kana: 'ﾀｶﾊｼ ｹｲｺ' });
    assert.equal(r.family?.text, '高橋');
    assert.equal(r.given?.text, '恵子');
    assert.equal(r.family?.kana, 'たかはし');
    assert.equal(r.given?.kana, 'けーこ');
    assert.equal(r.given?.romaji, 'keiko');
  });

  test('drops placeholder e-mail, phone, company and birth date', () => {
    const r = rec({ email: 'test@example.com', phone: '000-0000-0000', company_name: '個人', birth_date: '1900/01/01' });
    assert.deepEqual(r.emails, []);
    assert.deepEqual(r.phones, []);
    assert.equal(r.company, null);
    assert.equal(r.birthDate, null);
    assert.equal(r.dropped.length, 4);
  });

  test('phone: E.164, kind, Excel-lost leading zero, context', () => {
    const home = rec({ phone: '9058782975' });
    assert.deepEqual(home.phones, [{ value: '+819058782975', kind: 'mobile', context: 'home' }]);
    const work = rec({ phone: '03(6496)1622', company_name: '三井リース事業株式会社 東京営業所' });
    assert.equal(work.phones[0]!.kind, 'fixed');
    assert.equal(work.phones[0]!.context, 'work');
    assert.equal(work.company?.core, '三井りーす事業');
  });

  test('e-mail: free-mail vs corporate domain; full-width input', () => {
    const r = rec({ email: 'ｍｉｙａｈａｒａ．ｎａｚｕｋｉ＠ｈｏｔｍａｉｌ．ｃｏ．ｊｐ' });
    assert.equal(r.emails[0]!.key, 'miyahara.nazuki@hotmail.co.jp');
    assert.equal(r.emails[0]!.personal, true);
    const c = rec({ email: 'Kato.Y@Kawaden.co.jp' });
    assert.equal(c.emails[0]!.personal, false);
    assert.deepEqual(c.orgDomains, ['kawaden.co.jp']);
  });

  test('address: 丁目/番地/号, 漢数字, 大字 and a separate prefecture field compare equal', () => {
    const a = rec({ address: '東京都八王子市千人町一丁目２番３号 サンハイツ101' });
    const b = rec({ prefecture: '東京都', address: '八王子市千人町1-2-3', postal_code: '193-0835' });
    assert.equal(a.address?.street, b.address?.street);
    assert.equal(level(a, b, 'address'), 'exact');
    const c = rec({ address: '高石市大字高師浜998' });
    const d = rec({ address: '大阪府高石市高師浜998番地' });
    assert.equal(level(c, d, 'address'), 'exact');
  });

  test('birth dates in 和暦 and compact forms', () => {
    assert.equal(rec({ birth_date: 'S38.05.07' }).birthDate, '1963-05-07');
    assert.equal(rec({ birth_date: '平成元年1月8日' }).birthDate, '1989-01-08');
    assert.equal(rec({ birth_date: '19661016' }).birthDate, '1966-10-16');
  });

  test('birth dates before 1900 are evidence; defaults typed before 1900 are not', () => {
    // A register of historical persons, or one person's typo repeated: the date still tells who the record is.
    const a = rec({ given_name: 'thomas', family_name: 'chudleigh', birth_date: '1630-08-01' });
    const b = rec({ given_name: 'tom', family_name: 'chudleigh', birth_date: '1630/8/1' });
    assert.equal(a.birthDate, '1630-08-01');
    assert.equal(level(a, b, 'birth'), 'exact');
    assert.equal(level(rec({ birth_date: '1858-04-03' }), rec({ birth_date: '1958-04-03' }), 'birth'), 'close');
    for (const placeholder of ['1800-01-01', '1753/01/01', '1111-11-11', '0001-01-01']) {
      const r = rec({ birth_date: placeholder });
      assert.equal(r.birthDate, null, placeholder);
      assert.deepEqual(r.dropped, [`birth_date:${placeholder}`]);
    }
  });

  test('romaji names compare with kana readings', () => {
    assert.equal(kanaToRomaji('しょうた'), 'shouta');
    assert.equal(kanaToRomaji('ﾊｯﾄﾘ'), 'hattori');
    const romaji = rec({ full_name: 'YANAGIDA Toshiko' });
    const kana = rec({ family_name: '柳田', given_name: '紀子', family_name_kana: 'ヤナギダ', given_name_kana: 'トシコ' });
    assert.equal(level(romaji, kana, 'family'), 'exact');
    assert.equal(level(romaji, kana, 'given'), 'exact');
    const swapped = rec({ full_name: 'Toshiko Yanagida' });
    assert.equal(level(swapped, kana, 'given'), 'exact');
  });
});

describe('rules', () => {
  // A household: same family name, address, landline and a shared family e-mail.
  const household = {
    family_name_kana: 'ヤマダ',
    postal_code: '166-0015',
    address: '東京都杉並区成田東1丁目14番4号',
    phone: '03-6756-3177',
    email: 'yamada-family@gmail.com',
  };

  test('family members with different given names are never merged', () => {
    const father = rec({ ...household, family_name: '山田', given_name: '太郎', given_name_kana: 'タロウ', birth_date: '1960-04-01' });
    const mother = rec({ ...household, family_name: '山田', given_name: '花子', given_name_kana: 'ハナコ', birth_date: '1962-08-15' });
    const son = rec({ ...household, family_name: '山田', given_name: '健太', given_name_kana: 'ケンタ' });
    for (const [a, b] of [
      [father, mother],
      [father, son],
      [mother, son],
    ] as const) {
      const d = decide(a, b);
      assert.notEqual(d.outcome, 'merge', `${a.given?.text} / ${b.given?.text}`);
      assert.ok(d.rules.includes('given_name_conflict'));
    }
    const { clusters } = resolveBatch([father, mother, son], { weights: W });
    assert.equal(clusters.length, 3);
  });

  test('twins (same birth date and household) with different given names stay apart', () => {
    const a = rec({ ...household, family_name: '山田', given_name: '健太', given_name_kana: 'ケンタ', birth_date: '2001-05-05', phone: '090-1111-2222' });
    const b = rec({ ...household, family_name: '山田', given_name: '健二', given_name_kana: 'ケンジ', birth_date: '2001-05-05', phone: '090-1111-2222' });
    assert.notEqual(decide(a, b).outcome, 'merge');
  });

  test('siblings 健太/健二 without readings: one kanji apart is not enough on household evidence', () => {
    const a = rec({ ...household, full_name: '山田 健太' });
    const b = rec({ ...household, full_name: '山田 健二' });
    const d = decide(a, b);
    assert.equal(level(a, b, 'given'), 'close');
    assert.notEqual(d.outcome, 'merge');
  });

  test('colleagues sharing the company main number and address are not merged', () => {
    const co = { company_name: '株式会社日本製鋼所', phone: '03-9972-6335', address: '東京都千代田区有楽町1-1-2' };
    const a = rec({ ...co, full_name: '平石 蓮', email: 'r.hiraishi@nihonseikosho.com' });
    const b = rec({ ...co, full_name: '佐藤 健', email: 'k.sato@nihonseikosho.com' });
    assert.notEqual(decide(a, b).outcome, 'merge');
  });

  test('namesakes (same common name, different birth date / address) stay apart', () => {
    const a = rec({ full_name: '田中 裕子', full_name_kana: 'タナカ ユウコ', birth_date: '1986-09-21', address: '神奈川県海老名市杉久保2560', phone: '080-1514-1758' });
    const b = rec({ full_name: '田中 裕子', full_name_kana: 'タナカ ユウコ', birth_date: '1971-03-02', address: '愛知県豊橋市明海町5-10', phone: '090-3333-4444' });
    const d = decide(a, b);
    assert.notEqual(d.outcome, 'merge');
    assert.ok(d.rules.includes('birth_date_conflict'));
    const c = rec({ full_name: '田中 裕子', address: '大阪府大阪市北区梅田1-1-1', phone: '090-5555-6666' });
    assert.notEqual(decide(a, c).outcome, 'merge');
  });

  test('same reading, different kanji (namesake_reading) is not an exact name', () => {
    const a = rec({ full_name: '佐藤 優子', full_name_kana: 'サトウ ユウコ' });
    const b = rec({ full_name: '佐藤 裕子', full_name_kana: 'サトウ ユウコ' });
    assert.equal(level(a, b, 'given'), 'close');
    assert.notEqual(decide(a, b).outcome, 'merge');
  });

  test('married-name change: same given name, birth date and e-mail/mobile → merge; less → review', () => {
    const before = rec({ full_name: '田中 美咲', full_name_kana: 'タナカ ミサキ', birth_date: '1990-07-12', email: 'misaki.t@gmail.com', phone: '080-8878-7543' });
    const after = rec({ full_name: '鈴木 美咲', full_name_kana: 'スズキ ミサキ', birth_date: '1990-07-12', email: 'misaki.t@gmail.com', phone: '080-8878-7543' });
    const d = decide(before, after);
    assert.equal(level(before, after, 'family'), 'disagree');
    assert.equal(d.outcome, 'merge');
    const onlyBirth = rec({ full_name: '鈴木 美咲', full_name_kana: 'スズキ ミサキ', birth_date: '1990-07-12', address: '東京都港区六本木3-16-35' });
    const d2 = decide(before, onlyBirth);
    assert.notEqual(d2.outcome, 'merge');
    assert.ok(d2.rules.includes('family_name_change'));
  });

  test('variant kanji and half-width kana of one person merge', () => {
    const a = rec({ full_name: '髙橋 恵子', full_name_kana: 'ﾀｶﾊｼ ｹｲｺ', phone: '090-1234-9876', birth_date: '1975-02-03' });
    const b = rec({ family_name: '高橋', given_name: '恵子', family_name_kana: 'タカハシ', given_name_kana: 'ケイコ', phone: '09012349876', birth_date: '昭和50年2月3日' });
    assert.equal(level(a, b, 'family'), 'exact');
    assert.equal(level(a, b, 'given'), 'exact');
    assert.equal(decide(a, b).outcome, 'merge');
  });

  test('placeholder e-mails and phones are not evidence', () => {
    const a = rec({ full_name: '山本 一郎', email: 'test@example.com', phone: '000-0000-0000' });
    const b = rec({ full_name: '中川 二郎', email: 'test@example.com', phone: '000-0000-0000' });
    assert.equal(level(a, b, 'email'), 'missing');
    assert.equal(level(a, b, 'phone'), 'missing');
    assert.equal(decide(a, b).outcome, 'distinct');
    assert.ok(!blockingKeys(a).some((k) => k.startsWith('e:') || k.startsWith('p:')));
  });

  test('kana typo in voicing (ハルギ/ハルキ) is a close, same-reading given name', () => {
    const a = rec({ full_name: '酒井陽貴', full_name_kana: 'さかいはるぎ', email: 'haruki.sakai88@docomo.ne.jp' });
    const b = rec({ full_name_kana: 'ｻｶｲ ﾊﾙｷ', email: 'haruki.sakai88@docomo.ne.jp' });
    assert.equal(level(a, b, 'given'), 'close');
    assert.equal(decide(a, b).outcome, 'merge');
  });

  test('evidence lists every field with its level and weight', () => {
    const a = rec({ full_name: '山田 太郎', email: 'taro@gmail.com' });
    const b = rec({ full_name: '山田 太郎', email: 'taro@gmail.com' });
    const d = decide(a, b);
    assert.equal(d.evidence.length, 8);
    const email = d.evidence.find((e) => e.field === 'email')!;
    assert.equal(email.level, 'exact');
    assert.ok(email.weight > 0);
  });
});

describe('clustering', () => {
  test('no chaining: A~B and B~C do not glue A to an incompatible C', () => {
    // B shares a mobile with A and the family e-mail with C; A and C differ in given name and birth date.
    const A = rec({ full_name: '山田 太郎', full_name_kana: 'ヤマダ タロウ', birth_date: '1960-04-01', phone: '090-1111-2222' }, 's', 'A');
    const B = rec({ full_name: '山田 太郎', full_name_kana: 'ヤマダ タロウ', phone: '090-1111-2222', email: 'yamada@gmail.com' }, 's', 'B');
    const C = rec({ full_name: '山田 花子', full_name_kana: 'ヤマダ ハナコ', birth_date: '1962-08-15', email: 'yamada@gmail.com' }, 's', 'C');
    const { clusters } = resolveBatch([A, B, C], { weights: W });
    assert.ok(together(clusters, 'A', 'B'));
    assert.ok(!together(clusters, 'A', 'C'));
    assert.ok(!together(clusters, 'B', 'C'));
  });

  test('ambiguous name-only link joins neither namesake', () => {
    const home1 = rec({ full_name: '野口 隆', birth_date: '1991-04-14', address: '静岡県静岡市清水区長崎南町1-16-4', phone: '090-7637-4004' }, 's', 'h1');
    const home2 = rec({ full_name: '野口 隆', birth_date: '1978-01-02', address: '岩手県下閉伊郡田野畑村茅刈沢2860', phone: '080-2606-8102' }, 's', 'h2');
    const card = rec({ full_name: '野口 隆', company_name: '株式会社吉川工務店' }, 's', 'w');
    const { clusters } = resolveBatch([home1, home2, card], { weights: W });
    assert.ok(!together(clusters, 'h1', 'h2'));
    assert.ok(!together(clusters, 'w', 'h1'));
    assert.ok(!together(clusters, 'w', 'h2'));
  });

  test('blocking caps oversized blocks', () => {
    const many = Array.from({ length: 60 }, (_, i) => rec({ company_name: '株式会社大きな会社', phone: '03-1234-0000', full_name: `社員${i}` }, 'big', `e${i}`));
    const { stats } = candidatePairs(many, { maxBlockSize: 50 });
    assert.ok(stats.oversized.some((o) => o.key.startsWith('p:')));
    assert.ok(stats.pairs < (60 * 59) / 2);
  });
});

describe('incremental', () => {
  test('scoreCandidates ranks the same person first', () => {
    const existing = [
      rec({ full_name: '鳥海 聡', full_name_kana: 'トリウミ サトシ', birth_date: '1970-11-15', email: 'satoshi.toriumi@ocn.ne.jp' }, 'db', 'c1'),
      rec({ full_name: '鳥海 恵', full_name_kana: 'トリウミ メグミ', birth_date: '1972-01-20', email: 'megumi.toriumi@ocn.ne.jp' }, 'db', 'c2'),
    ];
    const incoming = rec({ family_name: '鳥海', given_name: '聡', family_name_kana: 'トリウミ', given_name_kana: 'サトシ', email: 'satoshi.toriumi@ocn.ne.jp' }, 'web', 'n1');
    const scores = scoreCandidates(incoming, existing, W);
    assert.equal(scores[0]!.candidateId, 'c1');
    assert.equal(scores[0]!.outcome, 'merge');
    assert.notEqual(scores[1]!.outcome, 'merge');
    const d = assignIncremental(incoming, existing.map((r, i) => ({ record: r, clusterId: `cust${i}` })), W);
    assert.equal(d.clusterId, 'cust0');
  });
});

// ------------------------------------------------------------------ properties

const FAMILIES = ['山田', '佐藤', '髙橋', '高橋', '鈴木'];
const GIVENS = ['太郎', '花子', '健太', '健二', '恵子'];
const READ: Record<string, string> = { 山田: 'ヤマダ', 佐藤: 'サトウ', 髙橋: 'タカハシ', 高橋: 'タカハシ', 鈴木: 'スズキ', 太郎: 'タロウ', 花子: 'ハナコ', 健太: 'ケンタ', 健二: 'ケンジ', 恵子: 'ケイコ' };
const arbInput = fc.record({
  family: fc.constantFrom(...FAMILIES),
  given: fc.constantFrom(...GIVENS),
  kana: fc.boolean(),
  birth: fc.option(fc.constantFrom('1960-04-01', '1962-08-15', '1990-07-12'), { nil: undefined }),
  phone: fc.option(fc.constantFrom('090-1111-2222', '03-6756-3177', '080-3333-4444'), { nil: undefined }),
  email: fc.option(fc.constantFrom('yamada@gmail.com', 'k.sato@example.co.jp', 'hanako@docomo.ne.jp'), { nil: undefined }),
  address: fc.option(fc.constantFrom('東京都杉並区成田東1-14-4', '大阪府堺市堺区1-2-3'), { nil: undefined }),
});
type ArbValue = typeof arbInput extends fc.Arbitrary<infer T> ? T : never;
const toRecord = (x: ArbValue, id: string): MatchRecord =>
  prepareMatchRecord({
    id,
    source: 'p',
    fields: {
      full_name: `${x.family} ${x.given}`,
      ...(x.kana ? { full_name_kana: `${READ[x.family]} ${READ[x.given]}` } : {}),
      ...(x.birth ? { birth_date: x.birth } : {}),
      ...(x.phone ? { phone: x.phone } : {}),
      ...(x.email ? { email: x.email } : {}),
      ...(x.address ? { address: x.address } : {}),
    },
  });

describe('properties', () => {
  test('comparison and scoring are symmetric', () => {
    fc.assert(
      fc.property(arbInput, arbInput, (x, y) => {
        const a = toRecord(x, 'a');
        const b = toRecord(y, 'b');
        const ab = compareRecords(a, b);
        const ba = compareRecords(b, a);
        assert.deepEqual(ab.vector, ba.vector);
        const dab = decidePair('a', 'b', ab, W);
        const dba = decidePair('b', 'a', ba, W);
        assert.equal(dab.score, dba.score);
        assert.equal(dab.outcome, dba.outcome);
      }),
      { numRuns: 300 },
    );
  });

  test('clusters never contain a given-name or birth-date conflict (a family-name change alone is no conflict)', () => {
    fc.assert(
      fc.property(fc.array(arbInput, { minLength: 2, maxLength: 12 }), (xs) => {
        const recs = xs.map((x, i) => toRecord(x, `r${i}`));
        const { clusters } = resolveBatch(recs, { weights: W });
        const byId = new Map(recs.map((r) => [r.id, r]));
        for (const c of clusters) {
          for (let i = 0; i < c.length; i++) {
            for (let j = i + 1; j < c.length; j++) {
              const a = byId.get(c[i]!)!;
              const b = byId.get(c[j]!)!;
              const d = decidePair(a.id, b.id, compareRecords(a, b), W);
              assert.ok(!hasBlockingConflict(d.rules, W), `${c[i]} ${c[j]} ${d.rules.join(',')}`);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  test('output is independent of input order (batch training included)', () => {
    fc.assert(
      fc.property(fc.array(arbInput, { minLength: 2, maxLength: 14 }), fc.integer(), (xs, seed) => {
        const recs = xs.map((x, i) => toRecord(x, `r${i}`));
        const shuffled = [...recs];
        let s = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          const j = s % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const r1 = resolveBatch(recs);
        const r2 = resolveBatch(shuffled);
        assert.deepEqual(r1.clusters, r2.clusters);
        assert.deepEqual(
          r1.reviews.map((r) => [r.a, r.b, r.score]),
          r2.reviews.map((r) => [r.a, r.b, r.score]),
        );
      }),
      { numRuns: 60 },
    );
  });
});
