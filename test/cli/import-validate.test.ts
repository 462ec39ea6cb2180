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

// The CLI on the embedded engine (its data folder is the test's own); the API tests cover validation on both engines.
test('daicho import --validate prints what the import would do and writes nothing; the import then does it; a reserved source is refused', { timeout: 120_000, skip: !ENGINES.includes('pglite') }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-cli-validate-'));
  try {
    const file = path.join(dir, 'meishi.csv');
    const profile = path.join(dir, 'profile.json');
    fs.writeFileSync(file, iconv.encode([
      '名刺ID,氏名,メールアドレス,生年月日',
      'M1,髙橋 一郎,ichiro@daicho-shoji.co.jp,昭和60年4月3日',
      'M2,佐藤 花子,hanako@@daicho-shoji.co.jp,1990/2/30',
      'M3,壊れた行',
      'M1,髙橋 一郎,ichiro.takahashi@daicho-shoji.co.jp,S60.4.3',
    ].join('\r\n') + '\r\n', 'cp932'));
    fs.writeFileSync(profile, JSON.stringify({ source: 'meishi', id_column: '名刺ID', fields: { full_name: '氏名', email: 'メールアドレス', birth_date: '生年月日' } }));
    const env = { ...process.env, DAICHO_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' };
    const cli = (...args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { env, encoding: 'utf8' });

    const validated = cli('import', file, '--mapping', profile, '--validate');
    assert.equal(validated.status, 0, validated.stderr);
    assert.match(validated.stdout, /nothing was written/);
    assert.match(validated.stdout, /rows read 4, rejected 1; values flagged 2 \((email 1, birth_date 1|birth_date 1, email 1)\)/);
    assert.match(validated.stdout, /records new 2, updated 0, unchanged 0; repeated ids 1, blank ids 0/);
    assert.match(validated.stdout, /line 4: rejected: /);
    assert.match(validated.stdout, /line 3: flagged email: .*"hanako@@daicho-shoji.co.jp"/);

    // Nothing was written: the import that follows finds every record new.
    const imported = cli('import', file, '--mapping', profile);
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /rows read 4, new 2, updated 0, unchanged 0, rejected 1/);
    // Validated again, the same file is all unchanged.
    const again = cli('import', file, '--mapping', profile, '--validate');
    assert.match(again.stdout, /records new 0, updated 0, unchanged 2/);

    // The CLI acts as the operator at the terminal (it registered meishi above), but a source only Daicho writes is
    // no file's target, validated or imported.
    const reserved = path.join(dir, 'reserved.json');
    fs.writeFileSync(reserved, JSON.stringify({ source: 'manual', id_column: '名刺ID', fields: { full_name: '氏名' } }));
    for (const args of [['--validate'], []]) {
      const refused = cli('import', file, '--mapping', reserved, ...args);
      assert.equal(refused.status, 1, refused.stdout);
      assert.match(refused.stderr, /profile\.source: .*reserved/);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
