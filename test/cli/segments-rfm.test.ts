import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import { ENGINES } from '../support/engines.ts';

const ROOT = path.join(import.meta.dirname, '../..');
const CLI = ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];

// The CLI on the embedded engine; the API tests cover segments and RFM on both engines.
test('segment count / export and rfm recompute / export from the command line', { timeout: 180_000, skip: !ENGINES.includes('pglite') }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-cli-seg-'));
  try {
    const env = { ...process.env, DAICHO_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' };
    const cli = (...args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { env, encoding: 'utf8' });
    const write = (name: string, text: string) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    };
    const people = write('people.csv', 'ID,氏名,メール,都道府県\n1,佐藤 花子,hanako@a.co.jp,東京都\n2,山田 太郎,taro@b.co.jp,東京都\n3,鈴木 次郎,jiro@c.co.jp,大阪府\n4,渡辺 五郎,goro@d.co.jp,東京都\n');
    const peopleProfile = write('people.json', JSON.stringify({ source: 'crm', id_column: 'ID', fields: { full_name: '氏名', email: 'メール', prefecture: '都道府県' } }));
    assert.equal(cli('import', people, '--mapping', peopleProfile).status, 0);
    const orders = write('orders.csv', [
      '注文番号,注文日,メール,商品コード,数量,単価',
      'A-1,2026/1/10,hanako@a.co.jp,CF-1,1,3200',
      'A-2,2026/3/10,hanako@a.co.jp,CF-1,2,3200',
      'A-3,2026/3/20,taro@b.co.jp,MG-1,1,1500',
      'A-4,2026/3/25,jiro@c.co.jp,MG-1,1,1500',
    ].join('\n'));
    const ordersProfile = write('orders.json', JSON.stringify({ kind: 'orders', source: 'ec', order_id_column: '注文番号', fields: { ordered_at: '注文日', customer_email: 'メール', sku: '商品コード', quantity: '数量', unit_price: '単価' } }));
    const imported = cli('import', orders, '--mapping', ordersProfile);
    assert.equal(imported.status, 0, imported.stderr);

    const recomputed = cli('rfm', 'recompute', '--as-of', '2026-04-01');
    assert.equal(recomputed.status, 0, recomputed.stderr);
    assert.match(recomputed.stdout, /3 buyers/u);

    const out = path.join(dir, 'rfm.csv');
    const exported = cli('rfm', 'export', '--as-of', '2026-03-31', '--out', out);
    assert.equal(exported.status, 0, exported.stderr);
    const rows = fs.readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(rows[0], 'customer_id,recency_days,frequency,monetary,r,f,m,tier');
    assert.equal(rows.length, 4, 'the three buyers; Goro, who never bought, is not a row');
    const hanako = rows.find((r) => r.split(',')[2] === '2')!.split(',');
    assert.equal(hanako[1], '21'); // 2026-03-10 → 2026-03-31
    assert.equal(Number(hanako[3]), 9600);

    const definition = write('tokyo.json', JSON.stringify({ definition: { type: 'and', conditions: [
      { type: 'attribute', field: 'prefecture', op: 'eq', value: '東京都' }, { type: 'purchases', minCount: 2 }] } }));
    const counted = cli('segment', 'count', definition);
    assert.equal(counted.status, 0, counted.stderr);
    assert.equal(counted.stdout.trim(), '1');

    const csv = path.join(dir, 'tokyo.csv');
    const members = cli('segment', 'export', definition, '--encoding', 'cp932', '--out', csv);
    assert.equal(members.status, 0, members.stderr);
    const text = iconv.decode(fs.readFileSync(csv), 'cp932');
    assert.match(text, /佐藤/u);
    assert.equal(text.trim().split(/\r?\n/u).length, 2);

    const bad = write('bad.json', JSON.stringify({ type: 'purchases', minCount: 'two' }));
    const refused = cli('segment', 'count', bad);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /\$?definition\.minCount|minCount/u);
    assert.equal(cli('segment', 'count').status, 2);
    assert.equal(cli('rfm', 'export', '--as-of', '31/03/2026').status, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
