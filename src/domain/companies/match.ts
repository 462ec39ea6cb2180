/**
 * Company matching: is this company record the same 法人 as that one? Deterministic rules with reasons, in the
 * style of the person matcher's decide.ts (a small set of evidence levels, rules that name themselves), but without
 * trained weights: companies have a key that people lack (法人番号), and a name that, once its legal form is taken
 * off, is the company's own.
 *
 * Evidence:
 *  - 法人番号: both valid and equal → merge, whatever else differs (a renamed or moved company); both valid and
 *    different → distinct, always (グループ会社 share names, phones and domains).
 *  - name: 'same' = same key (legal form, its position, width, kana script, spacing, variant kanji ignored);
 *    'similar' = same loose key (small kana, long vowels: キヤノン/キャノン), same romaji (Daicho/ダイチョウ) or
 *    same reading (フリガナ); otherwise 'differs'.
 *  - legal form: unknown on either side is compatible; 株式会社 vs 有限会社 is not (review).
 *  - support: same phone, same own domain (website or e-mail), same postal code, same city in the same prefecture.
 *  - contradictions: different prefectures, different own domains. A different phone or city is none: a company
 *    has many numbers and offices.
 *
 * Outcome:
 *  - same name: merge unless contradicted more than supported (different prefectures and nothing else → review);
 *  - similar name: merge with support and no contradiction; review when the evidence is mixed or absent;
 *    distinct when only contradicted;
 *  - different names: distinct, except review when both phone and domain agree (a renamed company).
 */
import { normalizePhone } from '../normalize/phone.ts';
import { parseAddress } from '../normalize/address.ts';
import { normalizePostalCode } from '../normalize/postal.ts';
import { prefectureByCode, prefectureCode, type Prefecture } from '../normalize/prefectures.ts';
import { parseCompanyName } from '../normalize/company.ts';
import { analyzeCompanyName, companyKanaKey, legalFormsCompatible, type CompanyName, type LegalForm } from './name.ts';
import { normalizeCorporateNumber } from './corporate-number.ts';
import { emailOrganisationDomain, websiteDomain } from './web-domain.ts';
import type { CompanyPlaceholderReason } from './placeholder.ts';

export interface CompanyRecordInput {
  id: string;
  /** 会社名 as written. */
  name: string;
  /** 会社名フリガナ, if any. */
  nameKana?: string | null | undefined;
  /** 法人番号 in any spelling (invalid ones are ignored as evidence). */
  corporateNumber?: string | null | undefined;
  /** An explicit 法人格 column; when absent the legal form is read from the name. */
  legalForm?: string | null | undefined;
  prefecture?: string | null | undefined;
  address?: string | null | undefined;
  postalCode?: string | null | undefined;
  /** Phone numbers (the main number, a contact's office number); mobiles count too (small companies). */
  phones?: ReadonlyArray<string | null | undefined> | undefined;
  website?: string | null | undefined;
  /** E-mail addresses of the company or its people: organisation domains are evidence, free-mail is ignored. */
  emails?: ReadonlyArray<string | null | undefined> | undefined;
}

export interface PreparedCompany {
  id: string;
  /** Null when the name is a placeholder (なし, 個人, -, 会社員 …): such a record is no company. */
  name: CompanyName | null;
  placeholder: CompanyPlaceholderReason | null;
  /** The explicit legal form if given (and recognised), else the one in the name. */
  legalForm: LegalForm | null;
  /** The reading: the フリガナ given, or a kana-only name itself (`companyKanaKey`). */
  kana: string | null;
  /** Valid 法人番号 (13 digits) or null. */
  corporateNumber: string | null;
  prefecture: Prefecture | null;
  /** City / ward / 郡+町村 as written at the start of the address ('千代田区', '横浜市'): a comparison key. */
  city: string | null;
  postalCode: string | null;
  /** E.164. */
  phones: string[];
  /** Registrable own domains ('sakura-is.co.jp'). */
  domains: string[];
}

const LEGAL_FORM_WORDS: ReadonlyMap<string, LegalForm> = new Map(
  (['株式会社', '有限会社', '合同会社', '合資会社', '合名会社', '一般社団法人', '一般財団法人', '公益社団法人', '公益財団法人', '医療法人',
    '社会福祉法人', '学校法人', '特定非営利活動法人', '独立行政法人', '地方独立行政法人', '国立研究開発法人', '国立大学法人', '公立大学法人', '相互会社',
    '宗教法人', '監査法人', '弁護士法人', '税理士法人', '司法書士法人', '行政書士法人', '社会保険労務士法人', '弁理士法人',
    '土地家屋調査士法人', '企業組合', '協業組合', '社団法人', '財団法人'] as const).map((f) => [f, f]),
);

/** An explicit 法人格 value: the full word, or any spelling the name parser knows ((株), ㈱, KK, NPO法人 …). */
function legalFormOf(raw: string | null | undefined): LegalForm | null {
  if (raw == null || raw.trim() === '') return null;
  const direct = LEGAL_FORM_WORDS.get(raw.normalize('NFKC').replace(/\s+/gu, ''));
  if (direct !== undefined) return direct;
  // After a stand-in name, so that suffix spellings (KK, Co., Ltd.) are read as well as prefix ones.
  return parseCompanyName(`X ${raw}`).legalForm;
}

const CITY = /^(?:[^\d\s]{1,5}郡)?[^\d\s]{1,6}?[市区町村]/u;

function placeOf(input: CompanyRecordInput): { prefecture: Prefecture | null; city: string | null; postalCode: string | null } {
  const postal = input.postalCode ? normalizePostalCode(input.postalCode) : null;
  const postalCode = postal?.valid ? postal.value : null;
  const written = input.prefecture?.trim() ?? '';
  // 「大阪」「東京」: the short form is a prefecture too.
  const code = written === '' ? null : prefectureCode(written.normalize('NFKC'));
  const pref = code === null ? written : prefectureByCode(code)!;
  const address = input.address?.trim() ?? '';
  if (pref === '' && address === '' && postalCode === null) return { prefecture: null, city: null, postalCode: null };
  const text = `${pref !== '' && !address.startsWith(pref) ? pref : ''}${address}`;
  const parsed = parseAddress(text, postalCode);
  return { prefecture: parsed.prefecture, city: CITY.exec(parsed.rest)?.[0] ?? null, postalCode };
}

function phonesOf(raw: CompanyRecordInput['phones']): string[] {
  const out = new Set<string>();
  for (const p of raw ?? []) {
    if (!p?.trim()) continue;
    const n = normalizePhone(p);
    if (n.valid && !n.placeholder && n.e164 !== null) out.add(n.e164);
  }
  return [...out];
}

/**
 * Prepare a company record for matching (pure; call once per record).
 *
 * @example prepareCompany({ id: '1', name: 'さくら情報システム(株)', address: '東京都港区芝浦1-1', website: 'www.sakura-is.co.jp' })
 *   // => { name: { key: 'さくら情報しすてむ', … }, legalForm: '株式会社', prefecture: '東京都', city: '港区', domains: ['sakura-is.co.jp'], … }
 */
export function prepareCompany(input: CompanyRecordInput): PreparedCompany {
  const analysed = analyzeCompanyName(input.name);
  const name = analysed.kind === 'company' ? analysed : null;
  const cn = normalizeCorporateNumber(input.corporateNumber);
  const domains = new Set<string>();
  const site = websiteDomain(input.website);
  if (site !== null) domains.add(site);
  for (const e of input.emails ?? []) {
    const d = emailOrganisationDomain(e);
    if (d !== null) domains.add(d);
  }
  return {
    id: input.id,
    name,
    placeholder: analysed.kind === 'none' ? analysed.reason : null,
    legalForm: legalFormOf(input.legalForm) ?? name?.legalForm ?? null,
    kana: companyKanaKey(input.nameKana) ?? name?.reading ?? null,
    corporateNumber: cn.valid ? cn.value : null,
    ...placeOf(input),
    phones: phonesOf(input.phones),
    domains: [...domains],
  };
}

/**
 * The deterministic key of a company: 'cn:' + 法人番号 when it has a valid one, else 'name:' + the name key.
 * Null for a placeholder. Legal-form spelling and position, width, kana script and spacing never change it.
 * A store looks a record up by BOTH `companyLookupKeys` (a record without a number must still find the company
 * that has one) and decides with `decideCompanyPair`.
 *
 * @example companyKey(prepareCompany({ id: '1', name: 'エスペック(株)' })) === companyKey(prepareCompany({ id: '2', name: 'エスペック株式会社' }))
 */
export function companyKey(rec: PreparedCompany): string | null {
  if (rec.name === null) return null;
  return rec.corporateNumber !== null ? `cn:${rec.corporateNumber}` : `name:${rec.name.key}`;
}

/** Keys under which a store should look for existing companies: the 法人番号 and the name key. */
export function companyLookupKeys(rec: PreparedCompany): string[] {
  if (rec.name === null) return [];
  const keys = [`name:${rec.name.key}`];
  if (rec.corporateNumber !== null) keys.unshift(`cn:${rec.corporateNumber}`);
  return keys;
}

/**
 * Blocking keys for comparing many records: 法人番号, name key, loose key, romaji, reading and own domain
 * (the last finds renamed companies, which can at most go to review).
 */
export function companyBlockingKeys(rec: PreparedCompany): string[] {
  if (rec.name === null) return [];
  const keys = new Set<string>([`name:${rec.name.key}`, `loose:${rec.name.looseKey}`]);
  if (rec.corporateNumber !== null) keys.add(`cn:${rec.corporateNumber}`);
  if (rec.name.romaji !== null) keys.add(`romaji:${rec.name.romaji}`);
  if (rec.kana !== null) keys.add(`kana:${rec.kana}`);
  for (const d of rec.domains) keys.add(`domain:${d}`);
  return [...keys];
}

export type CompanyOutcome = 'merge' | 'review' | 'distinct';

export type CompanyReason =
  | 'placeholder'
  | 'corporate_number_same'
  | 'corporate_number_differs'
  | 'name_same'
  | 'name_similar'
  | 'name_differs'
  | 'legal_form_differs'
  | 'legal_form_position_differs'
  | 'branch_differs'
  | 'prefecture_differs'
  | 'city_same'
  | 'postal_code_same'
  | 'phone_same'
  | 'domain_same'
  | 'domain_differs'
  | 'no_corroboration'
  | 'ambiguous_group'
  | 'group_corporate_number_conflict';

/** Japanese labels for the review queue and the merge history. */
export const COMPANY_REASON_LABELS: Readonly<Record<CompanyReason, string>> = Object.freeze({
  placeholder: '会社名ではない値（なし・個人など）',
  corporate_number_same: '法人番号が一致',
  corporate_number_differs: '法人番号が異なる',
  name_same: '社名が一致（法人格・表記ゆれを除く）',
  name_similar: '社名が類似（小書き文字・長音・ローマ字・フリガナ）',
  name_differs: '社名が異なる',
  legal_form_differs: '法人格が異なる',
  legal_form_position_differs: '前株・後株が異なる',
  branch_differs: '支店・部署が異なる（同じ法人として扱う）',
  prefecture_differs: '所在地の都道府県が異なる',
  city_same: '所在地の市区町村が一致',
  postal_code_same: '郵便番号が一致',
  phone_same: '電話番号が一致',
  domain_same: 'ドメイン（Web・メール）が一致',
  domain_differs: 'ドメイン（Web・メール）が異なる',
  no_corroboration: '社名以外の裏付けなし',
  ambiguous_group: '同名の別の候補と食い違うため保留',
  group_corporate_number_conflict: '統合先に別の法人番号の会社が含まれる',
});

export type CompanyEvidenceField = 'corporate_number' | 'name' | 'legal_form' | 'branch' | 'prefecture' | 'city' | 'postal_code' | 'phone' | 'domain';

export interface CompanyEvidence {
  field: CompanyEvidenceField;
  level: 'same' | 'similar' | 'compatible' | 'differs';
  /** The values compared, for display ('東京都 ≠ 大阪府'). */
  detail: string;
}

export interface CompanyPairDecision {
  a: string;
  b: string;
  outcome: CompanyOutcome;
  /** Why, most decisive first. */
  reasons: CompanyReason[];
  /** Every field both records have. */
  evidence: CompanyEvidence[];
}

const shared = (x: readonly string[], y: readonly string[]): string | null => x.find((v) => y.includes(v)) ?? null;

function nameLevel(x: CompanyName, y: CompanyName, kx: string | null, ky: string | null): { level: 'same' | 'similar' | 'differs'; detail: string } {
  if (x.key === y.key) return { level: 'same', detail: x.core === y.core ? x.core : `${x.core} = ${y.core}` };
  const similar =
    x.looseKey === y.looseKey ||
    (x.romaji !== null && x.romaji === y.romaji) ||
    (kx !== null && kx === ky);
  return { level: similar ? 'similar' : 'differs', detail: `${x.core} ${similar ? '≈' : '≠'} ${y.core}` };
}

/**
 * Decide whether two prepared company records are one 法人 (see the module comment for the rules).
 *
 * @example decideCompanyPair(prepareCompany({ id: 'a', name: 'さくら情報システム 株式会社' }), prepareCompany({ id: 'b', name: 'さくら情報システム(株)' })).outcome // => 'merge'
 */
export function decideCompanyPair(a: PreparedCompany, b: PreparedCompany): CompanyPairDecision {
  const evidence: CompanyEvidence[] = [];
  const done = (outcome: CompanyOutcome, reasons: CompanyReason[]): CompanyPairDecision => ({ a: a.id, b: b.id, outcome, reasons, evidence });
  if (a.name === null || b.name === null) return done('distinct', ['placeholder']);

  if (a.corporateNumber !== null && b.corporateNumber !== null) {
    const same = a.corporateNumber === b.corporateNumber;
    evidence.push({ field: 'corporate_number', level: same ? 'same' : 'differs', detail: same ? a.corporateNumber : `${a.corporateNumber} ≠ ${b.corporateNumber}` });
  }
  const name = nameLevel(a.name, b.name, a.kana, b.kana);
  evidence.push({ field: 'name', level: name.level, detail: name.detail });
  const formsOk = legalFormsCompatible(a.legalForm, b.legalForm);
  if (a.legalForm !== null && b.legalForm !== null) {
    evidence.push({ field: 'legal_form', level: a.legalForm === b.legalForm ? 'same' : formsOk ? 'compatible' : 'differs', detail: `${a.legalForm}${a.legalForm === b.legalForm ? '' : ` / ${b.legalForm}`}` });
  }
  const positionDiffers = a.name.position !== null && b.name.position !== null && a.name.position !== b.name.position && a.legalForm === b.legalForm;
  if (a.name.branch !== null && b.name.branch !== null && a.name.branch !== b.name.branch) {
    evidence.push({ field: 'branch', level: 'differs', detail: `${a.name.branch} ≠ ${b.name.branch}` });
  }

  const support: CompanyReason[] = [];
  const contra: CompanyReason[] = [];
  if (a.prefecture !== null && b.prefecture !== null) {
    const same = a.prefecture === b.prefecture;
    evidence.push({ field: 'prefecture', level: same ? 'same' : 'differs', detail: same ? a.prefecture : `${a.prefecture} ≠ ${b.prefecture}` });
    if (!same) contra.push('prefecture_differs');
  }
  const samePrefecture = a.prefecture === null || b.prefecture === null || a.prefecture === b.prefecture;
  if (a.city !== null && b.city !== null && samePrefecture) {
    const same = a.city === b.city;
    evidence.push({ field: 'city', level: same ? 'same' : 'differs', detail: same ? a.city : `${a.city} ≠ ${b.city}` });
    if (same && a.prefecture !== null && b.prefecture !== null) support.push('city_same');
  }
  if (a.postalCode !== null && b.postalCode !== null) {
    const same = a.postalCode === b.postalCode;
    evidence.push({ field: 'postal_code', level: same ? 'same' : 'differs', detail: same ? a.postalCode : `${a.postalCode} ≠ ${b.postalCode}` });
    // One building's postal code and the same city say the same thing: count the place once.
    if (same && !support.includes('city_same')) support.push('postal_code_same');
  }
  if (a.phones.length > 0 && b.phones.length > 0) {
    const phone = shared(a.phones, b.phones);
    evidence.push({ field: 'phone', level: phone !== null ? 'same' : 'differs', detail: phone ?? `${a.phones[0]} ≠ ${b.phones[0]}` });
    if (phone !== null) support.push('phone_same');
  }
  if (a.domains.length > 0 && b.domains.length > 0) {
    const domain = shared(a.domains, b.domains);
    evidence.push({ field: 'domain', level: domain !== null ? 'same' : 'differs', detail: domain ?? `${a.domains[0]} ≠ ${b.domains[0]}` });
    if (domain !== null) support.push('domain_same');
    else contra.push('domain_differs');
  }

  if (a.corporateNumber !== null && b.corporateNumber !== null) {
    if (a.corporateNumber === b.corporateNumber) return done('merge', ['corporate_number_same', ...(name.level === 'same' ? [] : ['name_differs' as const])]);
    return done('distinct', ['corporate_number_differs']);
  }
  const notes: CompanyReason[] = [];
  if (positionDiffers) notes.push('legal_form_position_differs');
  if (evidence.some((e) => e.field === 'branch')) notes.push('branch_differs');

  if (name.level === 'differs') {
    if (support.includes('phone_same') && support.includes('domain_same')) return done('review', ['name_differs', ...support]);
    return done('distinct', ['name_differs', ...contra]);
  }
  const nameReason: CompanyReason = name.level === 'same' ? 'name_same' : 'name_similar';
  if (!formsOk) return done('review', ['legal_form_differs', nameReason, ...support, ...contra]);
  if (name.level === 'same') {
    if (contra.length === 0) return done('merge', [nameReason, ...support, ...(support.length === 0 ? ['no_corroboration' as const] : []), ...notes]);
    if (support.length >= contra.length) return done('merge', [nameReason, ...support, ...contra, ...notes]);
    return done('review', [...contra, nameReason, ...support, ...notes]);
  }
  if (support.length > 0 && contra.length === 0) return done('merge', [nameReason, ...support, ...notes]);
  if (support.length === 0 && contra.length > 0) return done('distinct', [...contra, nameReason]);
  return done('review', [nameReason, ...support, ...contra, ...(support.length === 0 ? ['no_corroboration' as const] : []), ...notes]);
}

export interface CompanyCandidateChoice {
  /** The id of the company to link to, or null (create a new company; see `outcome`). */
  match: string | null;
  /** 'merge' = link to `match`; 'review' = create a new company and queue the listed pairs; 'distinct' = new company. */
  outcome: CompanyOutcome;
  decisions: CompanyPairDecision[];
}

/**
 * The incremental path: which of the existing companies (found by `companyLookupKeys`) is the incoming record?
 * The single merge candidate, or the one with the same 法人番号; when several existing companies would merge and
 * they are not one another (two different 法人番号 under one name and the incoming record has none), nothing is
 * linked and the pairs go to review.
 */
export function chooseCompanyMatch(incoming: PreparedCompany, candidates: readonly PreparedCompany[]): CompanyCandidateChoice {
  const decisions = candidates.map((c) => decideCompanyPair(incoming, c));
  const merges = decisions.filter((d) => d.outcome === 'merge');
  const byNumber = merges.find((d) => d.reasons[0] === 'corporate_number_same');
  if (byNumber !== undefined) return { match: byNumber.b, outcome: 'merge', decisions };
  if (merges.length === 1) return { match: merges[0]!.b, outcome: 'merge', decisions };
  if (merges.length > 1) {
    const numberOf = (d: CompanyPairDecision): string | null => candidates.find((c) => c.id === d.b)?.corporateNumber ?? null;
    const numbers = new Set(merges.map(numberOf).filter((n) => n !== null));
    // Several rows of one company (one or no 法人番号): link to the numbered one, else the first; the store can
    // merge the others (groupCompanies).
    if (numbers.size <= 1) return { match: (merges.find((d) => numberOf(d) !== null) ?? merges[0]!).b, outcome: 'merge', decisions };
    return { match: null, outcome: 'review', decisions: decisions.map((d) => (d.outcome === 'merge' ? { ...d, outcome: 'review', reasons: ['ambiguous_group', ...d.reasons] } : d)) };
  }
  return { match: null, outcome: decisions.some((d) => d.outcome === 'review') ? 'review' : 'distinct', decisions };
}
