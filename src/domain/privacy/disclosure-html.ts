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
  actor_label: '操作した人', action: '操作', entity_type: '対象',
};

function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '<span class="none">—</span>';
  if (value instanceof Date) return escape(value.toISOString());
  if (typeof value === 'object') return `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;
  return escape(String(value));
}

function section(s: DisclosureBundle['sections'][number]): string {
  const head = `<h2>${escape(s.titleJa)} <small>${escape(s.titleEn)} · ${s.rows.length} 件</small></h2>`;
  if (s.rows.length === 0) return `<section>${head}<p class="none">該当する情報はありません。</p></section>`;
  const columns = [...new Set(s.rows.flatMap((r) => Object.keys(r)))];
  // Few columns: one table; many (a golden record): one key/value table per row, which prints on A4.
  if (columns.length <= 7) {
    return `<section>${head}<table><thead><tr>${columns.map((c) => `<th>${escape(LABELS[c] ?? c)}</th>`).join('')}</tr></thead><tbody>${
      s.rows.map((r) => `<tr>${columns.map((c) => `<td>${cell(r[c])}</td>`).join('')}</tr>`).join('')}</tbody></table></section>`;
  }
  return `<section>${head}${s.rows.map((r, i) => `<table class="kv"><caption>${i + 1}</caption><tbody>${
    columns.map((c) => `<tr><th>${escape(LABELS[c] ?? c)}</th><td>${cell(r[c])}</td></tr>`).join('')}</tbody></table>`).join('')}</section>`;
}

export function renderDisclosureHtml(bundle: DisclosureBundle): string {
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>保有個人データの開示</title>
<style>body{font-family:"Noto Sans CJK JP","Hiragino Sans",system-ui,sans-serif;margin:2rem;color:#222;font-size:10.5pt}
h1{font-size:16pt}h2{font-size:12pt;border-bottom:2px solid #334;margin-top:2rem}h2 small{font-weight:normal;color:#666}
table{border-collapse:collapse;width:100%;margin:.5rem 0;page-break-inside:auto}th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f1f3f6;white-space:nowrap}table.kv th{width:11rem}caption{text-align:left;color:#666}pre{margin:0;white-space:pre-wrap;word-break:break-all;font-size:9pt}
.none{color:#888}dl{display:grid;grid-template-columns:10rem 1fr;gap:.2rem 1rem}dt{color:#555}@media print{body{margin:0}section{page-break-inside:auto}}</style></head>
<body><h1>保有個人データの開示</h1>
<p>個人情報の保護に関する法律第33条に基づき、当社が保有するお客様の個人データを開示します。</p>
<dl><dt>請求者</dt><dd>${escape(bundle.request.requesterName)}</dd><dt>受付日</dt><dd>${escape(bundle.request.receivedOn)}</dd>
<dt>請求番号</dt><dd>${escape(bundle.request.id)}</dd><dt>作成日時</dt><dd>${escape(bundle.generatedAt)}</dd></dl>
${bundle.sections.map(section).join('\n')}
</body></html>`;
}
