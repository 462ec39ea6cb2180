/**
 * Topic tags of customer voice items (issue 24) and the rules that set them.
 *
 * A rule names one tag and up to four conditions: keywords (any one found in the text), form ids, product SKUs (any
 * one of the item's) and channels. Every condition the rule gives must hold; a rule that gives none matches nothing
 * (an empty rule must not tag the whole inbox). Keywords and text are compared after the search fold of
 * src/domain/normalize (NFKC, lower case, katakana → hiragana, spaces and hyphens dropped), so サポート, ｻﾎﾟｰﾄ and
 * さぽーと are one keyword. Each tag is reported once, by the first rule (in the given order) that sets it.
 */
import { foldForSearch } from '../normalize/text.ts';

/** Topic tags, stored as these Japanese labels. */
export const TOPIC_TAGS: readonly string[] = Object.freeze([
  '価格', '品質', '配送', 'サポート', '機能要望', '不具合', '使いやすさ', '返品・返金', '契約・請求', '在庫',
]);

export interface TagRule { id?: string; tag: string; keywords?: string[]; formIds?: string[]; productSkus?: string[]; channels?: string[] }
export interface TagMatch { tag: string; ruleId?: string; matched: string }

/** Built-in keyword rules for the topic tags; written from general knowledge of customer feedback. */
export const DEFAULT_TOPIC_RULES: TagRule[] = [
  { id: 'default:価格', tag: '価格', keywords: ['価格', '値段', '料金', '金額', '値上げ', '値下げ', '割引', 'セール', 'クーポン', '送料', '月額', '年額', '費用', 'コスト', 'コスパ', '高すぎ', '安い', '割高', '高額', 'お得', '税込', 'price', 'expensive', 'cheap'] },
  { id: 'default:品質', tag: '品質', keywords: ['品質', 'クオリティ', '不良品', '初期不良', '傷', 'キズ', '汚れ', '破損', '割れ', '欠け', '異物', '鮮度', '賞味期限', '消費期限', '味が', '味は', '美味し', 'おいし', 'まずい', '耐久', '仕上がり', '作りが', '素材', '品質管理', 'quality'] },
  { id: 'default:配送', tag: '配送', keywords: ['配送', '配達', '発送', '出荷', '到着', '届か', '届い', '届き', '届く', '宅配', '宅急便', '再配達', '置き配', '梱包', '追跡', '配送業者', '着荷', '未着', 'delivery', 'shipping', 'arrived'] },
  { id: 'default:サポート', tag: 'サポート', keywords: ['サポート', '問い合わせ', '問合せ', '問合わせ', '窓口', 'コールセンター', 'カスタマーセンター', 'オペレーター', '担当者', '担当の方', 'スタッフ', '店員', '接客', '電話対応', 'メール対応', 'ご対応', '対応が', '対応は', '返信', '回答', 'チャット', 'support', 'staff'] },
  { id: 'default:機能要望', tag: '機能要望', keywords: ['てほしい', 'て欲しい', 'があると', 'があれば', 'できるように', '出来るように', '機能追加', '追加してほしい', '対応してほしい', '要望', 'ご検討', '希望します', 'あると嬉しい', 'あると助かり', 'てもらえると', 'ていただけると', 'feature request', 'would be nice', 'please add'] },
  { id: 'default:不具合', tag: '不具合', keywords: ['不具合', 'バグ', 'エラー', '落ちる', '落ちます', '強制終了', 'フリーズ', '固まる', '固まっ', '動かない', '動きません', '起動しない', '起動しません', 'ログインできない', 'ログインできません', '表示されない', '表示されません', '故障', '壊れ', '誤作動', '異音', '文字化け', '水漏れ', '電源が入らない', 'bug', 'crash', 'error'] },
  { id: 'default:使いやすさ', tag: '使いやすさ', keywords: ['使いやすい', '使いやすく', '使いにくい', '使いにくく', '使いづらい', '使い勝手', '操作性', '分かりにくい', 'わかりにくい', '分かりやすい', 'わかりやすい', '見づらい', '見にくい', '直感的', '操作が', 'usability', 'easy to use'] },
  { id: 'default:返品・返金', tag: '返品・返金', keywords: ['返品', '返金', '交換', '払い戻し', '返送', 'refund', 'return'] },
  { id: 'default:契約・請求', tag: '契約・請求', keywords: ['請求', '契約', '解約', '退会', 'プラン変更', '支払い', '支払', '引き落とし', '領収書', '請求書', 'インボイス', '更新料', 'billing', 'invoice', 'cancel'] },
  { id: 'default:在庫', tag: '在庫', keywords: ['在庫', '品切れ', '売り切れ', '欠品', '入荷', '再入荷', '予約', 'out of stock'] },
];

/** Folded keywords per rule, computed once per rule object (rules come from settings and are reused). */
const foldedKeywords = new WeakMap<TagRule, { raw: string; folded: string }[]>();

function keywordsOf(rule: TagRule): { raw: string; folded: string }[] {
  let list = foldedKeywords.get(rule);
  if (list === undefined) {
    list = (rule.keywords ?? []).map((raw) => ({ raw, folded: foldForSearch(raw) })).filter((k) => k.folded !== '');
    foldedKeywords.set(rule, list);
  }
  return list;
}

const fold = (s: string): string => foldForSearch(s);

/** Why the rule matched (the keyword, or the form/product/channel condition), or null when it does not. */
function ruleMatch(
  rule: TagRule,
  item: { foldedText: string; formId?: string | null; productSkus: string[]; channel?: string },
): string | null {
  const reasons: string[] = [];
  const hasKeywords = (rule.keywords?.length ?? 0) > 0;
  const hasForms = (rule.formIds?.length ?? 0) > 0;
  const hasProducts = (rule.productSkus?.length ?? 0) > 0;
  const hasChannels = (rule.channels?.length ?? 0) > 0;
  if (!hasKeywords && !hasForms && !hasProducts && !hasChannels) return null;
  if (hasKeywords) {
    const hit = keywordsOf(rule).find((k) => item.foldedText.includes(k.folded));
    if (!hit) return null;
    reasons.push(hit.raw);
  }
  if (hasForms) {
    if (item.formId == null || !rule.formIds!.includes(item.formId)) return null;
    reasons.push(`form:${item.formId}`);
  }
  if (hasProducts) {
    const wanted = new Set(rule.productSkus!.map(fold));
    const sku = item.productSkus.find((s) => wanted.has(fold(s)));
    if (sku === undefined) return null;
    reasons.push(`product:${sku}`);
  }
  if (hasChannels) {
    if (item.channel === undefined || !rule.channels!.includes(item.channel)) return null;
    reasons.push(`channel:${item.channel}`);
  }
  return reasons.join(' ');
}

/** Tags an item by the rules, in rule order; one match per tag. */
export function applyTagRules(
  item: { text: string; formId?: string | null; productSkus?: string[]; channel?: string },
  rules: TagRule[],
): TagMatch[] {
  const prepared = { foldedText: foldForSearch(item.text ?? ''), formId: item.formId, productSkus: item.productSkus ?? [], channel: item.channel };
  const out: TagMatch[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.tag)) continue;
    const matched = ruleMatch(rule, prepared);
    if (matched === null) continue;
    seen.add(rule.tag);
    out.push({ tag: rule.tag, ...(rule.id !== undefined ? { ruleId: rule.id } : {}), matched });
  }
  return out;
}
