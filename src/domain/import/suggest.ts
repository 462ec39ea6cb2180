/**
 * Mapping suggestions for the import wizard: which column is which field, from Japanese and English header
 * vocabularies (pure).
 *
 * Headers are compared after NFKC (ﾌﾘｶﾞﾅ → フリガナ, ＴＥＬ → TEL), lower-casing and removing spaces, punctuation,
 * brackets and form noise such as 必須/任意/半角/全角. Rules are tried in a fixed order so that the more specific
 * one wins: readings (フリガナ…) first, then e-mail, phone, postal code, prefecture, birth date, gender,
 * department, title, address, company, names; what is left may be the id column.
 * Every field takes one column (the best scoring, the leftmost on a tie) except `address`, which takes all the
 * columns of one address in file order (住所1, 住所2 / street_number, address_1, suburb / Mailing Street, Mailing City).
 * Given sample rows, a column whose values do not fit the field its header names is passed over (value-fit.ts).
 */
import { IMPORT_FIELDS, type ImportField } from './profile.ts';
import { columnFit, MIN_FIT_SHARE, misfitMessage, type ColumnFit } from './value-fit.ts';

export interface ColumnSuggestion {
  header: string;
  /** What the column looks like: a field, the id, or nothing (it becomes a custom attribute). */
  kind: ImportField | 'id' | null;
  /** 0..1, lowered by sample values that do not fit `kind` (0 when they rule it out). */
  score: number;
  /** Whether the suggestion below uses it (a second phone column, say, scores but is not used). */
  used: boolean;
  /** Present when the sample values rule the column out for `kind`: why, for the wizard. */
  misfit?: { fit: ColumnFit; message: string };
}

export interface MappingSuggestion {
  /** Profile `fields`: one column as a string, several (address) as an array in file order. */
  fields: Partial<Record<ImportField, string | string[]>>;
  idColumn: string | null;
  /** 0..1 per suggested field (for address: the best of its columns). */
  confidence: Partial<Record<ImportField, number>>;
  idConfidence: number;
  /** One entry per header, in file order. */
  columns: ColumnSuggestion[];
  /** Headers that are neither mapped nor the id: they will be kept as custom attributes. */
  unmapped: string[];
}

type Guess = { kind: ImportField | 'id'; score: number } | null;

/** Sample rows: header → raw cell text (the preview's rows). */
export type SampleRows = ReadonlyArray<Readonly<Record<string, string>>>;

/**
 * Suggests a profile mapping from a file's headers. With `sample` rows (header → value, e.g. the preview):
 * - a column whose non-blank values mostly do not fit the field its header names (a timestamp under 会社名, text
 *   under e-mail: see value-fit.ts) is not suggested for it, and the field goes to its next candidate, if any;
 *   a few misfits only lower the column's score;
 * - the id column must be non-blank and unique in the sample; otherwise the next candidate (or none) is suggested.
 * Without a sample, the headers alone decide (as before).
 */
export function suggestMapping(headers: readonly string[], sample?: SampleRows): MappingSuggestion {
  const hasSample = sample !== undefined && sample.length > 0;
  const valuesOf = (header: string, index: number): string[] =>
    (sample ?? []).map((row) => row[header] ?? row[headers[index]!] ?? '');
  const guesses = headers.map((h, index) => {
    const header = h.trim();
    const guess = classifyHeader(h, index);
    if (!hasSample || !guess || guess.kind === 'id') return { header, index, guess, misfit: undefined };
    return { header, index, ...checkGuess(header, guess, columnFit(guess.kind, valuesOf(header, index))) };
  });
  const fields: Partial<Record<ImportField, string | string[]>> = {};
  const confidence: Partial<Record<ImportField, number>> = {};
  const used = new Set<number>();

  for (const field of IMPORT_FIELDS) {
    const candidates = guesses.filter((g) => g.guess?.kind === field && !g.misfit);
    if (candidates.length === 0) continue;
    if (field === 'address') {
      const parts = oneAddress(candidates);
      fields.address = parts.length === 1 ? parts[0]!.header : parts.map((c) => c.header);
      confidence.address = Math.max(...parts.map((c) => c.guess!.score));
      for (const c of parts) used.add(c.index);
      continue;
    }
    let best = candidates[0]!;
    for (const c of candidates) if (c.guess!.score > best.guess!.score) best = c;
    fields[field] = best.header;
    confidence[field] = best.guess!.score;
    used.add(best.index);
  }

  const idCandidates = guesses
    .filter((g) => g.guess?.kind === 'id')
    .sort((a, b) => b.guess!.score - a.guess!.score || a.index - b.index);
  let idColumn: string | null = null;
  let idConfidence = 0;
  for (const c of idCandidates) {
    if (hasSample) {
      const seen = new Set<string>();
      let ok = true;
      for (const value of valuesOf(c.header, c.index)) {
        const v = value.trim();
        if (!v || seen.has(v)) {
          ok = false;
          break;
        }
        seen.add(v);
      }
      if (!ok) continue;
    }
    idColumn = c.header;
    idConfidence = c.guess!.score;
    used.add(c.index);
    break;
  }

  const columns: ColumnSuggestion[] = guesses.map((g) => ({
    header: g.header,
    kind: g.guess?.kind ?? null,
    score: g.guess?.score ?? 0,
    used: used.has(g.index),
    ...(g.misfit ? { misfit: g.misfit } : {}),
  }));
  return {
    fields,
    idColumn,
    confidence,
    idConfidence,
    columns,
    unmapped: guesses.filter((g) => !used.has(g.index)).map((g) => g.header),
  };
}

/**
 * A header's guess weighed by its column's sample values: ruled out (score 0, with the reason for the wizard) when
 * fewer than MIN_FIT_SHARE of them fit, else its score scaled by the share that fits. The order wizard's too.
 */
export function checkGuess<G extends { kind: string; score: number }, F extends string>(header: string, guess: G, fit: ColumnFit<F>): { guess: G; misfit?: { fit: ColumnFit<F>; message: string } } {
  if (fit.share < MIN_FIT_SHARE) return { guess: { ...guess, score: 0 }, misfit: { fit, message: misfitMessage(header, fit) } };
  return { guess: { ...guess, score: round2(guess.score * (0.5 + 0.5 * fit.share)) } };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Whose address words a header names: Salesforce has Mailing… and Other…, forms 自宅… and 勤務先…, shops 請求先… and
 * お届け先…. One customer gets one address, so the columns of one of them are taken, not all joined.
 */
const ADDRESS_OWNER = /^(mailing|other|billing|shipping|home|business|work|office|primary|secondary|自宅|会社|勤務先|請求先|配送先|お届け先|送付先|郵送先|その他)/u;

/** The address columns of one address: the unqualified ones if any, else those of the leftmost column's qualifier. */
function oneAddress<T extends { header: string; index: number }>(candidates: readonly T[]): T[] {
  const owner = (c: T) => ADDRESS_OWNER.exec(headerKey(c.header))?.[1] ?? '';
  const owners = candidates.map(owner);
  const chosen = owners.includes('') ? '' : owners[0]!;
  return candidates.filter((_, i) => owners[i] === chosen);
}

const NOISE = /必須|任意|半角|全角|英数字?|漢字|入力|記入|※|\*/gu;

/** NFKC, lower case, no noise words, only letters/digits (and 〒). */
export function headerKey(header: string): string {
  return header.normalize('NFKC').toLowerCase().replace(NOISE, '').replace(/[^\p{L}\p{N}〒]/gu, '');
}

const KANA_MARKERS = /(?:ふりがな|フリガナ|よみがな|ヨミガナ|カタカナ|ひらがな|カナ|かな|よみ|ヨミ|読み|furigana|kana|yomi|reading)/u;

const PERSON = '(?:お|ご)?(?:客様|顧客|会員|参加者|担当者|申込者|申込|利用者|契約者|受講者|購入者|来場者|回答者|代表者|患者|応募者|登録者|個人)';
const FULL_NAME = new RegExp(`^(?:${PERSON}?(?:氏名|名前|姓名)|${PERSON}名|(?:full|customer|contact|person|member|client|participant|attendee|your)?name)$`, 'u');
const FAMILY = /^(?:姓|苗字|名字|氏|せい|セイ|sei|last|lastname|familyname|surname|lname|family)$/u;
const GIVEN = /^(?:名|めい|メイ|mei|first|firstname|givenname|forename|fname|given)$/u;
// "firm" only as a whole word: inside CONFIRM_TIME it made Mailchimp's confirmation timestamp the company name.
const COMPANY = /会社|企業|法人|勤務先|社名|団体|組織|屋号|company|corporat|organi[sz]ation|employer|^firm(?:name)?$/u;
/** Headers about a company that are not its name: HubSpot's Company Domain Name, Company size, Company owner… */
const COMPANY_ABOUT = /domain|website|url|size|owner|industry|revenue|employees|type|status|規模|従業員|業種|売上/u;
/** Headers about e-mail that are not an address: consent, delivery, bounces (Salesforce's Email Opt Out, Mailchimp's EMAIL_TYPE). */
const EMAIL_ABOUT =
  /配信|希望|可否|許可|同意|マガ|optin|optout|opted|unsubscri|subscri|newsletter|magazine|flag|送信|受信|不要|停止|区分|種別|フラグ|bounce|domain|type|format|status|confirm|verified|open|click|sent|date|日時|日$|count$|回数|件数|^mailing/u;
/** A company's, department's or switchboard's phone line, not a person's. */
const SHARED_LINE = /会社|代表|部門|部署|本社|支社|支店|事業所|company|main|switchboard|headquarters/u;
/** Owners of an address (Mailing Street, 自宅住所…): see oneAddress. */
const OWNER = '(?:mailing|other|billing|shipping|home|business|work|office|primary|secondary)?';
const STATE = new RegExp(`^${OWNER}(?:state(?:region|province)?|province)$`, 'u');
const CITY = new RegExp(`^${OWNER}(?:city|town)$`, 'u');

/** Classifies one header (exported for tests and the wizard's per-column hints). */
export function classifyHeader(header: string, index = 1): Guess {
  const key = headerKey(header);
  if (!key) return null;

  // Readings: the kana marker decides, the rest says whose reading it is.
  if (KANA_MARKERS.test(key) || key === 'セイ' || key === 'メイ' || key === 'せい' || key === 'めい') {
    if (key === 'セイ' || key === 'せい') return { kind: 'family_name_kana', score: 0.9 };
    if (key === 'メイ' || key === 'めい') return { kind: 'given_name_kana', score: 0.9 };
    const rest = key.replace(new RegExp(KANA_MARKERS.source, 'gu'), '');
    if (rest === '' || FULL_NAME.test(rest)) return { kind: 'full_name_kana', score: rest === '' ? 0.9 : 0.95 };
    if (COMPANY.test(rest)) return { kind: 'company_name_kana', score: 0.9 };
    const part = namePart(rest);
    if (part === 'family') return { kind: 'family_name_kana', score: 0.9 };
    if (part === 'given') return { kind: 'given_name_kana', score: 0.9 };
    return null; // 住所カナ, prefecture_kana…: a reading of something we do not map
  }

  const fact = companyFactGuess(key);
  if (fact !== undefined) return fact;

  if (/メール|mail/u.test(key) && !EMAIL_ABOUT.test(key)) {
    return { kind: 'email', score: /^(?:e?メール(?:アドレス)?|電子メール(?:アドレス)?|e?mail(?:address)?|pcメール(?:アドレス)?)$/u.test(key) ? 0.95 : 0.75 };
  }
  if (/fax|ファックス|ファクス|ﾌｧｯｸｽ/u.test(key)) return null;
  if (/電話|tel|phone|携帯|mobile|cell|ケータイ/u.test(key)) {
    // A company's or department's line is shared by everyone there: as a person's phone it would tie namesakes
    // together. It stays a custom attribute (Eight's TEL会社 / TEL部門, 代表電話, Company Phone).
    if (SHARED_LINE.test(key)) return null;
    if (/^(?:電話|電話番号|tel|tel番号|telno|telephone|phone|phonenumber|phoneno|telephonenumber)$/u.test(key)) return { kind: 'phone', score: 0.95 };
    // A mobile follows the person through job changes (a direct line stays with the desk): it wins when a file has both.
    if (/^(?:携帯|携帯電話|携帯番号|携帯電話番号|mobile|mobilephone|mobilenumber|mobilephonenumber|cellphone|cellphonenumber|cell)$/u.test(key)) return { kind: 'phone', score: 0.9 };
    if (/直通|direct/u.test(key)) return { kind: 'phone', score: 0.85 };
    return { kind: 'phone', score: 0.7 };
  }
  if (/郵便|〒|zip|postcode|postalcode|^postal$/u.test(key)) {
    return { kind: 'postal_code', score: /^(?:郵便番号|〒|zip|zipcode|postcode|postalcode|zippostalcode)$/u.test(key) ? 0.95 : 0.8 };
  }
  // State/Region (HubSpot), Mailing State/Province (Salesforce); a bare "region" is not one (Mailchimp's REGION is
  // where the sign-up's IP address is, not the customer's address), nor is Country/Region.
  if ((/都道府県|^県名?$|prefecture|^pref$/u.test(key) || STATE.test(key)) && !/code|コード|cd$|id$|番号/u.test(key)) {
    return { kind: 'prefecture', score: /^(?:都道府県|都道府県名|prefecture|state|stateregion|stateprovince)$/u.test(key) ? 0.95 : 0.8 };
  }
  if (/生年月日|誕生日|生まれ|birth|^dob$/u.test(key)) return { kind: 'birth_date', score: /^(?:生年月日|誕生日|birthday|birthdate|dateofbirth|dob)$/u.test(key) ? 0.95 : 0.8 };
  if (/^(?:性別|gender|sex|男女|男女区分|性別区分)$/u.test(key)) return { kind: 'gender', score: 0.95 };
  if (/部署|部門|部課|department|^dept$|division/u.test(key)) return { kind: 'department', score: /^(?:部署|部署名|所属部署|department|departmentname)$/u.test(key) ? 0.95 : 0.8 };
  if (/^(?:所属|所属名)$/u.test(key)) return { kind: 'department', score: 0.6 };
  if (/役職|肩書|職位|^職名$|^title$|jobtitle|^position$/u.test(key)) return { kind: 'title', score: /^(?:役職|役職名|肩書|肩書き|title|jobtitle)$/u.test(key) ? 0.95 : 0.8 };
  if (
    (/住所|所在地|番地|建物|マンション|ビル名|丁目|市区町村|区市町村|市町村|市区郡|町名|町域|address|addr|street|suburb|building|apartment|locality/u.test(key) || CITY.test(key)) &&
    !/^ip|web|url|mail(?!ing)/u.test(key)
  ) {
    return { kind: 'address', score: /^(?:住所\d*|所在地|address\d*|address(?:line)?\d*)$/u.test(key) ? 0.95 : 0.85 };
  }
  if (COMPANY.test(key) && !/(?:番号|コード|code|ids?|no|cd)$/u.test(key) && !COMPANY_ABOUT.test(key)) {
    return { kind: 'company_name', score: /^(?:会社名|会社|企業名|法人名|勤務先|勤務先名|社名|company|companyname|organization|organisation|employer)$/u.test(key) ? 0.95 : 0.75 };
  }
  // Salesforce calls the company an account (取引先); 取引先責任者 is the contact person.
  if (/^(?:accountname|取引先|取引先名)$/u.test(key)) return { kind: 'company_name', score: 0.9 };
  if (FULL_NAME.test(key)) return { kind: 'full_name', score: key === 'name' ? 0.85 : 0.95 };
  const part = namePart(key);
  if (part === 'family') return { kind: 'family_name', score: 0.9 };
  if (part === 'given') return { kind: 'given_name', score: 0.9 };
  return idGuess(key, index);
}

/**
 * Headers of the company's own facts (HubSpot's Industry / Number of Employees / Annual Revenue / Company Domain
 * Name / Website URL, Salesforce's Industry / Employees / AnnualRevenue, 名刺 exports' 代表電話). undefined = not
 * such a header. 会社住所 is not guessed: in a 名刺 export it is the only address the person has (matching needs it).
 */
function companyFactGuess(key: string): Guess | undefined {
  if (/^(?:法人番号|会社法人番号|法人no|corporatenumber|corporateid|japancorporatenumber)$/u.test(key)) return { kind: 'company_corporate_number', score: 0.95 };
  if (/^(?:業種|業種名|業界|業種分類|産業分類|industry|industryname|industrytype)$/u.test(key)) return { kind: 'company_industry', score: 0.95 };
  if (/業種|industry/u.test(key) && !/コード|code|cd$/u.test(key)) return { kind: 'company_industry', score: 0.75 };
  if (/^(?:従業員数|従業員|社員数|職員数|従業者数|employees|numberofemployees|employeecount|companysize|従業員規模)$/u.test(key)) return { kind: 'company_employees', score: 0.95 };
  if (/^(?:資本金|資本金額|capital|sharecapital)$/u.test(key)) return { kind: 'company_capital', score: 0.95 };
  if (/^(?:売上規模|売上高|年商|年間売上|年間売上高|annualrevenue|revenuerange)$/u.test(key)) return { kind: 'company_revenue', score: 0.9 };
  if (/^(?:url|hp|ホームページ|ホームページurl|hpurl|webサイト|ウェブサイト|website|websiteurl|companywebsite|companydomainname|会社url|会社hp|企業url|企業hp|会社ホームページ|企業ホームページ|サイトurl)$/u.test(key)) {
    return { kind: 'company_website', score: key === 'url' ? 0.8 : 0.9 };
  }
  if (/^(?:代表電話|代表電話番号|代表番号|会社電話|会社電話番号|電話会社|tel会社|会社tel|本社電話|本社電話番号|companyphone|mainphone)$/u.test(key)) return { kind: 'company_phone', score: 0.9 };
  return undefined;
}

/** 姓 / お名前（姓） / 名前_名 / last name … → which part of a name. */
function namePart(key: string): 'family' | 'given' | null {
  if (FAMILY.test(key)) return 'family';
  if (GIVEN.test(key)) return 'given';
  // A full-name word plus 姓/名 at either end: "お名前(姓)", "氏名_名", "姓（お名前）".
  const suffix = /^(.+?)(姓|名|せい|めい|セイ|メイ)$/u.exec(key);
  if (suffix && FULL_NAME.test(suffix[1]!)) return partOf(suffix[2]!);
  const prefix = /^(姓|名|せい|めい|セイ|メイ)(.+)$/u.exec(key);
  if (prefix && FULL_NAME.test(prefix[2]!)) return partOf(prefix[1]!);
  return null;
}

function partOf(word: string): 'family' | 'given' {
  return /姓|せい|セイ/u.test(word) ? 'family' : 'given';
}

const ID_KNOWN = /^(?:id|uid|key|no|番号|コード|code|連番|管理番号|管理id|管理コード|受付番号|受付id|受付no|会員番号|会員id|会員no|会員コード|顧客番号|顧客id|顧客no|顧客コード|お客様番号|お客様id|名刺id|名刺番号|登録番号|申込番号|申込id|recordno|recordid|record|uniqueid|customerid|customerno|customercode|memberid|memberno|userid|externalid|contactid|personid|clientid)$/u;
const ID_SUFFIX = /^(.*?)(?:id|番号|no|number|コード|code|cd|key)$/u;
/** Stems that name something other than the record: FAX番号, 法人番号, prefecture_code… */
const NOT_ID_STEM = /fax|ファックス|郵便|電話|携帯|法人|企業|会社|company|prefecture|都道府県|県|市区町村|city|zip|post|tel|phone|mail|メール|郵|部署|dept|social|tax|税|マイナンバー|口座|カード/u;

function idGuess(key: string, index: number): Guess {
  const first = index === 0 ? 0.05 : 0;
  if (ID_KNOWN.test(key)) return { kind: 'id', score: (key === 'no' || key === '連番' ? 0.5 : 0.9) + first };
  const m = ID_SUFFIX.exec(key);
  if (!m) return null;
  const stem = m[1]!;
  if (stem === '' || NOT_ID_STEM.test(stem)) return null;
  // One or two letters before "id" (Mailchimp's LEID and EUID) say nothing about whose id it is: a custom attribute.
  if (/^[a-z]{1,2}$/u.test(stem)) return null;
  if (/顧客|会員|受付|お客様|申込|名刺|登録|customer|member|record|unique|user|person|contact|client|external|account|アカウント/u.test(stem)) {
    return { kind: 'id', score: 0.85 + first };
  }
  return { kind: 'id', score: 0.6 + first };
}
