/**
 * Turn an imported row (profile target fields → raw strings) into a
 * `MatchRecord`: every value normalised once, placeholders dropped, names
 * split and available in several representations (written form, kana
 * reading, romaji). Pure; the result is plain JSON and can be stored.
 */
import {
  emailMatchKey,
  foldForSearch,
  foldKana,
  foldRomaji,
  normalizeEmail,
  normalizePhone,
  normalizePostalCode,
  parseAddress,
  parseBirthDate,
  parseCompanyName,
  PREFECTURES,
  splitFullName,
  toHiragana,
  nfkc,
} from '../normalize/index.ts';
import { kanaToRomaji } from './romaji.ts';
import { companyPlaceholderReason } from '../companies/placeholder.ts';
import type {
  ContactContext,
  MatchInput,
  MatchRecord,
  NamePart,
  PreparedAddress,
  PreparedCompany,
  PreparedEmail,
  PreparedPhone,
} from './types.ts';

// ------------------------------------------------------------------ names

const HAS_KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const KANA_ONLY = /^[\p{Script=Hiragana}\p{Script=Katakana}ー・\s]+$/u;
const LATIN_ONLY = /^[\p{Script=Latin}'’.\-\s]+$/u;

/** Name values that mean "no name" (form fillers). */
const NAME_PLACEHOLDERS = new Set(['test', 'テスト', 'てすと', 'dummy', 'ダミー', 'なし', '無し', '不明', 'unknown', 'n/a', 'na', '-', 'ー', 'xxx', '未入力']);

function isNamePlaceholder(s: string): boolean {
  const t = nfkc(s).toLowerCase().replace(/\s+/gu, '');
  return t === '' || NAME_PLACEHOLDERS.has(t) || /^[-ー_.・*?]+$/u.test(t);
}

/** A name part from its written form (any script). */
function partFromWritten(raw: string | null | undefined): NamePart | null {
  if (raw == null) return null;
  const s = nfkc(raw);
  if (s === '' || isNamePlaceholder(s)) return null;
  if (LATIN_ONLY.test(s)) {
    const latin = s.toLowerCase().replace(/[^a-z]/gu, '');
    if (latin === '') return null;
    return { text: null, kana: null, romaji: foldRomaji(latin) || null, latin };
  }
  const text = foldForSearch(s);
  if (text === '') return null;
  if (KANA_ONLY.test(s)) {
    // A name written in kana is its own reading.
    return { text, kana: foldKana(s) || null, romaji: foldRomaji(kanaToRomaji(s)) || null, latin: null };
  }
  return { text, kana: null, romaji: null, latin: null };
}

/** Add a reading (kana) to a part. */
function withReading(part: NamePart | null, kanaRaw: string | null | undefined): NamePart | null {
  if (kanaRaw == null) return part;
  const s = nfkc(kanaRaw);
  if (s === '' || isNamePlaceholder(s)) return part;
  if (LATIN_ONLY.test(s)) {
    // Someone typed romaji into the フリガナ field.
    const latin = s.toLowerCase().replace(/[^a-z]/gu, '');
    if (latin === '') return part;
    const base: NamePart = part ?? { text: null, kana: null, romaji: null, latin: null };
    return { ...base, romaji: base.romaji ?? (foldRomaji(latin) || null), latin: base.latin ?? latin };
  }
  if (!HAS_KANA.test(s)) return part;
  const kana = foldKana(s);
  if (kana === '') return part;
  const base: NamePart = part ?? { text: null, kana: null, romaji: null, latin: null };
  return { ...base, kana, romaji: foldRomaji(kanaToRomaji(s)) || base.romaji };
}

function concatParts(a: NamePart | null, b: NamePart | null): NamePart | null {
  if (a === null || b === null) return null;
  const cat = (x: string | null, y: string | null): string | null => (x !== null && y !== null ? x + y : null);
  return { text: cat(a.text, b.text), kana: cat(a.kana, b.kana), romaji: cat(a.romaji, b.romaji), latin: cat(a.latin, b.latin) };
}

/** Split a full name into written parts; returns [family, given, unsplit]. */
function splitWritten(full: string): [string | null, string | null] {
  const sp = splitFullName(full);
  if (sp.family !== null && sp.given !== null) return [sp.family, sp.given];
  return [sp.family, null];
}

interface PreparedName {
  family: NamePart | null;
  given: NamePart | null;
  unsplit: NamePart | null;
}

function prepareName(f: MatchInput['fields']): PreparedName {
  // Written form. A whole name typed into 姓 (name_in_one_field) is re-split.
  let famW: string | null = f.family_name?.trim() || null;
  let givW: string | null = f.given_name?.trim() || null;
  if (famW !== null && givW === null && /\S\s+\S/u.test(nfkc(famW))) [famW, givW] = splitWritten(famW);
  if (famW === null && givW === null && f.full_name?.trim()) [famW, givW] = splitWritten(f.full_name);
  // Reading.
  let famK: string | null = f.family_name_kana?.trim() || null;
  let givK: string | null = f.given_name_kana?.trim() || null;
  if (famK !== null && givK === null && /\S\s+\S/u.test(nfkc(famK))) [famK, givK] = splitWritten(famK);
  let fullK: string | null = f.full_name_kana?.trim() || null;
  if (famK === null && givK === null && fullK !== null) {
    const sp = splitFullName(fullK);
    if (sp.family !== null && sp.given !== null) [famK, givK] = [sp.family, sp.given];
  } else fullK = null;

  let family = withReading(partFromWritten(famW), famK);
  let given = withReading(partFromWritten(givW), givK);
  let unsplit: NamePart | null = null;
  if (fullK !== null) {
    // Reading that could not be split: keep it whole, compare on the whole name.
    unsplit = withReading(null, fullK);
  }
  // Only a reading, no written form: the split reading is the name.
  if (family === null && given === null && famW === null && givW === null && unsplit === null && (famK !== null || givK !== null)) {
    family = withReading(null, famK);
    given = withReading(null, givK);
  }
  if (given === null && family !== null && famW !== null && givW === null && unsplit === null) {
    // A single unsplittable token: compare as a whole name too.
    unsplit = family;
  }
  return { family, given, unsplit };
}

/** Whole-name representation of a record (family + given, or the unsplit name). */
export function fullNameOf(rec: Pick<MatchRecord, 'family' | 'given' | 'unsplit'>): NamePart | null {
  const cat = concatParts(rec.family, rec.given);
  if (cat === null) return rec.unsplit;
  if (rec.unsplit === null) return cat;
  return {
    text: cat.text ?? rec.unsplit.text,
    kana: cat.kana ?? rec.unsplit.kana,
    romaji: cat.romaji ?? rec.unsplit.romaji,
    latin: cat.latin ?? rec.unsplit.latin,
  };
}

// ------------------------------------------------------------------ contact data

/**
 * Personal (free-mail, carrier, ISP) domains. An address there is the
 * person's own; any other domain is an organisation's (company signal).
 */
const PERSONAL_DOMAINS = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.co.jp', 'ymail.ne.jp', 'yahoo.com', 'hotmail.com', 'hotmail.co.jp',
  'outlook.com', 'outlook.jp', 'live.jp', 'live.com', 'msn.com', 'icloud.com', 'me.com', 'mac.com', 'aol.com',
  'au.com', 'i.softbank.jp', 'nifty.com', 'excite.co.jp', 'goo.jp', 'mail.goo.ne.jp', 'proton.me', 'protonmail.com',
  'gmx.com', 'gmx.net', 'yandex.com', 'mail.com', 'zoho.com', 'qq.com', '163.com', 'naver.com',
]);

export function isPersonalDomain(domain: string): boolean {
  return PERSONAL_DOMAINS.has(domain) || domain.endsWith('.ne.jp');
}

function prepareEmails(raw: string | undefined, dropped: string[]): PreparedEmail[] {
  if (!raw?.trim()) return [];
  const out: PreparedEmail[] = [];
  for (const piece of raw.split(/[\s,;、；]+/u)) {
    if (piece.trim() === '') continue;
    const n = normalizeEmail(piece);
    if (!n.valid || n.placeholder) {
      dropped.push(`email:${piece.trim()}`);
      continue;
    }
    const key = emailMatchKey(piece);
    if (key === null) continue;
    const at = key.lastIndexOf('@');
    const domain = key.slice(at + 1);
    if (!out.some((e) => e.key === key)) out.push({ key, local: key.slice(0, at), domain, personal: isPersonalDomain(domain) });
  }
  return out;
}

function preparePhones(raw: string | undefined, context: ContactContext, dropped: string[]): PreparedPhone[] {
  if (!raw?.trim()) return [];
  const out: PreparedPhone[] = [];
  for (const piece of nfkc(raw).split(/\s*[/,;、／]\s*/u)) {
    if (piece.trim() === '') continue;
    let n = normalizePhone(piece);
    // Excel drops the leading 0 of a number stored as a number (9058782975).
    if (!n.valid && !n.placeholder && /^[1-9]\d{8,9}$/u.test(n.digits)) n = normalizePhone(`0${n.digits}`);
    if (n.placeholder) {
      dropped.push(`phone:${piece.trim()}`);
      continue;
    }
    let value: string | null = n.e164;
    if (value === null) {
      // Keep an unparseable but plausible number as digits (foreign formats).
      value = n.digits.length >= 8 && !/^(\d)\1+$/u.test(n.digits) ? n.digits : null;
    }
    if (value === null) {
      dropped.push(`phone:${piece.trim()}`);
      continue;
    }
    if (!out.some((p) => p.value === value)) out.push({ value, kind: n.valid ? n.kind : 'unknown', context });
  }
  return out;
}

function preparePostal(raw: string | undefined): string | null {
  if (!raw?.trim()) return null;
  const n = normalizePostalCode(raw);
  if (n.valid) return n.value;
  if (n.reason === 'placeholder') return null;
  // Non-Japanese postcodes (4-digit Australian, 5-digit US…): digits as written.
  const d = nfkc(raw).replace(/[\s-]/gu, '');
  if (/^[0-9A-Za-z]{3,10}$/u.test(d) && !/^(.)\1+$/u.test(d)) return d.toUpperCase();
  return null;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

function looseStreet(s: string): string {
  return s
    .replace(/大字/gu, '')
    .replace(/(?<=[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])字[^\d\s-]{1,8}?(?=\d)/gu, '') // 小字 (koaza) before the number
    .replace(/\s+/gu, '');
}

function splitNumber(street: string): { town: string; number: string } {
  const m = /(\d+(?:-\d+)*)$/u.exec(street);
  if (m === null) return { town: street, number: '' };
  return { town: street.slice(0, m.index), number: m[1]! };
}

function prepareAddress(
  rawAddress: string | undefined,
  rawPref: string | undefined,
  postal: string | null,
  context: ContactContext,
): { address: PreparedAddress | null; prefecture: string | null; postal: string | null } {
  const prefField = rawPref?.trim() ? nfkc(rawPref) : null;
  const jpPrefField = prefField === null ? null : (PREFECTURES.find((p) => p === prefField || (p !== '北海道' && p.slice(0, -1) === prefField)) ?? null);
  const addr = rawAddress?.trim() ? nfkc(rawAddress) : '';
  if (addr === '') {
    const pref = jpPrefField ?? (prefField === null ? null : prefField.toLowerCase());
    return { address: null, prefecture: pref, postal };
  }
  if (CJK.test(addr) || jpPrefField !== null) {
    const text = jpPrefField !== null && !addr.startsWith(jpPrefField) && !addr.startsWith(jpPrefField.slice(0, -1)) ? `${jpPrefField}${addr}` : addr;
    const p = parseAddress(text, postal);
    const prefecture = p.prefecture ?? jpPrefField;
    let key = p.matchKey;
    if (p.prefecture !== null && key.startsWith(p.prefecture)) key = key.slice(p.prefecture.length);
    const street = looseStreet(key);
    if (street === '') return { address: null, prefecture, postal: postal ?? p.postalCode };
    const { town, number } = splitNumber(street);
    return {
      address: { street, town, number, prefecture, postal: postal ?? p.postalCode, context, generic: false },
      prefecture,
      postal: postal ?? p.postalCode,
    };
  }
  // Generic (western) address: lowercase words; numbers separated from words.
  const words = addr
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/u)
    .filter(Boolean);
  if (words.length === 0) return { address: null, prefecture: prefField?.toLowerCase() ?? null, postal };
  const number = words.filter((w) => /^\d+[a-z]?$/u.test(w)).join(' ');
  const town = words.filter((w) => !/^\d+[a-z]?$/u.test(w)).join(' ');
  const prefecture = prefField?.toLowerCase() ?? null;
  return { address: { street: words.join(' '), town, number, prefecture, postal, context, generic: true }, prefecture, postal };
}

const KANA_LEGAL = /(かぶしきがいしや|かぶしきかいしや|かぶしきがいしゃ|ゆうげんがいしや|ゆーげんがいしや|ごうどうがいしや|ごーどーがいしや|\(か\)|\(ゆ\)|か\)|\(か)/gu;

function prepareCompany(raw: string | undefined, kanaRaw: string | undefined, dropped: string[]): PreparedCompany | null {
  if (!raw?.trim()) return null;
  // なし, 個人, -, 会社員, テスト …: the same list the companies ledger uses, so that two people who both wrote
  // 「会社員」 do not agree on a company.
  if (companyPlaceholderReason(raw) !== null) {
    dropped.push(`company_name:${raw.trim()}`);
    return null;
  }
  const core = parseCompanyName(raw).coreFolded;
  if (core === '') return null;
  let kana: string | null = null;
  if (kanaRaw?.trim()) {
    const k = foldKana(toHiragana(nfkc(kanaRaw)).replace(KANA_LEGAL, ''));
    kana = k === '' ? null : k.replace(KANA_LEGAL, '');
  }
  return { core, kana };
}

function prepareGender(raw: string | undefined): 'm' | 'f' | null {
  if (!raw?.trim()) return null;
  const s = nfkc(raw).toLowerCase();
  if (/^(?:1|m|male|man|男|男性|おとこ)$/u.test(s)) return 'm';
  if (/^(?:2|f|female|woman|女|女性|おんな)$/u.test(s)) return 'f';
  return null;
}

/** Default dates typed to pass a required field (Excel day 0, the Unix epoch is NOT one: real people were born then). */
const BIRTH_PLACEHOLDERS = new Set(['1900-01-01', '1900-01-00', '1899-12-30', '1899-12-31', '9999-12-31']);

/**
 * The earliest birth year matching reads. A birth date is evidence of who a record is, whatever it says about age:
 * two records of one person carry the same date when it is a historical one (a register of historical persons) or
 * the same typo (1858 for 1958), and reading only dates from 1900 left such records nothing but their names (a
 * splink-style set shifted 400 years back: recall 0.87 → 0.47). Whether the ledger shows the date is the statement's
 * affair (statement.ts), not matching's.
 */
const EARLIEST_BIRTH_YEAR = 1000;

/** A default typed to pass a required field: the known ones, and before 1900 a 1 January or one digit repeated (1111-11-11). */
function isPlaceholderBirthDate(iso: string): boolean {
  if (BIRTH_PLACEHOLDERS.has(iso)) return true;
  return iso < '1900' && (iso.endsWith('-01-01') || /^(\d)\1{3}-\1\1-\1\1$/u.test(iso));
}

function textOrNull(raw: string | undefined): string | null {
  if (!raw?.trim()) return null;
  const s = foldForSearch(raw);
  return s === '' ? null : s;
}

/**
 * Normalise one input record for matching. Never throws.
 *
 * @example prepareMatchRecord({ id: '1', source: 'pos', fields: { full_name: '髙橋 ｹｲｺ', phone: '9012345679' } })
 */
export function prepareMatchRecord(input: MatchInput): MatchRecord {
  const f = input.fields;
  const dropped: string[] = [];
  const company = prepareCompany(f.company_name, f.company_name_kana, dropped);
  // A business contact: a company, or at least a department / title (資料請求 forms leave 会社名 blank).
  const context: ContactContext = company !== null || !!f.department?.trim() || !!f.title?.trim() ? 'work' : 'home';
  const emails = prepareEmails(f.email, dropped);
  const phones = preparePhones(f.phone, context, dropped);
  const postal = preparePostal(f.postal_code);
  if (f.postal_code?.trim() && postal === null) dropped.push(`postal_code:${f.postal_code.trim()}`);
  const addr = prepareAddress(f.address, f.prefecture, postal, context);
  let birthDate: string | null = null;
  if (f.birth_date?.trim()) {
    const d = parseBirthDate(f.birth_date, { minYear: EARLIEST_BIRTH_YEAR });
    if (d.valid && !isPlaceholderBirthDate(d.value)) birthDate = d.value;
    if (birthDate === null) dropped.push(`birth_date:${f.birth_date.trim()}`);
  }
  const name = prepareName(f);
  return {
    id: input.id,
    source: input.source,
    family: name.family,
    given: name.given,
    unsplit: name.unsplit,
    birthDate,
    gender: prepareGender(f.gender),
    emails,
    phones,
    address: addr.address,
    postal: addr.postal,
    prefecture: addr.prefecture,
    company,
    orgDomains: [...new Set(emails.filter((e) => !e.personal).map((e) => e.domain))],
    department: textOrNull(f.department),
    title: textOrNull(f.title),
    dropped,
  };
}

