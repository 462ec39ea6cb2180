/** Query sets for the search benchmark, drawn from the generated customers (so they hit realistic posting lists). */
import { phoneSearchDigits } from '../../src/domain/search/document.ts';
import { rng, type BenchCompany, type BenchCustomer } from './data.ts';

export interface QueryKind { kind: string; queries: string[]; expectHits: boolean }

const HALF: Record<string, string> = (() => {
  const full = 'ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン';
  const half = 'ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ';
  const m: Record<string, string> = {};
  Array.from(full).forEach((ch, i) => { m[ch] = Array.from(half)[i]!; });
  const voiced = 'ガギグゲゴザジズゼゾダヂヅデドバビブベボ';
  const base = 'ｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎ';
  Array.from(voiced).forEach((ch, i) => { m[ch] = Array.from(base)[i]! + 'ﾞ'; });
  Array.from('パピプペポ').forEach((ch, i) => { m[ch] = Array.from('ﾊﾋﾌﾍﾎ')[i]! + 'ﾟ'; });
  m['ヴ'] = 'ｳﾞ';
  return m;
})();

const toHalfWidth = (kata: string) => Array.from(kata).map((c) => HALF[c] ?? c).join('');
const toHiragana = (kata: string) => kata.replace(/[\u30A1-\u30F6]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
const toFullWidthDigits = (s: string) => s.replace(/[0-9]/gu, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

export function buildQueries(customers: BenchCustomer[], companies: BenchCompany[], perKind: number, seed = 7): { kinds: QueryKind[]; emails: string[] } {
  const random = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  const someone = () => pick(customers);
  const substring = (s: string, min: number, max: number): string => {
    const cps = Array.from(s);
    const len = Math.min(cps.length, min + Math.floor(random() * (max - min + 1)));
    const start = Math.floor(random() * (cps.length - len + 1));
    return cps.slice(start, start + len).join('');
  };
  const times = (f: () => string | null): string[] => {
    const out: string[] = [];
    while (out.length < perKind) {
      const q = f();
      if (q) out.push(q);
    }
    return out;
  };
  const kanaStyle = (kata: string, i: number) => (i % 3 === 0 ? toHiragana(kata) : i % 3 === 1 ? kata : toHalfWidth(kata));
  let k = 0;
  const kana = (min: number, max: number) => () => {
    const c = someone();
    const full = c.familyNameKana + c.givenNameKana;
    if (Array.from(full).length < min) return null;
    return kanaStyle(substring(full, min, max), k++);
  };
  const withEmail = customers.filter((c) => c.email);
  const withPhone = customers.filter((c) => c.phone);
  const withCompany = customers.filter((c) => c.companyIndex !== null);
  const RARE_KANJI = '鬱麤龘靐齉爨驫鱻羴犇骉毳'.split('');
  const kinds: QueryKind[] = [
    { kind: 'kanji 1', expectHits: true, queries: times(() => substring(someone().familyName + someone().givenName, 1, 1)) },
    { kind: 'kanji 2', expectHits: true, queries: times(() => { const c = someone(); const s = random() < 0.6 ? c.familyName : c.givenName; return Array.from(s).length >= 2 ? substring(s, 2, 2) : null; }) },
    { kind: 'kanji 3+', expectHits: true, queries: times(() => { const c = someone(); const full = c.familyName + c.givenName; return Array.from(full).length >= 3 ? substring(full, 3, 4) : null; }) },
    { kind: 'kana 1', expectHits: true, queries: times(kana(1, 1)) },
    { kind: 'kana 2', expectHits: true, queries: times(kana(2, 2)) },
    { kind: 'kana 3+', expectHits: true, queries: times(kana(3, 6)) },
    { kind: 'latin', expectHits: true, queries: times(() => { const r = someone().familyRomaji; return r.length >= 3 ? substring(r, 3, 8) : null; }) },
    { kind: 'e-mail fragment', expectHits: true, queries: times(() => substring(pick(withEmail).email!, 5, 12)) },
    { kind: 'phone fragment', expectHits: true, queries: times(() => {
      const digits = substring(phoneSearchDigits(pick(withPhone).phone), 4, 8);
      const style = Math.floor(random() * 3);
      if (style === 0) return digits;
      if (style === 1) return digits.length > 4 ? `${digits.slice(0, digits.length - 4)}-${digits.slice(-4)}` : digits;
      return toFullWidthDigits(digits);
    }) },
    // A piece of the company of a random customer; not a bare 1–2 digit piece of a "…22号" name, which by
    // design only matches whole values and prefixes.
    { kind: 'company', expectHits: true, queries: times(() => {
      const q = substring(companies[pick(withCompany).companyIndex!]!.name.replace(/株式会社|有限会社/u, ''), 2, 5);
      return /^[0-9]{1,2}$/u.test(q) ? null : q;
    }) },
    { kind: 'two terms', expectHits: true, queries: times(() => { const c = someone(); return random() < 0.5 ? `${c.familyName} ${c.givenName}` : `${toHiragana(c.familyNameKana)} ${c.givenName}`; }) },
    { kind: 'no match', expectHits: false, queries: times(() => {
      const r = Math.floor(random() * 3);
      if (r === 0) return pick(RARE_KANJI) + pick(RARE_KANJI);
      if (r === 1) return 'ゑ' + pick(['ゐ', 'ゎ', 'ゕ']) + pick(['ぢ', 'ゔ']);
      return `qz${Math.floor(random() * 1e6)}x`;
    }) },
  ];
  const emails = times(() => pick(withEmail).email);
  return { kinds, emails };
}
