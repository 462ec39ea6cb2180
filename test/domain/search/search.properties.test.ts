import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildSearchDocument, phoneSearchDigits, type SearchFields } from '../../../src/domain/search/document.ts';
import { FIELD_SEPARATOR, foldValue } from '../../../src/domain/search/grams.ts';
import { foldForSearch } from '../../../src/domain/normalize/text.ts';
import { conditionOf, planSearch, queryTerms, selectGrams } from '../../../src/domain/search/plan.ts';
import { japaneseishString, kanaTriple } from '../normalize/arbitraries.ts';
import { bestTier, satisfies } from './support.ts';

const kanji = fc.constantFrom(...'佐藤鈴木高橋田中渡辺伊山本村小林加吉松井上清水森池阿部石川前後長谷坂近花子太郎美咲翔髙邉﨑𠮷'.split(/(?:)/u));
const kana = fc.constantFrom(...'あいうえおかがきさしすたちつなはぱまやゆよらりわんーっゃアイウカガサタナハパマヤンーｱｲｳｶﾞﾊﾟｰ'.split(/(?:)/u));
const latin = fc.constantFrom(...'abcxyzABCXYZ0123456789._@%\\+Ａｂ０１'.split(/(?:)/u));
const word = (chars: fc.Arbitrary<string>, max = 8) => fc.array(chars, { minLength: 1, maxLength: max }).map((a) => a.join(''));
const email = fc.tuple(word(latin, 12), word(latin, 10)).map(([l, d]) => `${l}@${d}.jp`);
const phone = fc.tuple(fc.constantFrom('+81', '0', '０', '+1 '), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 11 }))
  .map(([p, ds]) => p + ds.join(''));
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const fieldsArb: fc.Arbitrary<SearchFields> = fc.record({
  familyName: optional(word(kanji, 3)),
  givenName: optional(word(kanji, 3)),
  familyNameKana: optional(word(kana, 6)),
  givenNameKana: optional(word(kana, 6)),
  displayName: optional(fc.oneof(word(kanji), japaneseishString)),
  companyName: optional(fc.oneof(fc.tuple(word(kanji, 4), word(kana, 4), word(latin, 4)).map((p) => p.join('')), japaneseishString)),
  email: optional(email),
  phone: optional(phone),
  extra: optional(fc.array(fc.oneof(japaneseishString, word(latin, 6)), { maxLength: 2 })),
});

/** The folded values that the document indexes (what a person might type a piece of). */
function foldedValues(f: SearchFields): string[] {
  const v = [f.familyName, f.givenName, f.familyNameKana, f.givenNameKana, f.displayName, f.companyName, f.email, ...(f.extra ?? [])]
    .map((x) => foldValue(x));
  v.push(foldValue((f.familyName ?? '') + (f.givenName ?? '')), foldValue((f.familyNameKana ?? '') + (f.givenNameKana ?? '')));
  v.push(phoneSearchDigits(f.phone));
  return v.filter((x) => x !== '');
}

/** Spell a folded query differently: katakana for hiragana, full-width for ASCII, half-width digits… */
function respell(s: string, how: number): string {
  return Array.from(s).map((ch) => {
    const c = ch.codePointAt(0)!;
    if (how === 1 && c >= 0x3041 && c <= 0x3096) return String.fromCodePoint(c + 0x60);
    if (how === 2 && c >= 0x21 && c <= 0x7e) return String.fromCodePoint(c + 0xfee0);
    return ch;
  }).join('');
}

/** Has an index gram: a non-ASCII character or ≥ 3 ASCII characters in a row. */
const hasGram = (s: string) => /[^\x00-\x7f]|[\x00-\x7f]{3}/u.test(s);

describe('search properties', () => {
  test('no false negatives: any substring with a Japanese character or 3 ASCII characters in a row is found', () => {
    fc.assert(
      fc.property(fieldsArb, fc.nat(), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 2 }), (fields, vi, start, len, how) => {
        const values = foldedValues(fields);
        fc.pre(values.length > 0);
        const value = Array.from(values[vi % values.length]!);
        const from = start % value.length;
        const sub = value.slice(from, from + 1 + (len % (value.length - from))).join('');
        // Folding a piece of a folded value is a no-op except for rare normalisation edges (a lone combining
        // mark next to …); and a digits-and-brackets piece of a non-phone value is read as a phone number.
        fc.pre(foldValue(sub) === sub && !/^[+()\d]*[+()][+()\d]*$/u.test(sub));
        if (!hasGram(sub)) return;
        const doc = buildSearchDocument(fields);
        const plan = planSearch(respell(sub, how));
        assert.notEqual(bestTier(doc, plan), null, JSON.stringify({ sub, plan, doc }));
      }),
      { numRuns: 3000 },
    );
  });

  test('a prefix of a name/kana/e-mail is at least a prefix match; a whole value is an exact match', () => {
    fc.assert(
      fc.property(fieldsArb, fc.nat(), fc.nat(), (fields, vi, len) => {
        const values = foldedValues(fields);
        fc.pre(values.length > 0);
        const value = values[vi % values.length]!;
        const cps = Array.from(value);
        const prefix = cps.slice(0, 1 + (len % cps.length)).join('');
        const phone = value === phoneSearchDigits(fields.phone);
        fc.pre(foldValue(prefix) === prefix && !/^[+()\d]*[+()][+()\d]*$/u.test(prefix));
        const doc = buildSearchDocument(fields);
        const tier = bestTier(doc, planSearch(prefix));
        // Phones have no prefix keys (every phone starts with 0), a single ASCII character prefixes too much.
        if (!phone && !/^[\x00-\x7f]$/u.test(prefix)) assert.ok(tier === 'exact' || tier === 'prefix', `${prefix}: ${tier}`);
        if (!/^[+()\d]*[+()][+()\d]*$/u.test(value)) assert.equal(bestTier(doc, planSearch(value)), 'exact', value);
      }),
      { numRuns: 2000 },
    );
  });

  test('ranking follows the fields: an exact match is never reported as a weaker tier', () => {
    fc.assert(
      fc.property(fieldsArb, fc.nat(), (fields, vi) => {
        const values = foldedValues(fields).filter((v) => !/^[+()\d]*[+()][+()\d]*$/u.test(v));
        fc.pre(values.length > 0);
        const value = values[vi % values.length]!;
        assert.equal(bestTier(buildSearchDocument(fields), planSearch(value)), 'exact');
      }),
      { numRuns: 1000 },
    );
  });

  test('looking up only some grams (selectGrams + LIKE rechecks) matches exactly the same documents', () => {
    fc.assert(
      fc.property(fieldsArb, fc.nat(), fc.nat(), fc.nat(), fc.func(fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined })),
        fc.integer({ min: 1, max: 6 }), (fields, vi, start, len, frequency, max) => {
          const values = foldedValues(fields);
          fc.pre(values.length > 0);
          const value = Array.from(values[vi % values.length]!);
          const from = start % value.length;
          // A piece of a value (usually matches) or of another record (usually not): both sides of the equivalence.
          const q = value.slice(from, from + 1 + (len % (value.length - from))).join('');
          for (const other of [fields, { familyName: '佐藤', email: 'sato@example.jp', phone: '0312345678' }]) {
            const doc = buildSearchDocument(other);
            for (const personal of [true, false]) {
              for (const tier of planSearch(q, { personal }).tiers) {
                const pruned = conditionOf(tier.terms, selectGrams(tier.terms, frequency, max), tier.text);
                assert.ok(pruned.grams.length > 0);
                assert.equal(satisfies(doc, pruned), satisfies(doc, tier.match), JSON.stringify({ q, personal, tier: tier.tier, pruned }));
              }
            }
          }
        }),
      { numRuns: 2000 },
    );
  });

  test('without personal data, a query matches a document only as a whole value or inside a name, kana or company', () => {
    fc.assert(
      fc.property(fieldsArb, fc.nat(), fc.nat(), fc.nat(), (fields, vi, start, len) => {
        const values = foldedValues(fields);
        fc.pre(values.length > 0);
        const value = Array.from(values[vi % values.length]!);
        const from = start % value.length;
        const piece = value.slice(from, from + 1 + (len % (value.length - from))).join('');
        const terms = queryTerms(piece);
        fc.pre(terms.length === 1);
        const term = terms[0]!;
        const email = foldValue(fields.email);
        const phone = phoneSearchDigits(fields.phone);
        const visible = values.filter((v) => v !== phone && !v.includes('@'));
        const tier = bestTier(buildSearchDocument(fields), planSearch(piece, { personal: false }));
        if (tier === 'exact') assert.ok(values.includes(term), `${term} is a whole value`);
        else if (tier !== null) assert.ok(visible.some((v) => v.includes(term)), JSON.stringify({ term, tier, visible }));
        // What a masked search can never do: find an e-mail or a phone by a part of it.
        if (term !== email && term !== phone && !visible.some((v) => v.includes(term)) && !values.includes(term)) assert.equal(tier, null, term);
      }),
      { numRuns: 3000 },
    );
  });

  test('without personal data, documents with neither e-mail nor phone rank as they do with it', () => {
    fc.assert(
      fc.property(fieldsArb, fc.nat(), fc.nat(), fc.nat(), (fields, vi, start, len) => {
        const plain = { ...fields, email: undefined, phone: undefined };
        const values = foldedValues(plain);
        // A value with `=` or `^` has ASCII trigrams that coincide with exact/prefix keys of other strings (documented in
        // grams.ts: such a key can report a true substring match in a higher tier); the two plans may rank that apart.
        fc.pre(values.length > 0 && values.every((v) => !v.includes('@') && !v.includes('=') && !v.includes('^')));
        const value = Array.from(values[vi % values.length]!);
        const from = start % value.length;
        const piece = value.slice(from, from + 1 + (len % (value.length - from))).join('');
        const doc = buildSearchDocument(plain);
        assert.equal(bestTier(doc, planSearch(piece, { personal: false })), bestTier(doc, planSearch(piece)), piece);
      }),
      { numRuns: 2000 },
    );
  });

  test('width and kana invariance: ｻﾄｳ, サトウ and さとう plan alike', () => {
    fc.assert(
      fc.property(kanaTriple, ({ full, half, hira }) => {
        assert.deepEqual(planSearch(half), planSearch(full));
        assert.deepEqual(planSearch(hira), planSearch(full));
      }),
    );
  });

  test('foldValue is foldForSearch (its ASCII fast path and its cache agree with it)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)) }), japaneseishString, fc.string()), (s) => {
        const clean = s.replace(/[\u0000-\u001f\u007f]/gu, '');
        assert.equal(foldValue(s), foldForSearch(clean).replace(/[\u0000-\u001f\u007f]/gu, ''));
        assert.equal(foldValue(s), foldValue(s));
      }),
      { numRuns: 2000 },
    );
  });

  test('documents are well formed for any input', () => {
    fc.assert(
      fc.property(fc.record({
        familyName: optional(fc.oneof(fc.string({ unit: 'binary' }), japaneseishString)),
        givenNameKana: optional(japaneseishString),
        email: optional(fc.string({ unit: 'binary' })),
        phone: optional(fc.string()),
        extra: optional(fc.array(fc.string({ unit: 'binary' }), { maxLength: 3 })),
      }), (fields) => {
        const doc = buildSearchDocument(fields);
        assert.deepEqual(doc.searchGrams, [...new Set(doc.searchGrams)].sort());
        assert.ok(doc.searchGrams.every((g) => g !== '' && !/[\u0000-\u001f]/u.test(g)));
        assert.ok(!doc.searchText.includes('\u0000'));
        if (doc.searchText !== '') {
          assert.ok(/^[\u0001\u0002][^\u0001\u0002]/u.test(doc.searchText) && doc.searchText.endsWith(FIELD_SEPARATOR));
          assert.ok(!/[\u0001\u0002][\u0001\u0002]/u.test(doc.searchText));
        }
        assert.deepEqual(buildSearchDocument(fields), doc);
      }),
      { numRuns: 1000 },
    );
  });

  test('plans are well formed: every tier has an index gram; width/case folding applies to queries', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), japaneseishString), (q) => {
        const plan = planSearch(q);
        for (const t of plan.tiers) assert.ok(t.match.grams.length > 0);
        assert.deepEqual(planSearch(q.toUpperCase().normalize('NFKC')).terms.length <= 8, true);
        assert.deepEqual(planSearch(plan.terms.join(' ')), plan);
      }),
      { numRuns: 1000 },
    );
  });
});
