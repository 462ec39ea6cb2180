/**
 * DM (postal) pieces in the column layout Japanese 宛名 and label software imports (筆まめ, 宛名職人, ラベル屋さん …):
 * 〒, 住所1 (都道府県 + 市区町村 + 番地), 住所2 (建物), 会社名, 部署, 役職, 氏名, 敬称. Pure.
 */

export interface DmPieceInput {
  customerId: string;
  kind: string;
  postalCode: string | null;
  prefecture: string | null;
  address: string | null;
  building: string | null;
  companyName: string | null;
  department: string | null;
  title: string | null;
  familyName: string | null;
  givenName: string | null;
  displayName: string;
  /** People of the audience at this address (the piece's person included). */
  householdSize: number;
}

export interface DmLabel {
  customerId: string;
  postalCode: string;
  address1: string;
  address2: string;
  company: string;
  department: string;
  title: string;
  name: string;
  honorific: string;
}

export const DM_COLUMNS = ['郵便番号', '住所1', '住所2', '会社名', '部署', '役職', '氏名', '敬称', '顧客ID'] as const;

/** 〒 as 123-4567 (as label software expects), whatever the record held. */
export function formatPostalCode(code: string | null): string {
  const digits = (code ?? '').normalize('NFKC').replace(/[^0-9]/gu, '');
  return digits.length === 7 ? `${digits.slice(0, 3)}-${digits.slice(3)}` : digits;
}

/**
 * One label. An organization is 御中 on the company; a person 様 (with company, department and title when known).
 * A household of several people gets one piece: to the primary person, or with `family` 「<姓> ご家族様」.
 */
export function dmLabel(p: DmPieceInput, householdAddressing: 'primary' | 'family'): DmLabel {
  const name = [p.familyName, p.givenName].filter((x) => x && x.trim()).join(' ') || p.displayName;
  const base = {
    customerId: p.customerId,
    postalCode: formatPostalCode(p.postalCode),
    address1: `${p.prefecture ?? ''}${p.address ?? ''}`.trim(),
    address2: (p.building ?? '').trim(),
  };
  if (p.kind === 'organization') {
    return { ...base, company: p.companyName ?? p.displayName, department: p.department ?? '', title: '', name: '', honorific: '御中' };
  }
  if (householdAddressing === 'family' && p.householdSize > 1 && !p.companyName && p.familyName) {
    return { ...base, company: '', department: '', title: '', name: p.familyName, honorific: 'ご家族様' };
  }
  return { ...base, company: p.companyName ?? '', department: p.department ?? '', title: p.title ?? '', name, honorific: '様' };
}

export function dmRow(l: DmLabel): string[] {
  return [l.postalCode, l.address1, l.address2, l.company, l.department, l.title, l.name, l.honorific, l.customerId];
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/gu, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** A printable A4 label sheet (12面: 2 × 6, 24面: 3 × 8) with print CSS; the browser prints it. */
export function labelSheetHtml(labels: readonly DmLabel[], layout: '12' | '24', title: string): string {
  const cols = layout === '12' ? 2 : 3;
  const rows = layout === '12' ? 6 : 8;
  const perPage = cols * rows;
  const pages: string[] = [];
  for (let i = 0; i < labels.length; i += perPage) {
    const cells = labels.slice(i, i + perPage).map((l) => `<div class="label">
  <div class="zip">〒${escapeHtml(l.postalCode)}</div>
  <div class="addr">${escapeHtml(l.address1)}</div>${l.address2 ? `\n  <div class="addr">${escapeHtml(l.address2)}</div>` : ''}
  ${l.company ? `<div class="org">${escapeHtml(l.company)}${l.department ? ` ${escapeHtml(l.department)}` : ''}</div>` : ''}
  <div class="name">${l.title ? `<span class="title">${escapeHtml(l.title)}</span> ` : ''}${escapeHtml(l.name)} ${escapeHtml(l.honorific)}</div>
</div>`);
    pages.push(`<section class="sheet">${cells.join('\n')}</section>`);
  }
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
@page { size: A4; margin: 10mm 8mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", sans-serif; }
.note { padding: 8px 12px; font-size: 13px; color: #444; }
@media print { .note { display: none; } }
.sheet { display: grid; grid-template-columns: repeat(${cols}, 1fr); grid-template-rows: repeat(${rows}, 1fr);
  width: 194mm; height: 277mm; page-break-after: always; }
.label { padding: 4mm 5mm; overflow: hidden; font-size: ${layout === '12' ? '11pt' : '9pt'}; line-height: 1.35; border: 0.2mm dashed #ccc; }
@media print { .label { border: none; } }
.zip { font-size: 0.9em; margin-bottom: 1mm; }
.org { margin-top: 1.5mm; }
.name { margin-top: 1.5mm; font-size: 1.2em; }
.title { font-size: 0.8em; }
</style></head>
<body><p class="note">${escapeHtml(title)} — ${labels.length} 件 (A4 ${layout}面)。ブラウザの印刷で出力してください。</p>
${pages.join('\n')}
</body></html>`;
}
