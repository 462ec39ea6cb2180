/**
 * Company name parsing: legal form (法人格), its position (前株/後株),
 * the core name used for matching, and a trailing branch (支店/営業所…).
 *
 * Why: the same company appears as 株式会社ダイチョウ, ㈱ダイチョウ,
 * ダイチョウ(株), ｶ)ﾀﾞｲﾁｮｳ (bank transfer style), Daicho Co., Ltd. and
 * ダイチョウ 東京支店; `coreFolded` makes them comparable.
 */
import { nfkc, foldForSearch } from './text.ts';
import { PREFECTURES } from './prefectures.ts';
import { memoize } from './memo.ts';

export type LegalForm =
  | '株式会社'
  | '有限会社'
  | '合同会社'
  | '合資会社'
  | '合名会社'
  | '一般社団法人'
  | '一般財団法人'
  | '公益社団法人'
  | '公益財団法人'
  | '医療法人'
  | '社会福祉法人'
  | '学校法人'
  | '特定非営利活動法人'
  | '独立行政法人'
  | '地方独立行政法人'
  | '国立研究開発法人'
  | '国立大学法人'
  | '公立大学法人'
  | '相互会社'
  | '宗教法人'
  | '監査法人'
  | '弁護士法人'
  | '税理士法人'
  | '司法書士法人'
  | '行政書士法人'
  | '社会保険労務士法人'
  | '弁理士法人'
  | '土地家屋調査士法人'
  | '企業組合'
  | '協業組合'
  /** Pre-2008 公益法人 spellings, still on letterheads and in old exports. */
  | '社団法人'
  | '財団法人';

export interface ParsedCompany {
  legalForm: LegalForm | null;
  /** 'prefix' = 前株 (株式会社ABC), 'suffix' = 後株 (ABC株式会社). */
  position: 'prefix' | 'suffix' | null;
  /** Name without legal form and branch, NFKC-normalised ('ダイチョウ'). */
  core: string;
  /** `foldForSearch(core)` minus . , ' " — the matching key. */
  coreFolded: string;
  /** Trailing branch/office ('東京支店', '大阪営業所', '本社') or null. */
  branch: string | null;
}

/**
 * Japanese spellings → legal form. Order matters only for overlapping
 * tokens; the matcher prefers the longest token at the earliest position.
 * Input is NFKC'd first, so ㈱/（株） arrive as (株) and ㍿ as 株式会社.
 */
const JP_TOKENS: ReadonlyArray<readonly [string, LegalForm]> = [
  ['株式会社', '株式会社'], ['株式會社', '株式会社'], ['(株)', '株式会社'],
  ['有限会社', '有限会社'], ['特例有限会社', '有限会社'], ['(有)', '有限会社'],
  ['合同会社', '合同会社'], ['(同)', '合同会社'],
  ['合資会社', '合資会社'], ['(資)', '合資会社'],
  ['合名会社', '合名会社'], ['(名)', '合名会社'],
  ['一般社団法人', '一般社団法人'], ['(一社)', '一般社団法人'],
  ['一般財団法人', '一般財団法人'], ['(一財)', '一般財団法人'],
  ['公益社団法人', '公益社団法人'], ['(公社)', '公益社団法人'],
  ['公益財団法人', '公益財団法人'], ['(公財)', '公益財団法人'],
  ['医療法人社団', '医療法人'], ['医療法人財団', '医療法人'], ['医療法人', '医療法人'],
  ['(医)', '医療法人'], ['(医社)', '医療法人'], ['(医財)', '医療法人'],
  ['社会福祉法人', '社会福祉法人'], ['(福)', '社会福祉法人'], ['(社福)', '社会福祉法人'],
  ['学校法人', '学校法人'], ['(学)', '学校法人'],
  ['特定非営利活動法人', '特定非営利活動法人'], ['NPO法人', '特定非営利活動法人'],
  ['(特非)', '特定非営利活動法人'], ['(NPO)', '特定非営利活動法人'],
  ['独立行政法人', '独立行政法人'], ['(独)', '独立行政法人'],
  ['地方独立行政法人', '地方独立行政法人'], ['国立研究開発法人', '国立研究開発法人'], ['国立大学法人', '国立大学法人'], ['公立大学法人', '公立大学法人'],
  ['相互会社', '相互会社'], ['宗教法人', '宗教法人'], ['(宗)', '宗教法人'],
  ['監査法人', '監査法人'], ['有限責任監査法人', '監査法人'],
  ['弁護士法人', '弁護士法人'], ['税理士法人', '税理士法人'], ['司法書士法人', '司法書士法人'], ['行政書士法人', '行政書士法人'],
  ['社会保険労務士法人', '社会保険労務士法人'], ['弁理士法人', '弁理士法人'], ['土地家屋調査士法人', '土地家屋調査士法人'],
  ['企業組合', '企業組合'], ['(企)', '企業組合'], ['協業組合', '協業組合'],
  ['社団法人', '社団法人'], ['(社)', '社団法人'], ['財団法人', '財団法人'], ['(財)', '財団法人'],
];

/**
 * Zengin (全銀) bank-transfer abbreviations in katakana: カ) prefix / (カ
 * suffix = 株式会社, ユ = 有限会社, ド = 合同会社, シヤ/シャ = 一般社団法人 etc.
 */
const ZENGIN: ReadonlyArray<readonly [string, LegalForm]> = [
  ['カ', '株式会社'], ['ユ', '有限会社'], ['ド', '合同会社'], ['シ', '合資会社'], ['メ', '合名会社'],
  ['イ', '医療法人'], ['フク', '社会福祉法人'], ['ガク', '学校法人'], ['トクヒ', '特定非営利活動法人'],
  ['シヤ', '一般社団法人'], ['シャ', '一般社団法人'], ['ザイ', '一般財団法人'],
];

/** English legal-form suffixes (Japanese companies' English names); must start a word (not Costco, Zinc). */
const EN_SUFFIX: ReadonlyArray<readonly [RegExp, LegalForm]> = [
  [/[\s,]*(?<![A-Za-z0-9])(?:co\.?\s*,?\s*ltd\.?|company\s*,?\s*limited|k\.\s?k\.|kk|kabushiki\s+kaisha|kabushikigaisha|incorporated|inc\.?|corporation|corp\.?|limited|ltd\.?|co\.)$/iu, '株式会社'],
  [/[\s,]*(?<![A-Za-z0-9])(?:g\.\s?k\.|gk|godo\s+kaisha|llc|l\.l\.c\.)$/iu, '合同会社'],
  [/[\s,]*(?<![A-Za-z0-9])(?:y\.\s?k\.|yugen\s+kaisha)$/iu, '有限会社'],
];

const BRANCH_SUFFIX = '支店|支社|営業所|出張所|事業所|事務所|営業部|本店|本社|工場|研究所|物流センター|営業本部|支部';

/** Places that commonly precede a branch suffix when there is no space. */
const PLACES: readonly string[] = (() => {
  const regions = ['東日本', '西日本', '北日本', '関東', '関西', '東海', '北陸', '甲信越', '東北', '中部', '近畿', '中国', '四国', '九州', '首都圏', '北海道'];
  const cities = [
    '札幌', '仙台', 'さいたま', '千葉', '横浜', '川崎', '相模原', '新潟', '静岡', '浜松', '名古屋', '京都', '大阪', '堺',
    '神戸', '岡山', '広島', '北九州', '福岡', '熊本', '那覇', '金沢', '高松', '松山', '鹿児島', '宇都宮', '水戸', '前橋', '高崎',
    '新宿', '渋谷', '池袋', '品川', '上野', '銀座', '日本橋', '丸の内', '梅田', '難波', '天神', '博多', '立川', '八王子', '町田',
    '大宮', '柏', '船橋', '姫路', '岐阜', '津', '奈良', '和歌山', '長野', '松本', '富山', '福井', '盛岡', '秋田', '山形', '青森',
    '郡山', 'いわき', '甲府', '大津', '鳥取', '松江', '山口', '徳島', '高知', '佐賀', '長崎', '大分', '宮崎', '沖縄', '東京',
  ];
  const prefs = PREFECTURES.flatMap((p) => (p === '北海道' ? [p] : [p, p.slice(0, -1)]));
  return [...new Set([...regions, ...cities, ...prefs])].sort((a, b) => b.length - a.length);
})();

/**
 * Departments written after the company name, separated by a space on business cards and in CRM exports
 * (「株式会社読売新聞社 事業局」「… モンダミン係」「… 116旭川センター」): only as a separate word, since many
 * names end in センター or 部 themselves (国立がん研究センター).
 */
const DEPARTMENT_SUFFIX = '部|課|係|室|局|センター|グループ|チーム|部門';
const RE_BRANCH_TOKEN = new RegExp(`^[^\\s]{0,12}(?:${BRANCH_SUFFIX}|${DEPARTMENT_SUFFIX})$`, 'u');
const RE_PLACE_BRANCH = new RegExp(
  `(?:${PLACES.map((p) => p.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')).join('|')})(?:第?\\d+)?(?:${BRANCH_SUFFIX})$|(?:本社|本店)$`,
  'u',
);

/** Honorifics on envelopes and in CRM exports. */
const HONORIFIC = /\s*(?:御中|様|殿|各位)$/u;

/** Remove leading/trailing separators left after cutting a token out. */
function tidy(s: string): string {
  return s.replace(/^[\s,・、-]+|[\s,・、-]+$/gu, '').replace(/\s+/gu, ' ');
}

/** Split a trailing branch off `s` (space-separated token, or a known place + suffix). */
function splitBranch(s: string): { rest: string; branch: string | null } {
  // 「ヰセキ関西中部北陸支社 石川支店」: the office and then its branch; both go, as for 「…北陸支社」 alone.
  let rest = s;
  const parts: string[] = [];
  for (let i = 0; i < 3; i++) {
    const step = splitBranchOnce(rest);
    if (step.branch === null) break;
    parts.unshift(step.branch);
    rest = step.rest;
  }
  return { rest, branch: parts.length === 0 ? null : parts.join(' ') };
}

function splitBranchOnce(s: string): { rest: string; branch: string | null } {
  const sp = s.lastIndexOf(' ');
  if (sp > 0) {
    const last = s.slice(sp + 1);
    if (RE_BRANCH_TOKEN.test(last)) return { rest: s.slice(0, sp), branch: last };
  }
  const m = RE_PLACE_BRANCH.exec(s);
  if (m !== null && m.index > 0) return { rest: s.slice(0, m.index), branch: m[0] };
  return { rest: s, branch: null };
}

/** Earliest (then longest) Japanese legal-form token in `s`. */
function findJpToken(s: string): { index: number; token: string; form: LegalForm } | null {
  let best: { index: number; token: string; form: LegalForm } | null = null;
  for (const [token, form] of JP_TOKENS) {
    const index = s.indexOf(token);
    if (index < 0) continue;
    if (best === null || index < best.index || (index === best.index && token.length > best.token.length)) {
      best = { index, token, form };
    }
  }
  return best;
}

function result(core: string, legalForm: LegalForm | null, position: ParsedCompany['position'], branch: string | null): ParsedCompany {
  const c = tidy(core);
  return {
    legalForm,
    position: legalForm === null ? null : position,
    core: c,
    coreFolded: foldForSearch(c).replace(/[.,'"’]/gu, ''),
    branch: branch === null ? null : tidy(branch) || null,
  };
}

/**
 * Parse a company name. Never throws.
 *
 * @example parseCompanyName('㈱ダイチョウ 東京支店')
 *   // => { legalForm: '株式会社', position: 'prefix', core: 'ダイチョウ', coreFolded: 'だいちょう', branch: '東京支店' }
 * @example parseCompanyName('ダイチョウ（株）大阪営業所').branch // => '大阪営業所'
 * @example parseCompanyName('Daicho Co., Ltd.') // => { legalForm: '株式会社', position: 'suffix', core: 'Daicho', … }
 * @example parseCompanyName('ｶ)ﾀﾞｲﾁｮｳ').core // => 'ダイチョウ'
 * @example parseCompanyName('医療法人社団 健康会').legalForm // => '医療法人'
 */
export const parseCompanyName: (raw: string) => ParsedCompany = memoize(parseCompanyNameUncached);

function parseCompanyNameUncached(raw: string): ParsedCompany {
  let s = nfkc(raw);
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(HONORIFIC, '');
  }
  // Unbalanced abbreviations seen in the wild: 株)山田 / 山田(株 → (株).
  s = s.replace(/^(株|有)\)/u, '($1)').replace(/\((株|有)$/u, '($1)');

  const jp = findJpToken(s);
  if (jp !== null) {
    const before = s.slice(0, jp.index);
    const after = s.slice(jp.index + jp.token.length);
    if (tidy(before) === '') {
      const { rest, branch } = splitBranch(tidy(after));
      return result(rest, jp.form, 'prefix', branch);
    }
    // 後株: whatever follows the legal form is a branch/department.
    const trailing = tidy(after);
    return result(before, jp.form, 'suffix', trailing === '' ? null : trailing);
  }

  for (const [abbr, form] of ZENGIN) {
    if (s.startsWith(`${abbr})`)) return result(s.slice(abbr.length + 1), form, 'prefix', null);
    if (s.endsWith(`(${abbr}`)) return result(s.slice(0, -abbr.length - 1), form, 'suffix', null);
    const mid = s.indexOf(`(${abbr})`);
    if (mid > 0) {
      const trailing = tidy(s.slice(mid + abbr.length + 2));
      return result(s.slice(0, mid), form, 'suffix', trailing === '' ? null : trailing);
    }
  }

  for (const [re, form] of EN_SUFFIX) {
    const m = re.exec(s);
    if (m !== null && m.index > 0) return result(s.slice(0, m.index), form, 'suffix', null);
  }

  const { rest, branch } = splitBranch(s);
  return result(rest, null, null, branch);
}

/**
 * Matching key for a company name: `parseCompanyName(raw).coreFolded`.
 * Legal form, its position, branch, width, case and variant kanji are ignored.
 *
 * @example companyMatchKey('株式会社ダイチョウ') === companyMatchKey('ﾀﾞｲﾁｮｳ(株) 東京支店') // => true
 */
export function companyMatchKey(raw: string): string {
  return parseCompanyName(raw).coreFolded;
}
