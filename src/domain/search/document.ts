import {
  FIELD_SEPARATOR,
  NO_PREFIX_SEPARATOR,
  addSubstringGrams,
  exactKey,
  foldValue,
  prefixKeys,
} from './grams.ts';

/** The values of a customer that the search box looks at. Every field is optional; null means absent. */
export interface SearchFields {
  familyName?: string | null;
  givenName?: string | null;
  familyNameKana?: string | null;
  givenNameKana?: string | null;
  displayName?: string | null;
  companyName?: string | null;
  email?: string | null;
  /** E.164 (+819012345678) or anything a person typed (090-1234-5678, ０９０（１２３４）５６７８). */
  phone?: string | null;
  /** Anything else worth finding (e.g. a company's kana name, a department). */
  extra?: ReadonlyArray<string | null | undefined>;
  /**
   * Values only people who see personal data may find by part (custom fields and unmapped columns such as TEL会社 or
   * 名刺交換日, which may hold anything): written like the phone, after NO_PREFIX_SEPARATOR, so a search without
   * customers:read_personal strips them (PERSONAL_VALUES) or matches them only whole. Long values are left out
   * (a memo would add thousands of grams); see personalSearchValues.
   */
  personalExtra?: ReadonlyArray<string | null | undefined>;
}

/** Custom values worth indexing: short text (≤ 60 characters), at most 20, a phone-like value also as its digits. */
export function personalSearchValues(values: Iterable<unknown>): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (out.length >= 20) break;
    const text = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
    if (text === '' || text.length > 60) continue;
    out.push(text);
    if (/^[+\d０-９()（）\s‐－ー-]{10,}$/u.test(text)) {
      const digits = phoneSearchDigits(text);
      if (digits.length >= 10 && digits.length <= 15) out.push(digits);
    }
  }
  return out;
}

/** What goes into customers.search_text / search_grams / sort_key. */
export interface SearchDocument {
  /**
   * Each distinct folded field value after a separator, and one at the end: `\u0001佐藤花子\u0001佐藤…\u0002090…\u0001`.
   * `\u0001` before values with prefix keys, `\u0002` before the phone (no prefix keys).
   */
  searchText: string;
  /** Deduplicated, sorted GIN keys: substring grams, `=value` exact keys, `^x`/`^xy` prefix keys. */
  searchGrams: string[];
  /** Folded reading (hiragana) + ' ' + folded name; just the folded name when there is no reading. */
  sortKey: string;
}

/**
 * The digits of a phone number in national form: `+81 90-1234-5678` → `09012345678`.
 * Other country codes keep their digits without the `+` (`+1 415…` → `1415…`). Everything else
 * (hyphens, brackets, spaces, full-width digits, 内線 text) is dropped.
 */
export function phoneSearchDigits(phone: string | null | undefined): string {
  const folded = foldValue(phone);
  const digits = folded.replace(/\D/gu, '');
  if (folded.startsWith('+') && digits.startsWith('81') && digits.length > 2) return '0' + digits.slice(2);
  return digits;
}

/**
 * Builds the search columns of one customer. Pure; the same folding (`foldForSearch`) as `planSearch`,
 * so ｻﾄｳ, サトウ and さとう, 髙橋 and 高橋, ０３ー１２３４ and 03-1234 index and query alike.
 *
 * @example
 * buildSearchDocument({ familyName: '佐藤', givenName: '花子', familyNameKana: 'サトウ', givenNameKana: 'ハナコ' })
 * // searchText '\u0001佐藤花子\u0001佐藤\u0001花子\u0001さとうはなこ\u0001さとう\u0001はなこ\u0001'
 * // searchGrams ['=さとう', …, '^佐藤', …, '佐', '佐藤', '藤', '藤花', …]
 * // sortKey 'さとうはなこ 佐藤花子'
 */
export function buildSearchDocument(fields: SearchFields): SearchDocument {
  const family = foldValue(fields.familyName);
  const given = foldValue(fields.givenName);
  const familyKana = foldValue(fields.familyNameKana);
  const givenKana = foldValue(fields.givenNameKana);
  const display = foldValue(fields.displayName);
  const company = foldValue(fields.companyName);
  const email = foldValue(fields.email);
  const phone = phoneSearchDigits(fields.phone);
  // Folded from the joined raw values: folding is not compositional at the seam (a dakuten could combine).
  const fullName = foldValue((fields.familyName ?? '') + (fields.givenName ?? ''));
  const fullKana = foldValue((fields.familyNameKana ?? '') + (fields.givenNameKana ?? ''));

  // Field values in a stable order, without duplicates (display name is usually the full name).
  // `prefixed`: has prefix keys; phones do not (^0 and ^09 are shared by nearly every row and rank nothing).
  const values: Array<{ value: string; prefixed: boolean }> = [];
  const push = (value: string, prefixed = true): void => {
    if (value === '') return;
    const same = values.find((v) => v.value === value);
    if (same) same.prefixed ||= prefixed;
    else values.push({ value, prefixed });
  };
  push(fullName);
  push(family);
  push(given);
  push(fullKana);
  push(familyKana);
  push(givenKana);
  push(display);
  push(company);
  push(email);
  push(phone, false);
  for (const x of fields.extra ?? []) push(foldValue(x));
  for (const x of fields.personalExtra ?? []) push(foldValue(x), false);

  const grams = new Set<string>();
  for (const { value, prefixed } of values) {
    addSubstringGrams(value, grams);
    grams.add(exactKey(value));
    if (prefixed) for (const k of prefixKeys(value)) grams.add(k);
  }
  // The local part of an e-mail is an exact key too (it is a prefix of the e-mail, so its prefix keys exist).
  const at = email.lastIndexOf('@');
  if (at > 0) grams.add(exactKey(email.slice(0, at)));

  // A value without prefix keys follows NO_PREFIX_SEPARATOR, so the prefix recheck (FIELD_SEPARATOR + term)
  // agrees with the keys: both say a phone has no prefix.
  const searchText = values.length === 0
    ? ''
    : values.map((v) => (v.prefixed ? FIELD_SEPARATOR : NO_PREFIX_SEPARATOR) + v.value).join('') + FIELD_SEPARATOR;
  // Not the e-mail: the sort key travels in the name-sorted list's cursor, which every customers:read role gets.
  const name = fullName || display || company;
  const reading = fullKana;
  const sortKey = reading && name && reading !== name ? `${reading} ${name}` : reading || name;
  return { searchText, searchGrams: [...grams].sort(), sortKey };
}
