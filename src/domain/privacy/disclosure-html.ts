/**
 * The disclosure report (開示) as a printable HTML page in Japanese, from the bundle's sections. Pure: every value
 * is escaped, nothing is loaded from elsewhere (inline style, no script), so the file opens offline and prints.
 */

export interface DisclosureBundle {
  generatedAt: string;
  request: { id: string; kind: string; receivedOn: string; requesterName: string };
  customerIds: string[];
  sections: Array<{ key: string; titleJa: string; titleEn: string; rows: Array<Record<string, unknown>> }>;
}

const escape = (s: string) => s.replace(/[&<>"']/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Column names shown in Japanese where Daicho knows them; others as stored. */
const LABELS: Record<string, string> = {
  id: 'ID', kind: '種別', family_name: '姓', given_name: '名', family_name_kana: 'セイ', given_name_kana: 'メイ', display_name: '表示名',
  email: 'メールアドレス', phone: '電話番号', postal_code: '郵便番号', prefecture: '都道府県', address: '住所', building: '建物名',
  birth_date: '生年月日', gender: '性別', company_name: '会社名', department: '部署', title: '役職', lifecycle_stage: 'ステージ',
  acquisition_channel: '獲得経路', custom_fields: 'カスタム項目', provenance: '値の出所', created_at: '登録日時', updated_at: '更新日時',
  deleted_at: '削除日時', source: 'データソース', external_id: '元システムの ID', raw: '受け取った内容', received_at: '受領日時',
  type: '種類', occurred_at: '日時', properties: '内容', amount: '金額', currency: '通貨', purpose: '目的', purpose_code: '目的コード',
  state: '状態', method: '取得方法', text_shown: '表示した文言', text_version: '文言の版', recorded_at: '記録日時', segment: 'セグメント',
  added_at: '追加日時', campaign: 'キャンペーン', channel: 'チャネル', status: '状態', reason: '理由', sent_at: '送信日時',
  opened_at: '開封日時', clicked_at: 'クリック日時', unsubscribed_at: '配信停止日時', ordered_at: '注文日時', total_amount: '合計',
  returned_amount: '返品額', lines: '明細', form: 'フォーム', values: '送信内容', consent_given: '同意', page_url: 'ページ',
  event: 'イベント', starts_at: '開催日時', registered_at: '申込日時', recipient: '提供先', items: '項目', provided_at: '提供日時',
  actor_label: '操作した人', action: '操作', entity_type: '対象', rows: '件数',
};

/** Codes shown as Japanese words, per column (the same words as the app's screens); an unknown code is shown as stored. */
const CODE_LABELS: Record<string, Record<string, string>> = {
  kind: { person: '個人', organization: '法人', disclosure: '開示', correction: '訂正', stop_use: '利用停止', erasure: '消去', stop_provision: '第三者提供の停止' },
  gender: { female: '女性', male: '男性', other: 'その他', unknown: '不明' },
  lifecycle_stage: { prospect: '見込み客', opportunity: '商談中', customer: '顧客', dormant: '休眠', lost: '失注', disqualified: '対象外' },
  type: {
    customer_created: '登録', edit: '編集', note: 'メモ', import: '取込', merge: '統合', unmerge: '分割', form_submission: 'フォーム送信',
    purchase: '購入', purchase_cancelled: '購入キャンセル', purchase_returned: '返品', email: 'メール', call: '電話', meeting: '商談', event: 'イベント',
    page_view: 'ページ閲覧', event_registration: 'イベント申込', event_attendance: 'イベント参加', email_sent: 'メール送信', task_created: 'タスク作成',
    email_opened: 'メール開封', email_clicked: 'メールのリンクをクリック', email_unsubscribed: 'メール配信停止', email_bounced: 'メール不達',
    dm_mailed: 'DM発送', dm_returned: 'DM 返送 (宛先不明)', voice_received: '顧客の声', voice_reply: '顧客の声に返信', voice_done: '顧客の声を完了',
  },
  purpose: { email_marketing: 'メール配信 (メルマガ)', dm: 'DM (郵送)', phone_marketing: '電話での案内', profiling: '分析・プロファイリング', third_party: '第三者提供' },
  state: { granted: '許諾', denied: '拒否', withdrawn: '撤回', none: '未取得' },
  method: {
    form: 'フォーム', import: '取り込み', staff: '担当者の記録', api: 'API', unsubscribe: '配信停止リンク', complaint: '迷惑メール報告',
    merge: '顧客の統合', request: '本人からの請求',
  },
  channel: { email: 'メール', dm: 'DM (郵送)', web: 'ウェブ', store: '店舗', phone: '電話' },
  status: {
    completed: '完了', cancelled: 'キャンセル', partially_returned: '一部返品', returned: '返品',
    registered: '申込', attended: '出席', no_show: '欠席',
    queued: '待機中', claimed: '処理中', sending: '送信中', sent: '送信済み', outbox: '送信箱（未送信）', failed: '失敗', unknown: '送信結果不明',
    suppressed: '除外', skipped: 'スキップ',
  },
  action: {
    'customer.view': '顧客の閲覧', 'customer.create': '顧客の登録', 'customer.update': '顧客の編集', 'customer.delete': '顧客の削除',
    'customer.note': '営業メモの記録', 'export.customers': '顧客のエクスポート', 'export.segment': 'セグメントのエクスポート',
    'export.links': '対応表のエクスポート', 'export.provision': '第三者提供のエクスポート', 'export.rfm': 'RFM のエクスポート',
    'export.dm_list': 'DM 宛名リストの出力', 'export.dm_labels': 'DM 宛名ラベルの出力', 'export.recommendations': 'クロスセル提案のエクスポート',
    'export.campaign_audience': '配信対象リストのエクスポート',
    'identity.merge': '顧客の統合', 'identity.unmerge': '顧客の分割', 'consent.record': '同意の記録',
  },
  entity_type: { customer: '顧客', segment: 'セグメント', provision_record: '第三者提供の記録' },
};
CODE_LABELS.purpose_code = CODE_LABELS.purpose!;

const TOKYO_DATE_TIME = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo', year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/u;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/u;

/** An instant as a Japanese date and time in Tokyo: 2026年12月1日 10:00. */
export function japaneseDateTime(value: Date | string): string {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : `${TOKYO_DATE_TIME.format(d)}`;
}

/** A calendar date (YYYY-MM-DD, no time zone to convert): 1980年4月1日. */
export function japaneseDate(value: string): string {
  const m = ISO_DATE.exec(value);
  return m ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : value;
}

function cell(value: unknown, column = ''): string {
  if (value === null || value === undefined || value === '') return '<span class="none">—</span>';
  if (value instanceof Date) return escape(japaneseDateTime(value));
  if (typeof value === 'boolean') return value ? 'はい' : 'いいえ';
  if (typeof value === 'object') return `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;
  const text = String(value);
  const label = CODE_LABELS[column]?.[text];
  if (label) return `${escape(label)} <span class="code">(${escape(text)})</span>`;
  if (ISO_INSTANT.test(text)) return escape(japaneseDateTime(text));
  if (ISO_DATE.test(text)) return escape(japaneseDate(text));
  return escape(text);
}

function section(s: DisclosureBundle['sections'][number]): string {
  const head = `<h2>${escape(s.titleJa)} <small>${escape(s.titleEn)} · ${s.rows.length} 件</small></h2>`;
  if (s.rows.length === 0) return `<section>${head}<p class="none">該当する情報はありません。</p></section>`;
  const columns = [...new Set(s.rows.flatMap((r) => Object.keys(r)))];
  // Few columns: one table; many (a golden record): one key/value table per row, which prints on A4.
  if (columns.length <= 7) {
    return `<section>${head}<table><thead><tr>${columns.map((c) => `<th>${escape(LABELS[c] ?? c)}</th>`).join('')}</tr></thead><tbody>${
      s.rows.map((r) => `<tr>${columns.map((c) => `<td>${cell(r[c], c)}</td>`).join('')}</tr>`).join('')}</tbody></table></section>`;
  }
  return `<section>${head}${s.rows.map((r, i) => `<table class="kv"><caption>${i + 1}</caption><tbody>${
    columns.map((c) => `<tr><th>${escape(LABELS[c] ?? c)}</th><td>${cell(r[c], c)}</td></tr>`).join('')}</tbody></table>`).join('')}</section>`;
}

export function renderDisclosureHtml(bundle: DisclosureBundle): string {
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>保有個人データの開示</title>
<style>body{font-family:"Noto Sans CJK JP","Hiragino Sans",system-ui,sans-serif;margin:2rem;color:#222;font-size:10.5pt}
h1{font-size:16pt}h2{font-size:12pt;border-bottom:2px solid #334;margin-top:2rem}h2 small{font-weight:normal;color:#666}
table{border-collapse:collapse;width:100%;margin:.5rem 0;page-break-inside:auto}th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f1f3f6;white-space:nowrap}table.kv th{width:11rem}caption{text-align:left;color:#666}pre{margin:0;white-space:pre-wrap;word-break:break-all;font-size:9pt}
.none{color:#888}.code{color:#888;font-size:8.5pt}dl{display:grid;grid-template-columns:10rem 1fr;gap:.2rem 1rem}dt{color:#555}@media print{body{margin:0}section{page-break-inside:auto}}</style></head>
<body><h1>保有個人データの開示</h1>
<p>個人情報の保護に関する法律第33条に基づき、当社が保有するお客様の個人データを開示します。</p>
<dl><dt>請求者</dt><dd>${escape(bundle.request.requesterName)}</dd><dt>受付日</dt><dd>${escape(japaneseDate(bundle.request.receivedOn))}</dd>
<dt>請求番号</dt><dd>${escape(bundle.request.id)}</dd><dt>種類</dt><dd>${escape(CODE_LABELS.kind![bundle.request.kind] ?? bundle.request.kind)}</dd>
<dt>作成日時</dt><dd>${escape(japaneseDateTime(bundle.generatedAt))}</dd></dl>
${bundle.sections.map(section).join('\n')}
</body></html>`;
}
