import { foldForSearch } from '../../../src/domain/normalize/text.ts';
import { addSubstringGrams } from '../../../src/domain/search/grams.ts';
const vals = ['佐藤', '花子', 'サトウ', 'ハナコ', '佐藤 花子', '株式会社山田商事', 'Hanako.Sato@Example.co.jp', '+819012345678'];
let t = performance.now();
for (let i = 0; i < 20000; i++) for (const v of vals) foldForSearch(v + (i % 10));
console.log('fold us/doc', (performance.now() - t) / 20000 * 1000);
t = performance.now();
for (let i = 0; i < 20000; i++) { const s = new Set<string>(); for (const v of vals) addSubstringGrams(v, s); [...s].sort(); }
console.log('grams us/doc', (performance.now() - t) / 20000 * 1000);
