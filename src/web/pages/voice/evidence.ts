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
