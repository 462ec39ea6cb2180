/**
 * Which row of a table is its header (pure). Most exports start with it; some put title lines above it: Eight's
 * 名刺 export has 7 (a title, the export date, a count, a note, blank lines), and the wizard took the title for the
 * header and refused every row as the wrong width.
 *
 * A header is judged by the rows below it, not by itself: each candidate row is scored on
 * - its cells: non-empty, distinct, short text rather than numbers, dates or e-mails, names the mapping knows;
 * - the rows below: no wider than it (a title line of one cell has a table under it that is wider), and under its
 *   labels they hold data (numbers, dates, e-mails, phone numbers) where it holds words.
 * The first row that scores within a hair of the best is the header, provided every row above it is a title line
 * (at most two non-empty cells, at most half as wide). A file none of whose rows looks like a header
 * (a headerless list) keeps its first non-blank row, as the readers did before.
 */
import { cellKind, cellText, isDataKind, type CellKind } from './cell-kind.ts';
import { classifyHeader } from './suggest.ts';

export interface HeaderRowDetection {
  /** 0-based position of the header in the rows given (a blank row counts as a row). */
  index: number;
  /** 0..1: how header-like that row is, given the rows below it. */
  confidence: number;
  /** Rows before it that have something in them (title lines skipped). */
  skipped: number;
  /** The evidence, for the wizard (Japanese, then English). */
  reason: string;
}

export interface HeaderRowOptions {
  /** Rows tried as the header, from the top. */
  maxCandidates?: number;
  /** Non-blank rows below a candidate that are looked at. */
  window?: number;
}

/** Rows a reader should hand to detectHeaderRow: enough for a long preamble and a window of data under it. */
export const HEADER_PROBE_ROWS = 60;
const DEFAULT_CANDIDATES = 30;
const DEFAULT_WINDOW = 20;
/** A row further down replaces the first non-blank one only with at least this score… */
const MIN_SCORE_TO_SKIP = 0.6;
/** …and the first row within this much of the best score wins (a header over a table of plain words scores about
 *  like the rows under it). */
const TIE_MARGIN = 0.05;
/** Non-empty cells a title line above the header may have. */
const MAX_TITLE_CELLS = 2;
/** Longer cells are sentences (a note, an address), not labels. */
const MAX_LABEL_CHARS = 60;

interface Candidate {
  index: number;
  score: number;
  width: number;
  labels: number;
  known: number;
  nonEmpty: number;
  belowRows: number;
  belowFit: number;
}

/**
 * Finds the header row among the first rows of a table (CSV records' fields, or xlsx rows' cell texts, in order).
 * Empty input gives index 0 with confidence 0.
 *
 * @example
 * detectHeaderRow([['名刺データ'], ['出力日', '2024/05/01'], [], ['会社名', '氏名', 'e-mail'], ['サンプル商事', '山田 太郎', 'taro@example.jp']])
 * // → { index: 3, confidence: 0.9, skipped: 2, reason: '3 列中 3 列が見出しらしい文字列…' }
 */
export function detectHeaderRow(rows: ReadonlyArray<readonly string[]>, options: HeaderRowOptions = {}): HeaderRowDetection {
  const maxCandidates = options.maxCandidates ?? DEFAULT_CANDIDATES;
  const window = options.window ?? DEFAULT_WINDOW;
  const texts = rows.map((r) => r.map(cellText));
  const nonBlank = texts.flatMap((r, i) => (r.some((c) => c !== '') ? [i] : [])).slice(0, maxCandidates + window);
  const kinds = new Map(nonBlank.map((i) => [i, texts[i]!.map(cellKind)]));
  if (nonBlank.length === 0) return { index: 0, confidence: 0, skipped: 0, reason: '空の表です (the table is empty)' };

  const candidates: Candidate[] = [];
  for (let k = 0; k < nonBlank.length && k < maxCandidates; k++) {
    const i = nonBlank[k]!;
    const below = nonBlank.slice(k + 1, k + 1 + window);
    candidates.push(scoreCandidate(i, texts[i]!, kinds.get(i)!, below.map((j) => texts[j]!), below.map((j) => kinds.get(j)!)));
  }

  // Only title lines may be skipped: at most two things in them (a title; 出力日, 2024/05/01) and at most half as wide
  // as the header. A headerless list whose rows vary in width is not cut at its first wide row; a preamble of wider
  // lines is left to the profile's header_row.
  // Narrower than it, too: a table's own header is not a title over one of its rows (a two-column list whose header is
  // as wide as every row). In a one-column list, where widths tell nothing, only a header name the mapping knows, with
  // rows under it, is worth skipping the one-cell rows above for (never a wider row: that is the table's own header).
  const allowed = candidates.filter((c, k) =>
    candidates.slice(0, k).every((above) =>
      above.nonEmpty <= MAX_TITLE_CELLS && (above.width < c.width || (c.width === 1 && above.width <= 1 && c.known > 0 && c.belowRows > 0)) && above.width <= Math.max(MAX_TITLE_CELLS, Math.floor(c.width / 2))),
  );
  const first = candidates[0]!;
  let best = first;
  for (const c of allowed) if (c.score > best.score) best = c;
  let chosen = first;
  if (best !== first && best.score >= MIN_SCORE_TO_SKIP) {
    chosen = allowed.find((c) => c.score >= best.score - TIE_MARGIN)!;
  }
  const skipped = nonBlank.indexOf(chosen.index);
  return { index: chosen.index, confidence: round2(chosen.score), skipped, reason: reasonOf(chosen, skipped) };
}

function scoreCandidate(
  index: number,
  cells: readonly string[],
  cellKinds: readonly CellKind[],
  below: ReadonlyArray<readonly string[]>,
  belowKinds: ReadonlyArray<readonly CellKind[]>,
): Candidate {
  const width = effectiveWidth(cells);
  const filled = cells.slice(0, width).filter((c) => c !== '');
  const nonEmpty = filled.length;
  let labels = 0;
  for (let j = 0; j < width; j++) if (cellKinds[j] === 'text' && cells[j]!.length <= MAX_LABEL_CHARS) labels++;
  const known = filled.filter((c) => classifyHeader(c) !== null).length;
  const distinct = new Set(filled).size;

  // Rows below no wider than this one: a title line has a wider table under it.
  let belowFit = 0;
  for (const row of below) {
    const w = effectiveWidth(row);
    belowFit += w <= width ? 1 : width / w;
  }
  const widthScore = below.length === 0 ? 1 : belowFit / below.length;

  // Under a label, data; under a data value, more of the same. A value repeated below is data too (東京都 over 東京都).
  let contrastSum = 0;
  let contrastColumns = 0;
  for (let j = 0; j < width; j++) {
    const head = cells[j]!;
    if (head === '') continue;
    let values = 0;
    let data = 0;
    let repeated = false;
    for (let r = 0; r < below.length; r++) {
      const v = below[r]![j];
      if (v === undefined || v === '') continue;
      values++;
      if (isDataKind(belowKinds[r]![j]!)) data++;
      if (v === head) repeated = true;
    }
    if (values === 0) continue;
    contrastColumns++;
    if (cellKinds[j] !== 'text') continue;
    contrastSum += (0.5 + 0.5 * (data / values)) * (repeated ? 0.3 : 1);
  }
  const contrast = contrastColumns === 0 ? 0.5 : contrastSum / contrastColumns;

  // Fitting the rows below is a condition, not a merit (every data row fits the rows under it): it scales the rest.
  const score =
    widthScore *
    (0.35 * (labels / nonEmpty) + 0.3 * contrast + 0.2 * (known / nonEmpty) + 0.075 * (distinct / nonEmpty) + 0.075 * (nonEmpty / width));
  return { index, score, width, labels, known, nonEmpty, belowRows: below.length, belowFit: Math.round(belowFit) };
}

/** Columns up to the last non-empty cell (trailing delimiters and padding do not count). */
function effectiveWidth(cells: readonly string[]): number {
  let w = cells.length;
  while (w > 0 && cells[w - 1] === '') w--;
  return w;
}

/**
 * Why this row: its cells and the rows below. The lines above are named without a count: the rows here are records
 * (a CSV's blank lines are none), so a count would not be the file's lines the person sees (the wizard shows the
 * header's line number beside this).
 */
function reasonOf(c: Candidate, skipped: number): string {
  const skip = skipped > 0 ? 'それより上の行は表題などとして読み飛ばします。' : '';
  const skipEn = skipped > 0 ? '; the lines above it are skipped as titles' : '';
  return (
    `${c.width} 列中 ${c.labels} 列が見出しらしい文字列（うち既知の見出し名 ${c.known}）、下の ${c.belowRows} 行のうち ${c.belowFit} 行が列数に収まります。${skip}` +
    ` (${c.labels} of ${c.width} cells are label-like text, ${c.known} known header names; ${c.belowFit} of the ${c.belowRows} rows below fit its width${skipEn})`
  );
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
