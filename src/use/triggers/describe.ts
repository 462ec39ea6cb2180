import type { LeafCondition, SegmentNode, Window } from '../segments/segments.schemas.ts';

/**
 * A segment condition tree in Japanese, for a firing's reason (「/pricing* の閲覧 2 回以上 (直近 7 日) かつ 14 日間接触なし」).
 * Short, not a full rendering of every option: it says which conditions the person met.
 */
export function describeNode(node: SegmentNode): string {
  switch (node.type) {
    case 'and': return node.conditions.length ? node.conditions.map((c) => wrap(c)).join(' かつ ') : '全員';
    case 'or': return node.conditions.length ? node.conditions.map((c) => wrap(c)).join(' または ') : '該当なし';
    case 'not': return `「${describeNode(node.condition)}」ではない`;
    default: return describeLeaf(node);
  }
}

const wrap = (node: SegmentNode) => (node.type === 'and' || node.type === 'or' ? `(${describeNode(node)})` : describeNode(node));

function windowText(window: Window | undefined): string {
  if (!window) return '';
  if ('lastDays' in window) return ` (直近 ${window.lastDays} 日)`;
  const from = 'from' in window ? window.from : '';
  return ` (${from}〜${window.to ?? ''})`;
}

const range = (min: number | undefined, max: number | undefined, unit = '') =>
  min !== undefined && max !== undefined ? `${min}${unit}〜${max}${unit}` : min !== undefined ? `${min}${unit} 以上` : max !== undefined ? `${max}${unit} 以下` : '';

const FIELD_JA: Record<string, string> = {
  email: 'メールアドレス', phone: '電話番号', address: '住所', company: '会社', birth_date: '生年月日', owner: '担当者',
  lifecycle_stage: 'ステージ', acquisition_channel: '獲得チャネル', prefecture: '都道府県', city: '市区町村', gender: '性別',
  department: '部署', title: '役職', email_domain: 'メールドメイン',
};
const OP_JA: Record<string, string> = {
  eq: 'が', neq: 'が次以外:', in: 'が次のいずれか:', not_in: 'が次のいずれでもない:', contains: 'に次を含む:', starts_with: 'が次で始まる:',
  is_set: 'あり', is_not_set: 'なし',
};
const ja = (field: string) => FIELD_JA[field] ?? field;

function describeLeaf(node: LeafCondition): string {
  switch (node.type) {
    case 'attribute': return `${ja(node.field)}${OP_JA[node.op] ?? ` ${node.op}`}${node.value !== undefined ? ` 「${node.value}」` : node.values ? ` 「${node.values.join('、')}」` : ''}`;
    case 'date': return `${node.field === 'created_at' ? '登録日' : '更新日'}${windowText(node.window)}`;
    case 'age': return `年齢 ${range(node.min, node.max, '歳')}`;
    case 'has': return `${ja(node.field)}あり`;
    case 'custom_field': return `項目「${node.key}」 ${node.op}${node.value !== undefined ? ` 「${node.value}」` : ''}`;
    case 'company': return `会社の ${node.field}${node.values ? ` 「${node.values.join('、')}」` : ` ${range(node.min, node.max)}`}`;
    case 'source': return `データソース「${node.source}」${node.op === 'first_seen' ? 'で初登録' : 'にレコードあり'}`;
    case 'source_count': return `データソース数 ${range(node.min, node.max)}`;
    case 'page_views':
      return `${node.url ? `${node.url} の` : 'ページ'}閲覧 ${node.minCount ?? 1} 回以上${node.minSeconds ? ` (${node.minSeconds} 秒以上)` : ''}${windowText(node.window)}`;
    case 'form_submitted': return `フォーム送信${windowText(node.window)}`;
    case 'event': return `イベント${{ registered: '申込', attended: '参加', no_show: '不参加' }[node.status]}${windowText(node.window)}`;
    case 'email': return `${node.campaignId ? 'キャンペーンの' : ''}メール${{ received: '受信', opened: '開封', clicked: 'クリック' }[node.action]} ${node.minCount ?? 1} 通以上${windowText(node.window)}`;
    case 'purchases': {
      const what = node.sku ? `商品 ${node.sku} の` : node.category ? `カテゴリ ${node.category} の` : '';
      const parts = [range(node.minCount, node.maxCount, ' 回'), range(node.minAmount, node.maxAmount, ' 円')].filter(Boolean);
      return `${what}購入${parts.length ? ` ${parts.join('、')}` : ''}${windowText(node.window)}`;
    }
    case 'no_purchase': return `${node.days} 日間購入なし`;
    case 'no_contact': return `${node.days} 日間接触なし`;
    case 'negative_feedback': return `${node.days} 日以内に否定的な声`;
    case 'rfm': return `RFM${node.tiers?.length ? ` ランク ${node.tiers.join('、')}` : ''}${node.segments?.length ? ` セグメント ${node.segments.join('、')}` : ''}`;
    case 'predicted': return `予測値 ${node.metric} ${range(node.min, node.max)}`;
    case 'candidate': return `商品 ${node.sku} の提案対象`;
    case 'segment': return 'セグメントの対象';
  }
}
