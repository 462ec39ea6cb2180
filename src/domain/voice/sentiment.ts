/**
 * Sentiment of a customer comment (issue 24): a lexicon scorer whose every step can be shown to a user.
 *
 * Method (README.md in this folder has the long form):
 *  1. Normalise: line breaks end sentences, then NFKC (full-width → ASCII, half-width kana → full) and lower case.
 *  2. Cut into sentences (。！？!? . line breaks) and each sentence into clauses at contrast markers
 *     (が、/ですが/けど/けれど/ものの/しかし/ただし/but/however). A clause after a contrast weighs CONTRAST_AFTER,
 *     the clauses it overrides weigh CONTRAST_BEFORE: 「美味しいですが、高い」 leans on 高い.
 *  3. Find lexicon terms (lexicon.ts, hand-written) longest first. Short hiragana terms (いい) must start on a word
 *     boundary found by TinySegmenter, so that いい inside another word does not count.
 *  4. Negation: a negative auxiliary (ない/なかっ/なく/ませ/ず/ぬ) in the hiragana words right after a term, within
 *     its clause, flips it (満足できませんでした, 悪くない); English negators (not, never, n't) before the word do.
 *     TinySegmenter splits those following words. A negated complaint is weak praise (NEGATED_NEGATIVE), a negated
 *     praise is a real complaint (NEGATED_POSITIVE).
 *  5. Intensifiers (とても, 非常に, 全然, very) multiply the next term's weight; downtoners (少し, やや) shrink it.
 *  6. Requests (〜してほしい, 〜できれば, 〜と助かります, please add) are an unmet need: one mildly negative evidence
 *     (REQUEST_POLARITY), and praise words inside the request clause (嬉しい, 助かる) are hypothetical, so they get
 *     weight 0. A request alone stays neutral; a request with a complaint is negative.
 *  7. score = Σ polarity·weight / (Σ weight + 1): the +1 pulls texts with little evidence towards 0. The label is
 *     positive above LABEL_THRESHOLD, negative below −LABEL_THRESHOLD, neutral otherwise.
 */
import TinySegmenter from 'tiny-segmenter';
import { nfkc } from '../normalize/text.ts';
import { INTENSIFIERS, LEXICON, type LexiconEntry } from './lexicon.ts';

export type Sentiment = 'positive' | 'neutral' | 'negative';
export interface SentimentEvidence { term: string; polarity: number; negated: boolean; weight: number }
export interface SentimentResult { label: Sentiment; score: number /* −1..1 */; evidence: SentimentEvidence[] }

/** Weight of a clause that follows a contrast marker, and of the clauses before it. */
export const CONTRAST_AFTER = 1.5;
export const CONTRAST_BEFORE = 0.6;
/** A negated complaint (悪くない, 問題ない) is mild praise; a negated praise (良くない, 満足できない) a real complaint. */
export const NEGATED_NEGATIVE = 0.5;
export const NEGATED_POSITIVE = 0.9;
/** A request names something missing: slightly negative, never enough alone to make a comment negative. */
export const REQUEST_POLARITY = -0.15;
export const LABEL_THRESHOLD = 0.1;
/** An intensifier reaches the next term only if it is this close (characters between them). */
const INTENSIFIER_REACH = 6;
/** How many words after a term are searched for its negation. */
const NEGATION_REACH = 4;

const segmenter = new TinySegmenter();

/** Lexicon and intensifiers indexed by first character, longest term first (longest match wins). */
function indexByFirstChar<T extends { term: string }>(items: readonly T[]): Map<string, T[]> {
  const index = new Map<string, T[]>();
  for (const item of items) {
    const first = String.fromCodePoint(item.term.codePointAt(0) ?? 0);
    const list = index.get(first) ?? [];
    list.push(item);
    index.set(first, list);
  }
  for (const list of index.values()) list.sort((a, b) => b.term.length - a.term.length);
  return index;
}

const JAPANESE_TERMS = indexByFirstChar(LEXICON.filter((e) => e.kind !== 'english'));
const ENGLISH_TERMS: ReadonlyMap<string, LexiconEntry> = new Map(LEXICON.filter((e) => e.kind === 'english').map((e) => [e.term, e]));
const JAPANESE_INTENSIFIERS = indexByFirstChar(
  Object.entries(INTENSIFIERS).filter(([t]) => !/^[a-z ]+$/u.test(t)).map(([term, factor]) => ({ term, factor })),
);
const ENGLISH_INTENSIFIERS: ReadonlyMap<string, number> = new Map(Object.entries(INTENSIFIERS).filter(([t]) => /^[a-z]+$/u.test(t)));
const ENGLISH_NEGATORS = new Set(['not', 'no', 'never', 'hardly', 'barely', 'cannot', 'without', 'nothing', 'neither', 'nor']);

const HIRAGANA_ONLY = /^[\u3041-\u309f\u30fc]+$/u;
/** A negative auxiliary inside a hiragana word (ない, なかった, なく, なし, ません, ねー); ず/ぬ only as a whole word. */
const JA_NEGATION = /ない|なかっ|なく|なし|ませ|ねー|ねぇ|ねえ/u;
const JA_NEGATION_WORD = /^(?:ず|ずに|ぬ|ん)$/u;
/** Content words that may sit between a term and its negation (満足出来ない). */
const NEGATION_BRIDGE = /^(?:出来|出来る|出来ませ|頂け|致し)$/u;

/** Sentence ends; the ASCII full stop only before a space or the end (3.5 and URLs stay whole). */
const SENTENCE_END = /[。!?]+|\.(?=\s|$)/u;
/** Contrast inside a sentence: the clause after it is what the writer means. */
const CONTRAST_INSIDE = /(?:けれども|けれど|けど|ものの|(?:です|でした|ます|ました|だ|だった|った|かった|いた|した)が(?![っるりられ])|(?<=[\u3041-\u309f])が(?=[、,])|しかし|ただし|とはいえ|\bbut\b|\bhowever\b|\balthough\b|\bthough\b)/gu;
/** Contrast opening a sentence: it overrides the previous sentence. */
const CONTRAST_OPENING = /^(?:(?:でも|しかし|ただし|だけど|けど|けれど|けれども|とはいえ|ところが|一方で?)[、,\s]?|ただ[、,]|(?:but|however)\b[,\s]*)/u;
/** Requests and wishes (feature requests, asks for a change). */
const REQUEST = /(?:て|で)(?:ほしい|欲しい|ほし|欲し)|が(?:ほしい|欲しい)|(?:ほしい|欲しい)です|(?:て|で)(?:ください|下さい)|(?:て|で)(?:もらえ|いただけ|頂け)(?:ると|れば|ないでしょうか|ませんか)|(?:て|で)(?:もらいたい|いただきたい|頂きたい)|できれば|出来れば|(?:たら|れば|ば)(?:いい|良い|よい)のに|(?:たら|と|ば)(?:嬉しい|うれしい|助かり|助かる|ありがたい|有難い|幸い)|を?希望します|要望|検討(?:して|をお願い)|would be nice|would like|please (?:add|make|fix|support)|\bwish\b|hope you/u;

interface Clause { text: string; weight: number }

function clausesOf(text: string): Clause[] {
  const normal = nfkc(text.replace(/\r?\n+/gu, '。')).toLowerCase();
  const clauses: Clause[] = [];
  let previousSentenceStart = 0;
  for (const rawSentence of normal.split(SENTENCE_END)) {
    let sentence = rawSentence.trim();
    if (sentence === '') continue;
    const opening = CONTRAST_OPENING.exec(sentence);
    if (opening) {
      // The previous sentence is what this one contradicts.
      for (let i = previousSentenceStart; i < clauses.length; i++) clauses[i]!.weight *= CONTRAST_BEFORE;
      sentence = sentence.slice(opening[0].length);
    }
    const sentenceStart = clauses.length;
    let last = 0;
    let afterContrast = opening !== null;
    for (const m of sentence.matchAll(CONTRAST_INSIDE)) {
      const piece = sentence.slice(last, m.index + m[0].length);
      clauses.push({ text: piece, weight: afterContrast ? CONTRAST_AFTER : 1 });
      for (let i = sentenceStart; i < clauses.length; i++) clauses[i]!.weight *= CONTRAST_BEFORE;
      afterContrast = true;
      last = m.index + m[0].length;
    }
    const rest = sentence.slice(last);
    if (rest.trim() !== '') clauses.push({ text: rest, weight: afterContrast ? CONTRAST_AFTER : 1 });
    previousSentenceStart = sentenceStart;
  }
  return clauses;
}

/** Words of a clause with their start offsets; computed only when a decision needs them. */
class Words {
  private tokens: { start: number; text: string }[] | null = null;
  constructor(private readonly clause: string) {}

  private all(): { start: number; text: string }[] {
    if (this.tokens === null) {
      let at = 0;
      this.tokens = segmenter.segment(this.clause).map((text) => {
        const token = { start: at, text };
        at += text.length;
        return token;
      });
    }
    return this.tokens;
  }

  startsWordAt(offset: number): boolean {
    return offset === 0 || this.all().some((t) => t.start === offset);
  }

  /** The words after `offset`: the rest of the word it falls in, then the following words. */
  after(offset: number, count: number): { start: number; text: string }[] {
    const out: { start: number; text: string }[] = [];
    for (const t of this.all()) {
      const end = t.start + t.text.length;
      if (end <= offset) continue;
      out.push(t.start >= offset ? t : { start: offset, text: t.text.slice(offset - t.start) });
      if (out.length >= count) break;
    }
    return out;
  }
}

/** End offset of the negation following a term, or null. Only hiragana words (and 出来) may stand between. */
function negationAfter(clause: string, end: number, words: Words): number | null {
  // Cheap pre-check: no negative auxiliary anywhere after the term means no need to segment.
  const tail = clause.slice(end, end + 16);
  if (!JA_NEGATION.test(tail) && !/[ずぬん]/u.test(tail)) return null;
  for (const word of words.after(end, NEGATION_REACH)) {
    if (JA_NEGATION_WORD.test(word.text)) return word.start + word.text.length;
    if (HIRAGANA_ONLY.test(word.text)) {
      const m = JA_NEGATION.exec(word.text);
      if (m) return word.start + m.index + m[0].length;
      continue;
    }
    if (!NEGATION_BRIDGE.test(word.text)) return null;
  }
  return null;
}

/** Nouns after which 高い praises (品質が高い, 満足度が高い, コスパが高い) instead of complaining about a price. */
const QUALITY_BEFORE_HIGH = /(?:品質|性能|精度|評価|満足度|完成度|クオリティ|技術|効果|コスパ|コストパフォーマンス|レベル|質|性|力|鮮度|人気|再現度|信頼度|意識)(?:が|は|も|の)?(?:とても|非常に|かなり|すごく|大変)?$/u;

function contextualPolarity(entry: LexiconEntry, clause: string, start: number): number {
  if (entry.contextual === 'high' && !entry.excess && QUALITY_BEFORE_HIGH.test(clause.slice(Math.max(0, start - 16), start))) {
    return -entry.polarity;
  }
  if (entry.excess) return entry.polarity < 0 ? Math.max(-1, entry.polarity * 1.3) : entry.polarity;
  return entry.polarity;
}

function matchAt<T extends { term: string }>(index: Map<string, T[]>, text: string, at: number): T | undefined {
  const first = String.fromCodePoint(text.codePointAt(at) ?? 0);
  return index.get(first)?.find((item) => text.startsWith(item.term, at));
}

function scoreJapanese(clause: Clause, isRequest: boolean, evidence: SentimentEvidence[]): void {
  const text = clause.text;
  const words = new Words(text);
  let intensity = 1;
  let intensityEnd = -1;
  let at = 0;
  while (at < text.length) {
    const intensifier = matchAt(JAPANESE_INTENSIFIERS, text, at);
    if (intensifier) {
      intensity = intensifier.factor;
      at += intensifier.term.length;
      intensityEnd = at;
      continue;
    }
    const entry = matchAt(JAPANESE_TERMS, text, at);
    if (!entry || (HIRAGANA_ONLY.test(entry.term) && entry.term.length <= 3 && !words.startsWordAt(at))) {
      at += (text.codePointAt(at) ?? 0) > 0xffff ? 2 : 1;
      continue;
    }
    const end = at + entry.term.length;
    let polarity = contextualPolarity(entry, text, at);
    const negationEnd = entry.kind === 'word' ? negationAfter(text, end, words) : null;
    const negated = negationEnd !== null;
    if (negated) polarity = polarity < 0 ? -polarity * NEGATED_NEGATIVE : -polarity * NEGATED_POSITIVE;
    const boost = intensityEnd >= 0 && at - intensityEnd <= INTENSIFIER_REACH ? intensity : 1;
    intensity = 1;
    intensityEnd = -1;
    if (polarity !== 0) {
      // Praise inside a request describes the wished-for state, not the current one.
      const weight = isRequest && polarity > 0 ? 0 : clause.weight * boost;
      evidence.push({ term: entry.lemma, polarity: round(polarity), negated, weight: round(weight) });
    }
    at = Math.max(end, negationEnd ?? end);
  }
}

function scoreEnglish(clause: Clause, isRequest: boolean, evidence: SentimentEvidence[]): void {
  const words = clause.text.match(/[a-z]+(?:'[a-z]+)?/gu);
  if (!words) return;
  for (let i = 0; i < words.length; i++) {
    const entry = ENGLISH_TERMS.get(words[i]!);
    if (!entry) continue;
    const before = words.slice(Math.max(0, i - 3), i);
    const negated = before.some((w) => ENGLISH_NEGATORS.has(w) || w.endsWith("n't"));
    const boost = ENGLISH_INTENSIFIERS.get(words[i - 1] ?? '') ?? 1;
    let polarity = entry.polarity;
    if (negated) polarity = polarity < 0 ? -polarity * NEGATED_NEGATIVE : -polarity * NEGATED_POSITIVE;
    const weight = isRequest && polarity > 0 ? 0 : clause.weight * boost;
    evidence.push({ term: entry.lemma, polarity: round(polarity), negated, weight: round(weight) });
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Scores one comment; total and deterministic (any string, including '' and emoji-only text). */
export function scoreSentiment(text: string): SentimentResult {
  const evidence: SentimentEvidence[] = [];
  for (const clause of clausesOf(text ?? '')) {
    const request = REQUEST.exec(clause.text);
    if (request) evidence.push({ term: request[0], polarity: REQUEST_POLARITY, negated: false, weight: round(clause.weight) });
    scoreJapanese(clause, request !== null, evidence);
    if (/[a-z]{2}/u.test(clause.text)) scoreEnglish(clause, request !== null, evidence);
  }
  let sum = 0;
  let weights = 0;
  for (const e of evidence) {
    sum += e.polarity * e.weight;
    weights += e.weight;
  }
  const score = round(sum / (weights + 1));
  const label: Sentiment = score > LABEL_THRESHOLD ? 'positive' : score < -LABEL_THRESHOLD ? 'negative' : 'neutral';
  return { label, score, evidence };
}
