import type { PostalArea } from './forms.schemas.ts';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { normalizePostalCode } from '../../domain/normalize/postal.ts';
import { prefectureByCode, prefectureFromPostal } from '../../domain/normalize/index.ts';

/**
 * 〒 → 都道府県・市区町村・町域 for address autofill on forms, from Japan Post's data (build/generate-postal-areas.ts).
 * Loaded on first use into sorted parallel arrays (about 120,000 codes; a few MB, looked up by binary search).
 */
const DATA_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data', 'postal-areas.tsv.gz');

export type { PostalArea } from './forms.schemas.ts';

interface Table { codes: Int32Array; city: Uint16Array; towns: string[]; cities: Array<{ prefecture: string; city: string }> }
let table: Table | null = null;

function load(): Table {
  if (table) return table;
  const text = gunzipSync(fs.readFileSync(DATA_FILE)).toString('utf8');
  const lines = text.split('\n');
  const codes: number[] = [];
  const cityOf: number[] = [];
  const towns: string[] = [];
  const cities: Array<{ prefecture: string; city: string }> = [];
  for (const line of lines) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    if (line.startsWith('#')) {
      cities.push({ prefecture: prefectureByCode(Number(line.slice(1, tab))) ?? '', city: line.slice(tab + 1) });
      continue;
    }
    codes.push(Number(line.slice(0, tab)));
    cityOf.push(cities.length - 1);
    towns.push(line.slice(tab + 1));
  }
  table = { codes: Int32Array.from(codes), city: Uint16Array.from(cityOf), towns, cities };
  return table;
}

/**
 * The area of a postal code, or null when Japan Post's table does not list it (a business's own code, a typo).
 * Accepts any spelling normalizePostalCode accepts (〒100-0001, １０００００１).
 *
 * @example lookupPostalArea('100-0001') // => { postalCode: '1000001', prefecture: '東京都', city: '千代田区', town: '千代田', towns: ['千代田'] }
 */
export function lookupPostalArea(raw: string): PostalArea | null {
  const { value } = normalizePostalCode(raw);
  if (value === null) return null;
  const t = load();
  const wanted = Number(value);
  let lo = 0;
  let hi = t.codes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const code = t.codes[mid]!;
    if (code === wanted) {
      const city = t.cities[t.city[mid]!]!;
      const towns = t.towns[mid]!.split('|');
      return { postalCode: value, prefecture: city.prefecture, city: city.city, town: towns[0] ?? '', towns };
    }
    if (code < wanted) lo = mid + 1;
    else hi = mid - 1;
  }
  // Not in the area table (e.g. a large office's own code): the prefecture is still known from the code.
  const prefecture = prefectureFromPostal(value);
  return prefecture ? { postalCode: value, prefecture, city: '', town: '', towns: [] } : null;
}
