/**
 * 業種: the Japan Standard Industrial Classification (日本標準産業分類, JSIC; 大分類 A–T and 中分類 01–99, names as
 * in the 14th revision, whose division codes are those of the 13th) and a mapping from what people type in an
 * 業種 field (「IT」「ソフトウェア」「製造」「小売」「不動産」…) to a division, with the group where it is obvious.
 * Text that maps to nothing stays unmapped, with the raw text kept.
 */
import { nfkc } from '../normalize/text.ts';

export const JSIC_MAJOR = Object.freeze({
  A: '農業、林業',
  B: '漁業',
  C: '鉱業、採石業、砂利採取業',
  D: '建設業',
  E: '製造業',
  F: '電気・ガス・熱供給・水道業',
  G: '情報通信業',
  H: '運輸業、郵便業',
  I: '卸売業、小売業',
  J: '金融業、保険業',
  K: '不動産業、物品賃貸業',
  L: '学術研究、専門・技術サービス業',
  M: '宿泊業、飲食サービス業',
  N: '生活関連サービス業、娯楽業',
  O: '教育、学習支援業',
  P: '医療、福祉',
  Q: '複合サービス事業',
  R: 'サービス業（他に分類されないもの）',
  S: '公務（他に分類されるものを除く）',
  T: '分類不能の産業',
} as const);

export type JsicMajor = keyof typeof JSIC_MAJOR;

const MIDDLE_LIST: ReadonlyArray<readonly [JsicMajor, string]> = [
  ['A', '農業'], ['A', '林業'], ['B', '漁業（水産養殖業を除く）'], ['B', '水産養殖業'], ['C', '鉱業、採石業、砂利採取業'],
  ['D', '総合工事業'], ['D', '職別工事業（設備工事業を除く）'], ['D', '設備工事業'],
  ['E', '食料品製造業'], ['E', '飲料・たばこ・飼料製造業'], ['E', '繊維工業'], ['E', '木材・木製品製造業（家具を除く）'],
  ['E', '家具・装備品製造業'], ['E', 'パルプ・紙・紙加工品製造業'], ['E', '印刷・同関連業'], ['E', '化学工業'],
  ['E', '石油製品・石炭製品製造業'], ['E', 'プラスチック製品製造業（別掲を除く）'], ['E', 'ゴム製品製造業'],
  ['E', 'なめし革・同製品・毛皮製造業'], ['E', '窯業・土石製品製造業'], ['E', '鉄鋼業'], ['E', '非鉄金属製造業'],
  ['E', '金属製品製造業'], ['E', 'はん用機械器具製造業'], ['E', '生産用機械器具製造業'], ['E', '業務用機械器具製造業'],
  ['E', '電子部品・デバイス・電子回路製造業'], ['E', '電気機械器具製造業'], ['E', '情報通信機械器具製造業'],
  ['E', '輸送用機械器具製造業'], ['E', 'その他の製造業'],
  ['F', '電気業'], ['F', 'ガス業'], ['F', '熱供給業'], ['F', '水道業'],
  ['G', '通信業'], ['G', '放送業'], ['G', '情報サービス業'], ['G', 'インターネット附随サービス業'], ['G', '映像・音声・文字情報制作業'],
  ['H', '鉄道業'], ['H', '道路旅客運送業'], ['H', '道路貨物運送業'], ['H', '水運業'], ['H', '航空運輸業'], ['H', '倉庫業'],
  ['H', '運輸に附帯するサービス業'], ['H', '郵便業（信書便事業を含む）'],
  ['I', '各種商品卸売業'], ['I', '繊維・衣服等卸売業'], ['I', '飲食料品卸売業'], ['I', '建築材料、鉱物・金属材料等卸売業'],
  ['I', '機械器具卸売業'], ['I', 'その他の卸売業'], ['I', '各種商品小売業'], ['I', '織物・衣服・身の回り品小売業'],
  ['I', '飲食料品小売業'], ['I', '機械器具小売業'], ['I', 'その他の小売業'], ['I', '無店舗小売業'],
  ['J', '銀行業'], ['J', '協同組織金融業'], ['J', '貸金業、クレジットカード業等非預金信用機関'], ['J', '金融商品取引業、商品先物取引業'],
  ['J', '補助的金融業等'], ['J', '保険業（保険媒介代理業、保険サービス業を含む）'],
  ['K', '不動産取引業'], ['K', '不動産賃貸業・管理業'], ['K', '物品賃貸業'],
  ['L', '学術・開発研究機関'], ['L', '専門サービス業（他に分類されないもの）'], ['L', '広告業'], ['L', '技術サービス業（他に分類されないもの）'],
  ['M', '宿泊業'], ['M', '飲食店'], ['M', '持ち帰り・配達飲食サービス業'],
  ['N', '洗濯・理容・美容・浴場業'], ['N', 'その他の生活関連サービス業'], ['N', '娯楽業'],
  ['O', '学校教育'], ['O', 'その他の教育、学習支援業'],
  ['P', '医療業'], ['P', '保健衛生'], ['P', '社会保険・社会福祉・介護事業'],
  ['Q', '郵便局'], ['Q', '協同組合（他に分類されないもの）'],
  ['R', '廃棄物処理業'], ['R', '自動車整備業'], ['R', '機械等修理業（別掲を除く）'], ['R', '職業紹介・労働者派遣業'],
  ['R', 'その他の事業サービス業'], ['R', '政治・経済・文化団体'], ['R', '宗教'], ['R', 'その他のサービス業'], ['R', '外国公務'],
  ['S', '国家公務'], ['S', '地方公務'],
  ['T', '分類不能の産業'],
];

/** 中分類 code ('01'–'99') → its 大分類 and name. */
export const JSIC_MIDDLE: Readonly<Record<string, { major: JsicMajor; name: string }>> = Object.freeze(
  Object.fromEntries(MIDDLE_LIST.map(([major, name], i) => [String(i + 1).padStart(2, '0'), { major, name }])),
);

/** The few 小分類 the SME definition needs, and a few that free text names exactly. */
export const JSIC_MINOR: Readonly<Record<string, string>> = Object.freeze({
  '411': '映像情報制作・配給業',
  '412': '音声情報制作業',
  '413': '新聞業',
  '414': '出版業',
  '415': '広告制作業',
  '416': '映像・音声・文字情報制作に附帯するサービス業',
  '693': '駐車場業',
  '791': '旅行業',
});

export interface IndustryClassification {
  /** The text as given (trimmed). */
  raw: string;
  major: JsicMajor | null;
  /** 中分類 code ('39') when the text says which. */
  middle: string | null;
  /** 小分類 code ('791') for the few that matter to the SME definition. */
  minor: string | null;
  /** Japanese name of the most specific level found. */
  label: string | null;
  /**
   * For wholesale/retail text without a group (「卸売」「小売」): the SME sector it implies.
   */
  trade: 'wholesale' | 'retail' | null;
  /** 'code' = a JSIC code was given; 'name' = an official JSIC name; 'keyword' = a word of the table below. */
  via: 'code' | 'name' | 'keyword' | null;
}

type Target = readonly [JsicMajor, string?, string?, ('wholesale' | 'retail')?];

/**
 * Words people type → JSIC. The longest word found in the text wins (「ソフトウェア販売」 is software, not retail;
 * 「水産加工」 is food manufacturing, not fishing). Latin words match as whole words ('it' not inside 'digital').
 */
const KEYWORDS: ReadonlyArray<readonly [string, Target]> = [
  // A–C
  ['農業', ['A', '01']], ['農家', ['A', '01']], ['農園', ['A', '01']], ['畜産', ['A', '01']], ['酪農', ['A', '01']], ['林業', ['A', '02']],
  ['漁業', ['B', '03']], ['水産', ['B']], ['養殖', ['B', '04']],
  ['鉱業', ['C', '05']], ['採石', ['C', '05']], ['砂利', ['C', '05']],
  // D
  ['建設', ['D']], ['建築', ['D']], ['ゼネコン', ['D', '06']], ['総合建設', ['D', '06']], ['土木', ['D', '06']], ['工務店', ['D', '06']],
  ['住宅建築', ['D', '06']], ['リフォーム', ['D', '06']], ['内装', ['D', '07']], ['塗装', ['D', '07']], ['左官', ['D', '07']], ['とび', ['D', '07']],
  ['設備工事', ['D', '08']], ['電気工事', ['D', '08']], ['管工事', ['D', '08']], ['空調工事', ['D', '08']], ['電気通信工事', ['D', '08']],
  // E
  ['製造', ['E']], ['メーカー', ['E']], ['ものづくり', ['E']], ['工業', ['E']], ['製作所', ['E']],
  ['食品', ['E', '09']], ['食品製造', ['E', '09']], ['食品メーカー', ['E', '09']], ['水産加工', ['E', '09']], ['製菓', ['E', '09']],
  ['飲料', ['E', '10']], ['酒造', ['E', '10']], ['繊維', ['E', '11']], ['紡績', ['E', '11']], ['印刷', ['E', '15']],
  ['化学', ['E', '16']], ['製薬', ['E', '16']], ['医薬品製造', ['E', '16']], ['化粧品製造', ['E', '16']], ['化粧品メーカー', ['E', '16']],
  ['石油', ['E', '17']], ['プラスチック', ['E', '18']], ['樹脂', ['E', '18']], ['ゴム', ['E', '19']], ['窯業', ['E', '21']], ['セメント', ['E', '21']],
  ['鉄鋼', ['E', '22']], ['製鉄', ['E', '22']], ['非鉄', ['E', '23']], ['金属加工', ['E', '24']], ['金属製品', ['E', '24']], ['板金', ['E', '24']],
  ['機械', ['E']], ['産業機械', ['E', '26']], ['工作機械', ['E', '26']], ['半導体製造装置', ['E', '26']], ['精密機器', ['E', '27']], ['医療機器', ['E', '27']],
  ['電子部品', ['E', '28']], ['半導体', ['E', '28']], ['電機', ['E', '29']], ['電気機器', ['E', '29']], ['家電', ['E', '29']],
  ['通信機器', ['E', '30']], ['自動車部品', ['E', '31']], ['自動車製造', ['E', '31']], ['自動車メーカー', ['E', '31']], ['輸送機器', ['E', '31']],
  ['造船', ['E', '31']], ['航空機', ['E', '31']],
  // F
  ['電力', ['F', '33']], ['発電', ['F', '33']], ['ガス', ['F', '34']], ['都市ガス', ['F', '34']], ['水道', ['F', '36']], ['エネルギー', ['F']],
  // G
  ['it', ['G', '39']], ['ict', ['G']], ['情報通信', ['G']], ['情報処理', ['G', '39']], ['情報サービス', ['G', '39']], ['ソフトウェア', ['G', '39']],
  ['ソフトウエア', ['G', '39']], ['ソフト開発', ['G', '39']], ['software', ['G', '39']], ['システム開発', ['G', '39']], ['受託開発', ['G', '39']],
  ['システムインテグレーション', ['G', '39']], ['sier', ['G', '39']], ['sler', ['G', '39']], ['si', ['G', '39']], ['ゲーム', ['G', '39']], ['itコンサル', ['G', '39']],
  ['インターネット', ['G', '40']], ['webサービス', ['G', '40']], ['ウェブサービス', ['G', '40']], ['saas', ['G', '40']], ['クラウド', ['G', '40']],
  ['ポータル', ['G', '40']], ['web', ['G']], ['ウェブ', ['G']], ['通信', ['G', '37']], ['電気通信', ['G', '37']], ['携帯電話', ['G', '37']], ['テレコム', ['G', '37']],
  ['放送', ['G', '38']], ['テレビ', ['G', '38']], ['ラジオ', ['G', '38']], ['映像制作', ['G', '41', '411']], ['映画制作', ['G', '41', '411']],
  ['音楽制作', ['G', '41', '412']], ['新聞', ['G', '41', '413']], ['出版', ['G', '41', '414']], ['広告制作', ['G', '41', '415']], ['メディア', ['G']],
  // H
  ['運輸', ['H']], ['物流', ['H', '44']], ['運送', ['H', '44']], ['トラック', ['H', '44']], ['宅配便', ['H', '44']], ['配送', ['H', '44']],
  ['倉庫', ['H', '47']], ['鉄道', ['H', '42']], ['バス', ['H', '43']], ['タクシー', ['H', '43']], ['海運', ['H', '45']], ['航空', ['H', '46']],
  ['郵便', ['H', '49']], ['ロジスティクス', ['H']], ['logistics', ['H']],
  // I
  ['卸', ['I', undefined, undefined, 'wholesale']], ['卸売', ['I', undefined, undefined, 'wholesale']], ['問屋', ['I', undefined, undefined, 'wholesale']],
  ['商社', ['I', undefined, undefined, 'wholesale']], ['総合商社', ['I', '50']], ['食品卸', ['I', '52']], ['機械商社', ['I', '54']], ['建材', ['I', '53']],
  ['小売', ['I', undefined, undefined, 'retail']], ['販売', ['I', undefined, undefined, 'retail']], ['ショップ', ['I', undefined, undefined, 'retail']],
  ['店舗', ['I', undefined, undefined, 'retail']], ['百貨店', ['I', '56']], ['デパート', ['I', '56']], ['スーパー', ['I', '56']], ['ホームセンター', ['I', '60']],
  ['コンビニ', ['I', '58']], ['ドラッグストア', ['I', '60']], ['調剤薬局', ['I', '60']], ['薬局', ['I', '60']], ['ガソリンスタンド', ['I', '60']],
  ['書店', ['I', '60']], ['家電量販', ['I', '59']], ['自動車販売', ['I', '59']], ['ディーラー', ['I', '59']], ['アパレル', ['I', undefined, undefined, 'retail']],
  ['通販', ['I', '61']], ['通信販売', ['I', '61']], ['ネット通販', ['I', '61']], ['ec', ['I', '61']], ['eコマース', ['I', '61']], ['ネットショップ', ['I', '61']],
  ['流通', ['I']], ['商業', ['I']],
  // J
  ['金融', ['J']], ['銀行', ['J', '62']], ['信用金庫', ['J', '63']], ['信金', ['J', '63']], ['信用組合', ['J', '63']], ['クレジット', ['J', '64']],
  ['消費者金融', ['J', '64']], ['証券', ['J', '65']], ['投資', ['J', '65']], ['保険', ['J', '67']], ['fintech', ['J']], ['フィンテック', ['J']],
  // K
  ['不動産', ['K']], ['不動産仲介', ['K', '68']], ['不動産売買', ['K', '68']], ['不動産販売', ['K', '68']], ['不動産開発', ['K', '68']], ['デベロッパー', ['K', '68']],
  ['不動産管理', ['K', '69']], ['不動産賃貸', ['K', '69']], ['賃貸管理', ['K', '69']], ['ビル賃貸', ['K', '69']], ['駐車場', ['K', '69', '693']],
  ['リース', ['K', '70']], ['レンタル', ['K', '70']],
  // L
  ['研究', ['L', '71']], ['研究開発', ['L', '71']], ['研究所', ['L', '71']], ['シンクタンク', ['L', '71']],
  ['コンサル', ['L', '72']], ['コンサルティング', ['L', '72']], ['経営コンサル', ['L', '72']], ['士業', ['L', '72']], ['法律事務所', ['L', '72']],
  ['弁護士', ['L', '72']], ['会計事務所', ['L', '72']], ['税理士', ['L', '72']], ['公認会計士', ['L', '72']], ['監査法人', ['L', '72']], ['司法書士', ['L', '72']],
  ['行政書士', ['L', '72']], ['社会保険労務士', ['L', '72']], ['社労士', ['L', '72']], ['特許事務所', ['L', '72']], ['弁理士', ['L', '72']], ['デザイン', ['L', '72']],
  ['持株会社', ['L', '72']], ['ホールディングス', ['L', '72']],
  ['広告', ['L', '73']], ['広告代理店', ['L', '73']], ['マーケティング', ['L', '73']], ['pr', ['L', '73']],
  ['設計', ['L', '74']], ['建築設計', ['L', '74']], ['測量', ['L', '74']], ['エンジニアリング', ['L', '74']], ['写真', ['L', '74']],
  // M
  ['宿泊', ['M', '75']], ['ホテル', ['M', '75']], ['旅館', ['M', '75']], ['飲食', ['M', '76']], ['飲食店', ['M', '76']], ['外食', ['M', '76']],
  ['レストラン', ['M', '76']], ['カフェ', ['M', '76']], ['居酒屋', ['M', '76']], ['フードサービス', ['M']], ['給食', ['M', '77']], ['弁当', ['M', '77']],
  ['デリバリー', ['M', '77']], ['ケータリング', ['M', '77']],
  // N
  ['美容', ['N', '78']], ['美容室', ['N', '78']], ['理容', ['N', '78']], ['理髪', ['N', '78']], ['エステ', ['N', '78']], ['クリーニング', ['N', '78']],
  ['旅行', ['N', '79', '791']], ['旅行代理店', ['N', '79', '791']], ['冠婚葬祭', ['N', '79']], ['葬儀', ['N', '79']], ['ブライダル', ['N', '79']],
  ['娯楽', ['N', '80']], ['レジャー', ['N', '80']], ['フィットネス', ['N', '80']], ['スポーツクラブ', ['N', '80']], ['ゴルフ場', ['N', '80']],
  ['遊園地', ['N', '80']], ['映画館', ['N', '80']], ['パチンコ', ['N', '80']], ['エンターテインメント', ['N']], ['エンタメ', ['N']],
  // O
  ['教育', ['O']], ['学校', ['O', '81']], ['大学', ['O', '81']], ['幼稚園', ['O', '81']], ['塾', ['O', '82']], ['学習塾', ['O', '82']], ['予備校', ['O', '82']],
  ['英会話', ['O', '82']], ['スクール', ['O', '82']], ['研修', ['O', '82']], ['eラーニング', ['O', '82']],
  // P
  ['医療', ['P', '83']], ['病院', ['P', '83']], ['クリニック', ['P', '83']], ['診療所', ['P', '83']], ['医院', ['P', '83']], ['歯科', ['P', '83']],
  ['保健', ['P', '84']], ['健診', ['P', '84']], ['福祉', ['P', '85']], ['介護', ['P', '85']], ['保育', ['P', '85']], ['老人ホーム', ['P', '85']],
  ['ヘルスケア', ['P']],
  // Q
  ['郵便局', ['Q', '86']], ['協同組合', ['Q', '87']], ['農協', ['Q', '87']], ['漁協', ['Q', '87']], ['生協', ['Q', '87']],
  // R
  ['サービス業', ['R']], ['廃棄物', ['R', '88']], ['産廃', ['R', '88']], ['産業廃棄物', ['R', '88']], ['自動車整備', ['R', '89']], ['車検', ['R', '89']],
  ['修理', ['R', '90']], ['人材', ['R', '91']], ['人材派遣', ['R', '91']], ['人材紹介', ['R', '91']], ['派遣', ['R', '91']], ['職業紹介', ['R', '91']],
  ['警備', ['R', '92']], ['ビルメンテナンス', ['R', '92']], ['清掃', ['R', '92']], ['コールセンター', ['R', '92']], ['bpo', ['R', '92']],
  ['アウトソーシング', ['R', '92']], ['団体', ['R', '93']], ['協会', ['R', '93']], ['商工会', ['R', '93']], ['npo', ['R', '93']], ['宗教', ['R', '94']],
  ['寺院', ['R', '94']], ['神社', ['R', '94']],
  // S
  ['官公庁', ['S']], ['公務', ['S']], ['行政', ['S']], ['省庁', ['S', '97']], ['自治体', ['S', '98']], ['地方自治体', ['S', '98']], ['市役所', ['S', '98']],
  ['区役所', ['S', '98']], ['役場', ['S', '98']], ['県庁', ['S', '98']],
];

function fold(s: string): string {
  return nfkc(s).toLowerCase().replace(/[\s　]/gu, '');
}

const ENTRIES = KEYWORDS.map(([word, target]) => {
  const w = fold(word);
  const latin = /^[a-z0-9]+$/u.test(w);
  return { word: w, target, re: latin ? new RegExp(`(?<![a-z0-9])${w}(?![a-z0-9])`, 'u') : null };
}).sort((x, y) => y.word.length - x.word.length);

/** Official names, folded: 「卸売業，小売業」「卸売・小売業」「情報通信業」 all find their division. */
const NAME_FOLD = (s: string): string => fold(s).replace(/[、，,・()（）]/gu, '');
const MAJOR_BY_NAME = new Map<string, JsicMajor>((Object.entries(JSIC_MAJOR) as Array<[JsicMajor, string]>).map(([code, name]) => [NAME_FOLD(name), code]));
const MIDDLE_BY_NAME = new Map<string, string>(Object.entries(JSIC_MIDDLE).map(([code, m]) => [NAME_FOLD(m.name), code]));

/**
 * A JSIC code at the start of the text: 'G', 'G39', 'E-29', '39', 'JSIC 39', '39 情報サービス業', 'G: 情報通信業'.
 * A letter alone must stand alone or be followed by a separator or its division's name ('C向け' is no code), and
 * digits must be exactly two ('2023年' is no code).
 */
function codeOf(text: string): { major: JsicMajor; middle: string | null } | null {
  const s = nfkc(text).toLowerCase();
  const m = /^(?:jsic\s*[:-]?\s*)?([a-t])?\s*[-.:]?\s*(\d{2})?(?!\d)/u.exec(s);
  if (m === null || (m[1] === undefined && m[2] === undefined)) return null;
  const rest = s.slice(m[0].length).trim();
  const letter = m[1]?.toUpperCase() as JsicMajor | undefined;
  if (m[2] !== undefined) {
    const middle = JSIC_MIDDLE[m[2]];
    if (middle === undefined || (letter !== undefined && middle.major !== letter) || /^[a-z0-9]/u.test(rest)) return null;
    return { major: middle.major, middle: m[2] };
  }
  const major = letter!;
  const separated = rest === '' || /^[\s:：.\-_)）]/u.test(s.slice(m[0].length)) || NAME_FOLD(rest).startsWith(NAME_FOLD(JSIC_MAJOR[major]).slice(0, 2));
  return separated ? { major, middle: null } : null;
}

function classification(raw: string, via: IndustryClassification['via'], major: JsicMajor | null, middle: string | null = null, minor: string | null = null, trade: IndustryClassification['trade'] = null): IndustryClassification {
  const label = minor !== null ? JSIC_MINOR[minor] ?? null : middle !== null ? JSIC_MIDDLE[middle]?.name ?? null : major !== null ? JSIC_MAJOR[major] : null;
  return { raw, major, middle, minor, label, trade: trade ?? tradeOfMiddle(middle), via };
}

function tradeOfMiddle(middle: string | null): IndustryClassification['trade'] {
  if (middle === null) return null;
  const n = Number(middle);
  if (n >= 50 && n <= 55) return 'wholesale';
  if (n >= 56 && n <= 61) return 'retail';
  return null;
}

/**
 * Classify a free-text 業種 into JSIC. Accepts a code ('G', 'G39', '39', 'E-29', 'JSIC 39'), an official name
 * (「情報通信業」「卸売業、小売業」「飲食店」) or everyday words (「IT」「ソフトウェア開発」「製造業」「小売」「不動産」).
 * Unknown text gives major null with the raw text kept.
 *
 * @example classifyIndustry('IT') // => { major: 'G', middle: '39', label: '情報サービス業', via: 'keyword', … }
 * @example classifyIndustry('製造業').major // => 'E'
 * @example classifyIndustry('不動産').label // => '不動産業、物品賃貸業'
 * @example classifyIndustry('その他').major // => null
 */
export function classifyIndustry(raw: string | null | undefined): IndustryClassification {
  const text = (raw ?? '').trim();
  const s = fold(text);
  if (s === '') return classification(text, null, null);

  const code = codeOf(text);
  if (code !== null) return classification(text, 'code', code.major, code.middle);

  const named = NAME_FOLD(text);
  const middleByName = MIDDLE_BY_NAME.get(named);
  if (middleByName !== undefined) return classification(text, 'name', JSIC_MIDDLE[middleByName]!.major, middleByName);
  const majorByName = MAJOR_BY_NAME.get(named) ?? (named === '卸売小売業' ? 'I' : undefined);
  if (majorByName !== undefined) return classification(text, 'name', majorByName);

  for (const e of ENTRIES) {
    if (e.re !== null ? e.re.test(s) : s.includes(e.word)) {
      const [major, middle, minor, trade] = e.target;
      return classification(text, 'keyword', major, middle ?? null, minor ?? null, trade ?? null);
    }
  }
  return classification(text, null, null);
}

/** The 大分類 of a 中分類 code, or null. */
export function jsicMajorOfMiddle(middle: string): JsicMajor | null {
  return JSIC_MIDDLE[middle]?.major ?? null;
}
