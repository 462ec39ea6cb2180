/**
 * BUILD-TIME generator for the 〒 → 都道府県・市区町村・町域 table behind address autofill on forms. Re-run when
 * Japan Post's data changes:
 *
 *   node --import tsx src/intake/forms/build/generate-postal-areas.ts [areas.csv]
 *
 * Input: jpostcode-data areas.csv (postcode,prefecture_code,prefecture,prefecture_kana,city,city_kana,town,town_kana;
 * MIT, Copyright 2023 SmartHR, Inc., data from Japan Post KEN_ALL via zipcloud), default
 * /work/shared/data/ja/jpostcode/areas.csv. Output: ../data/postal-areas.tsv.gz, deterministic (sorted by code):
 *   `#<prefecture code>\t<city>` starts a city; `<7 digits>\t<town>[|<town>…]` follows (empty town: the whole city).
 * The licence of the data is kept in ../data/POSTAL-LICENSE.txt.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const input = process.argv[2] ?? '/work/shared/data/ja/jpostcode/areas.csv';
const lines = readFileSync(input, 'utf8').split(/\r?\n/u).slice(1).filter((l) => l.trim() !== '');
const byCode = new Map<string, { pref: string; city: string; towns: Set<string> }>();
for (const line of lines) {
  const [code = '', pref = '', , , city = '', , town = ''] = line.split(',').map((c) => c.trim().replace(/^"|"$/gu, ''));
  if (!/^\d{7}$/u.test(code)) continue;
  const entry = byCode.get(code) ?? { pref, city, towns: new Set<string>() };
  entry.towns.add(town);
  byCode.set(code, entry);
}
const out: string[] = [];
let current = '';
for (const code of [...byCode.keys()].sort()) {
  const e = byCode.get(code)!;
  const head = `#${e.pref}\t${e.city}`;
  if (head !== current) { out.push(head); current = head; }
  const towns = [...e.towns].sort();
  // Several towns under one code: an empty one means "the rest of the city" and says nothing useful.
  out.push(`${code}\t${(towns.length > 1 ? towns.filter(Boolean) : towns).join('|')}`);
}
const target = join(here, '..', 'data', 'postal-areas.tsv.gz');
writeFileSync(target, gzipSync(`${out.join('\n')}\n`, { level: 9 }));
console.log(`${byCode.size} postal codes → ${target}`);
