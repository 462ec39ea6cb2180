/**
 * A company name taken apart for the companies ledger: the legal form (法人格) and its position, the core name and
 * the keys that compare it, the branch, and the canonical spelling to show.
 *
 * Why: companies were keyed by the name as typed, so 「さくら情報システム 株式会社」「さくら情報システム(株)」
 * 「さくら情報システム株式会社」 were three companies and 「(株)GMB」 had no 法人格. The parsing itself is
 * `parseCompanyName` (normalize/company.ts, shared with the person matcher); this module adds what a company
 * record needs on top: placeholders, the loose and romaji keys, and a canonical name.
 */
import { foldRomaji } from '../normalize/name.ts';
import { parseCompanyName, type LegalForm } from '../normalize/company.ts';
import { foldKana, nfkc, toHiragana } from '../normalize/text.ts';
import { memoize } from '../normalize/memo.ts';
import { kanaToRomaji } from '../match/romaji.ts';
import { companyPlaceholderReason, type CompanyPlaceholderReason } from './placeholder.ts';

export type { LegalForm };

export interface CompanyName {
  kind: 'company';
  legalForm: LegalForm | null;
  /** 'prefix' = 前株 (株式会社ABC), 'suffix' = 後株 (ABC株式会社). */
  position: 'prefix' | 'suffix' | null;
  /** The name without legal form, branch and honorific, NFKC ('さくら情報システム'). */
  core: string;
  /**
   * The deterministic name key: `parseCompanyName(...).coreFolded` (width, case, kana script, variant kanji,
   * spaces and ・ folded). Every spelling and position of the legal form gives the same key.
   */
  key: string;
  /**
   * A looser key for "probably the same name": small kana written large and long-vowel marks dropped
   * (キヤノン/キャノン, コンピュータ/コンピューター). Evidence of a typo, not a key to merge on by itself.
   */
  looseKey: string;
  /** Folded romaji of a latin or kana-only core ('daicho' for Daicho and ダイチョウ), else null. */
  romaji: string | null;
  /** The reading of a kana-only core (`companyKanaKey`), to meet a kanji name given with its フリガナ; else null. */
  reading: string | null;
  /** Trailing branch / office / department ('東京支店', '第一営業部'), or null: it belongs to the person's affiliation. */
  branch: string | null;
  /** The name to show and store: the legal form written out in its position ('さくら情報システム株式会社'). */
  canonicalName: string;
}

export interface NotACompany {
  kind: 'none';
  reason: CompanyPlaceholderReason;
}

/** Latin-script names keep their own spelling of the legal form ('Daicho Co., Ltd.'), not 'Daicho株式会社'. */
const LATIN_ONLY = /^[\p{Script=Latin}\d\s.,&'’()\-+/!・]+$/u;
const KANA_ONLY = /^[\p{Script=Hiragana}\p{Script=Katakana}ー・\s]+$/u;

function romajiOf(core: string): string | null {
  let r: string | null = null;
  if (LATIN_ONLY.test(core)) r = foldRomaji(core);
  else if (KANA_ONLY.test(core)) r = foldRomaji(kanaToRomaji(core));
  // Two or three letters (ABC, KDDI's initials…) say too little to bridge scripts.
  return r !== null && r.length >= 4 ? r : null;
}

function canonicalNameOf(raw: string, core: string, legalForm: LegalForm | null, position: CompanyName['position'], branch: string | null): string {
  if (legalForm === null || position === null) return core;
  if (LATIN_ONLY.test(core) && LATIN_ONLY.test(nfkc(raw))) {
    // Keep the English legal form as written, without the branch: 'Daicho Co., Ltd.'.
    const written = nfkc(raw);
    return branch !== null && written.endsWith(branch) ? written.slice(0, -branch.length).trim() : written;
  }
  return position === 'prefix' ? `${legalForm}${core}` : `${core}${legalForm}`;
}

/**
 * Analyse a company name. Never throws. A placeholder (なし, 個人, -, 会社員, 「株式会社」 alone) gives
 * `{ kind: 'none', reason }`.
 *
 * @example analyzeCompanyName('さくら情報システム(株)')
 *   // => { kind: 'company', legalForm: '株式会社', position: 'suffix', core: 'さくら情報システム',
 *   //      key: 'さくら情報しすてむ', canonicalName: 'さくら情報システム株式会社', branch: null, … }
 * @example analyzeCompanyName('(株)GMB').legalForm // => '株式会社'
 * @example analyzeCompanyName('なし（個人）') // => { kind: 'none', reason: 'none' }
 */
export const analyzeCompanyName: (raw: string) => CompanyName | NotACompany = memoize(analyzeUncached);

function analyzeUncached(raw: string): CompanyName | NotACompany {
  const reason = companyPlaceholderReason(raw);
  if (reason !== null) return { kind: 'none', reason };
  const p = parseCompanyName(raw);
  if (p.coreFolded === '') return { kind: 'none', reason: p.legalForm === null ? 'empty' : 'legal_form_only' };
  // The core alone can be a placeholder too: 「なし 御中」, 「(株)テスト」. With a legal form, words that are also
  // business names (株式会社フリー) are kept.
  const coreReason = companyPlaceholderReason(p.core);
  if (coreReason !== null && (p.legalForm === null || coreReason === 'none' || coreReason === 'test' || coreReason === 'empty')) {
    return { kind: 'none', reason: coreReason };
  }
  return {
    kind: 'company',
    legalForm: p.legalForm,
    position: p.position,
    core: p.core,
    key: p.coreFolded,
    looseKey: looseKeyOf(p.coreFolded),
    romaji: romajiOf(p.core),
    reading: KANA_ONLY.test(p.core) ? companyKanaKey(p.core) : null,
    branch: p.branch,
    canonicalName: canonicalNameOf(raw, p.core, p.legalForm, p.position, p.branch),
  };
}

/** foldKana (small kana large, long vowels canonical) with the long-vowel marks then dropped. */
function looseKeyOf(key: string): string {
  return foldKana(key).replace(/ー/gu, '');
}

/** Kana spellings of legal forms in a フリガナ field (カブシキガイシャ, (カ), ユウゲンガイシャ…), after toHiragana. */
const KANA_LEGAL_FORMS =
  /かぶしき[かが]いし[ゃや]|ゆ[うー]げん[かが]いし[ゃや]|ご[うー]ど[うー][かが]いし[ゃや]|ごう?し[かが]いし[ゃや]|ごうめい[かが]いし[ゃや]|いっぱんしゃだんほうじん|いっぱんざいだんほうじん|こうえきしゃだんほうじん|こうえきざいだんほうじん|いりょうほうじん(?:しゃだん|ざいだん)?|しゃかいふくしほうじん|がっこうほうじん|とくていひえいりかつどうほうじん|\((?:か|ゆ|ど)\)|^(?:か|ゆ|ど)\)|\((?:か|ゆ|ど)$/gu;

/**
 * The reading of a company name (会社名フリガナ) as a comparison key: legal-form words removed, `foldKana`-folded.
 * Null when nothing but a legal form is left.
 *
 * @example companyKanaKey('カブシキガイシャ ダイチョウ') // => 'だいちよー'
 * @example companyKanaKey('ﾀﾞｲﾁｮｳ(ｶ') === companyKanaKey('だいちょう') // => true
 */
export function companyKanaKey(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const s = toHiragana(nfkc(raw)).toLowerCase().replace(/\s+/gu, '').replace(KANA_LEGAL_FORMS, '');
  const k = foldKana(s);
  return k === '' ? null : k;
}

/**
 * Families of legal forms that are one form under two names: the pre-2008 社団法人/財団法人 became 一般 or 公益
 * ones. Two forms are compatible when equal, in one family, or when either is unknown.
 */
const FAMILY: Partial<Record<LegalForm, string>> = {
  社団法人: 'shadan', 一般社団法人: 'shadan', 公益社団法人: 'shadan',
  財団法人: 'zaidan', 一般財団法人: 'zaidan', 公益財団法人: 'zaidan',
};

/**
 * Can two records with these legal forms be one company? Unknown on either side is compatible (most exports omit
 * the 法人格); 株式会社 vs 有限会社 is not (a 特例有限会社 that became a 株式会社 keeps its name, so a person decides).
 *
 * @example legalFormsCompatible('株式会社', null) // => true
 * @example legalFormsCompatible('社団法人', '一般社団法人') // => true
 * @example legalFormsCompatible('株式会社', '有限会社') // => false
 */
export function legalFormsCompatible(a: LegalForm | null, b: LegalForm | null): boolean {
  if (a === null || b === null || a === b) return true;
  const fa = FAMILY[a];
  return fa !== undefined && fa === FAMILY[b];
}
