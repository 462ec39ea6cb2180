/**
 * Throughput of the voice-of-customer domain functions on ~100-character Japanese comments (issue 24).
 * Comments are built from the labelled set (test/fixtures/voice/sentiment-ja.tsv): random sentences joined until
 * about 100 characters, each made unique by a number so no cache helps. Prints comments/s for scoreSentiment (the
 * target is ≥ 5,000/s), textBands and applyTagRules, the three things an intake computes per item.
 *
 *   npx tsx bench/voice/sentiment.ts [comments=20000]
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { scoreSentiment } from '../../src/domain/voice/sentiment.ts';
import { textBands } from '../../src/domain/voice/grouping.ts';
import { applyTagRules, DEFAULT_TOPIC_RULES } from '../../src/domain/voice/tags.ts';

const count = Number(process.argv[2] ?? 20_000);
const fixture = fileURLToPath(new URL('../../test/fixtures/voice/sentiment-ja.tsv', import.meta.url));
const sentences = readFileSync(fixture, 'utf8').split('\n').filter((l) => l.includes('\t')).map((l) => l.split('\t')[1]!);

let seed = 1;
const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const comments = Array.from({ length: count }, (_, i) => {
  let text = `${i}件目。`;
  while (text.length < 90) text += sentences[Math.floor(random() * sentences.length)]!;
  return text.slice(0, 110);
});
const meanLength = comments.reduce((n, c) => n + c.length, 0) / comments.length;

/**
 * Comments per second by wall clock and by this process's CPU time. The machines here are shared: when the load is
 * high the wall-clock rate says more about the neighbours than about the code, the CPU-time rate much less so.
 */
function rate(name: string, fn: (text: string) => unknown): void {
  let bestWall = 0;
  let bestCpu = 0;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for (const c of comments) fn(c);
    const cpu = process.cpuUsage(cpuStarted);
    bestWall = Math.max(bestWall, count / ((performance.now() - started) / 1000));
    bestCpu = Math.max(bestCpu, count / ((cpu.user + cpu.system) / 1e6));
  }
  const fmt = (x: number): string => Math.round(x).toLocaleString('en').padStart(8);
  console.log(`${name.padEnd(16)} ${fmt(bestWall)} comments/s wall clock, ${fmt(bestCpu)} comments/s CPU time (best of 3 rounds)`);
}

console.log(`${count.toLocaleString('en')} comments, mean ${meanLength.toFixed(0)} characters; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`);
rate('scoreSentiment', scoreSentiment);
rate('textBands', textBands);
rate('applyTagRules', (text) => applyTagRules({ text }, DEFAULT_TOPIC_RULES));
