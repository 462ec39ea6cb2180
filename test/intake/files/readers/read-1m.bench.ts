/**
 * Memory/speed check for the streaming reader (not part of `npm test`):
 *   node --import tsx test/intake/files/readers/read-1m.bench.ts [rows=1000000]
 * Generates a CP932 CSV (Japanese names, addresses, CP932-only characters, quoted fields with line breaks, a few
 * malformed lines) in a temp dir, reads every row with openTable in a fresh child process (so that its RSS is the
 * reader's alone), prints rows/s and peak RSS, and deletes the file.
 * Exits non-zero if the counts are wrong or peak RSS exceeds 200 MB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { openTable } from '../../../../src/intake/files/readers/index.ts';

const ROWS = process.argv[2] === '--read' ? 0 : Number(process.argv[2] ?? 1_000_000);
const BAD_EVERY = 100_000; // one malformed line per 100k rows
const MULTILINE_EVERY = 1000;

const FAMILY = ['佐藤', '鈴木', '髙橋', '田中', '山﨑', '渡邊', '伊藤', '齋藤'];
const GIVEN = ['太郎', '花子', '翔', '美奈帆', '慶一郎', '結衣'];
const CITY = ['東京都千代田区丸の内', '大阪府大阪市北区梅田', '愛知県名古屋市中区栄', '北海道札幌市中央区北一条西'];

async function generate(file: string): Promise<{ good: number; bad: number }> {
  const out = fs.createWriteStream(file);
  const write = async (s: string) => {
    if (!out.write(iconv.encode(s, 'cp932'))) await once(out, 'drain');
  };
  await write('顧客コード,氏名,フリガナ,郵便番号,住所,電話番号,メールアドレス,会社名,備考\r\n');
  let good = 0;
  let bad = 0;
  let batch = '';
  for (let i = 1; i <= ROWS; i++) {
    if (i % BAD_EVERY === 0) {
      batch += `${i},"壊れた"行,ｶﾀｶﾅ\r\n`; // bad quote → reported
      bad++;
      continue;
    }
    const f = FAMILY[i % FAMILY.length]!;
    const g = GIVEN[i % GIVEN.length]!;
    const note = i % MULTILINE_EVERY === 0 ? `"1行目\r\n2行目 ①〜⑩, ""引用"""` : i % 7 === 0 ? '㈱テスト〜' : '';
    batch +=
      `${String(i).padStart(13, '0')},${f}　${g},ﾔﾏﾀﾞ ﾀﾛｳ,${String(1000000 + (i % 8999999)).replace(/^(\d{3})/u, '$1-')},` +
      `${CITY[i % CITY.length]}${(i % 9) + 1}-${(i % 20) + 1}-${(i % 30) + 1},090-${String(i % 10000).padStart(4, '0')}-${String(i % 9999).padStart(4, '0')},` +
      `user${i}@example.co.jp,株式会社サンプル${i % 500},${note}\r\n`;
    good++;
    if (batch.length > 1 << 16) {
      await write(batch);
      batch = '';
    }
  }
  await write(batch);
  out.end();
  await once(out, 'finish');
  return { good, bad };
}

async function read(file: string) {
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const table = await openTable(file);
  let good = 0;
  let bad = 0;
  let lastLine = 0;
  let multiline = 0;
  for await (const row of table.rows) {
    if ('error' in row) bad++;
    else {
      good++;
      if (row.values['備考']!.includes('\r\n')) multiline++;
    }
    lastLine = row.line;
    if ((good & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const size = fs.statSync(file).size;
  process.stdout.write(
    JSON.stringify({
      encoding: table.encoding,
      delimiter: table.delimiter,
      rows: good,
      badRows: bad,
      multilineRows: multiline,
      lastLine,
      seconds: Number(seconds.toFixed(2)),
      rowsPerSecond: Math.round((good + bad) / seconds),
      // CPU time is the steadier figure on a shared machine (wall time includes waiting for other processes).
      cpuSeconds: Number(cpuSeconds.toFixed(2)),
      rowsPerCpuSecond: Math.round((good + bad) / cpuSeconds),
      mbPerSecond: Number((size / 1e6 / seconds).toFixed(1)),
      rssAtStartMB: Math.round(rssBefore / 1e6),
      peakRssMB: Math.round(peak / 1e6),
    }),
  );
}

async function main() {
  // DAICHO_BENCH_DIR keeps the generated file for repeated runs (profiling); by default a temp dir is removed.
  const keep = process.env.DAICHO_BENCH_DIR;
  const dir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'daicho-read-1m-'));
  const file = path.join(dir, `big-${ROWS}.csv`);
  try {
    const t0 = Date.now();
    const expected = keep && fs.existsSync(file) ? { good: ROWS - Math.floor(ROWS / BAD_EVERY), bad: Math.floor(ROWS / BAD_EVERY) } : await generate(file);
    const size = fs.statSync(file).size;
    console.log(`generated ${ROWS.toLocaleString()} rows (${expected.bad} malformed), ${(size / 1e6).toFixed(1)} MB CP932 in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--read', file], { encoding: 'utf8' });
    console.log(out);
    const result = JSON.parse(out) as { rows: number; badRows: number; encoding: string; peakRssMB: number };
    const ok = result.rows === expected.good && result.badRows === expected.bad && result.encoding === 'cp932' && result.peakRssMB < 200;
    if (!ok) {
      console.error(`FAILED: expected ${expected.good} rows / ${expected.bad} bad rows, cp932 and peak RSS < 200 MB`);
      process.exitCode = 1;
    }
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--read') await read(process.argv[3]!);
else await main();
