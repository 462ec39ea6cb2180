import { GIVEN_READINGS_TSV } from './given-readings.generated.ts';
import { foldRomaji } from './name.ts';

/** Kanji spelling of a given name → the folded romaji of its known readings; built on first use (~70k spellings). */
let bySpelling: Map<string, string[]> | null = null;

/**
 * The readings a given name written in kanji is known to have (folded romaji, as MatchRecord romaji), or undefined
 * when the spelling is not in the list (jpnames: ~69k spellings of ~8.5k readings). 健二 → kenji, takeshi; never
 * kenta: an e-mail that spells "kenta" does not make 健二 a homophone of 健太.
 */
export function givenNameReadings(spelling: string): readonly string[] | undefined {
  if (bySpelling === null) {
    bySpelling = new Map();
    for (const line of GIVEN_READINGS_TSV.split('\n')) {
      const tab = line.indexOf('\t');
      const romaji = foldRomaji(line.slice(0, tab));
      for (const k of line.slice(tab + 1).split('|')) {
        const list = bySpelling.get(k);
        if (list === undefined) bySpelling.set(k, [romaji]);
        else if (!list.includes(romaji)) list.push(romaji);
      }
    }
  }
  return bySpelling.get(spelling);
}
