/**
 * The words that decided an item's sentiment, marked in its text (pure, tested in test/web/voice-evidence.test.ts):
 * the text cut into runs, each either plain or one of the evidence words, so the detail page can show why the scorer
 * said 否定的 without any HTML being built from the customer's text.
 */

export interface TextRun {
  text: string;
  /** The evidence word this run is (as given), or null for plain text. */
  hit: string | null;
}

/**
 * Every occurrence of every word, longest first where two overlap (「対応が遅い」 before 「遅い」), left to right.
 * Blank words are ignored; the runs joined give back the text unchanged.
 */
export function markEvidence(text: string, words: readonly string[]): TextRun[] {
  const wanted = [...new Set(words.map((w) => w.trim()).filter(Boolean))].sort((a, b) => b.length - a.length);
  const runs: TextRun[] = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const word = wanted.find((w) => text.startsWith(w, i));
    if (word) {
      if (plain) runs.push({ text: plain, hit: null });
      plain = '';
      runs.push({ text: word, hit: word });
      i += word.length;
    } else {
      plain += text[i];
      i += 1;
    }
  }
  if (plain) runs.push({ text: plain, hit: null });
  return runs;
}

/** One word the sentiment scorer counted (src/domain/voice/sentiment.ts): its dictionary form and what it weighed. */
export interface EvidenceWord {
  term: string;
  /** −1..1 after negation: below 0 counted against, above 0 for. */
  polarity: number;
  negated: boolean;
  weight: number;
}

/** The item's stored evidence (JSON from the API) as words; entries of another shape are skipped, never shown raw. */
export function evidenceWords(evidence: readonly unknown[]): EvidenceWord[] {
  const out: EvidenceWord[] = [];
  for (const e of evidence) {
    if (!e || typeof e !== 'object') continue;
    const r = e as Record<string, unknown>;
    if (typeof r.term !== 'string' || !r.term.trim()) continue;
    out.push({
      term: r.term,
      polarity: typeof r.polarity === 'number' && Number.isFinite(r.polarity) ? r.polarity : 0,
      negated: r.negated === true,
      weight: typeof r.weight === 'number' && Number.isFinite(r.weight) ? r.weight : 1,
    });
  }
  return out;
}

/**
 * The spellings to look for in the text: the term as stored is a dictionary form (遅い) while the text may hold an
 * inflected one (遅かった), so a Japanese adjective or verb is also looked for by its stem (遅, at least one kanji).
 */
export function spellingsOf(term: string): string[] {
  const out = [term];
  if (/[\u4e00-\u9fff][\u3040-\u309f]$/u.test(term) && /[いうくぐすつぬぶむる]$/u.test(term)) out.push(term.replace(/[\u3040-\u309f]+$/u, ''));
  return out;
}

/** The text with each evidence word's spellings marked; a run's `hit` is the evidence term it stands for. */
export function markEvidenceWords(text: string, words: readonly EvidenceWord[]): TextRun[] {
  const termOf = new Map<string, string>();
  for (const w of words) for (const s of spellingsOf(w.term)) if (!termOf.has(s)) termOf.set(s, w.term);
  return markEvidence(text, [...termOf.keys()]).map((r) => (r.hit === null ? r : { text: r.text, hit: termOf.get(r.hit) ?? r.hit }));
}
