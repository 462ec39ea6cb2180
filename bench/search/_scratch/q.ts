import { buildSearchDocument } from '../../../src/domain/search/document.ts';
import { planSearch } from '../../../src/domain/search/plan.ts';
const d = buildSearchDocument({ familyName: '佐藤', givenName: '花子', familyNameKana: 'サトウ', givenNameKana: 'ハナコ', displayName: '佐藤 花子', companyName: '株式会社山田商事', email: 'Hanako.Sato@Example.co.jp', phone: '+819012345678' });
console.log(JSON.stringify(d.searchText), d.searchGrams.length, d.searchGrams.join(' '), d.sortKey);
for (const q of ['林', '佐藤', 'ｻﾄｳ', '佐藤花子', 'hanako', 'ab', '090-1234', '+81 90 1234', 'a_b%', '佐藤 はな', '  ']) console.log(q, JSON.stringify(planSearch(q)));
let t = performance.now();
for (let i = 0; i < 20000; i++) buildSearchDocument({ familyName: '佐藤', givenName: '花子'+i, familyNameKana: 'サトウ', givenNameKana: 'ハナコ', displayName: '佐藤 花子', companyName: '株式会社山田商事', email: 'Hanako.Sato@Example.co.jp', phone: '+819012345678' });
console.log('us/doc', (performance.now() - t) / 20000 * 1000);
