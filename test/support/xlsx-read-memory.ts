// Child process for test/intake/files/readers/xlsx-limits.test.ts: reads an .xlsx to its end (or its refusal) and
// reports on stdout, as JSON, how it ended and what the process's memory did meanwhile. A process of its own, so the
// peak RSS is the reading's alone.
import { openTable } from '../../src/intake/files/readers/index.ts';

const file = process.argv[2]!;
const MiB = 2 ** 20;
const before = process.memoryUsage().rss;
let peak = before;
const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
let error: string | null = null;
let rows = 0;
try {
  const table = await openTable(file);
  for await (const _ of table.rows) rows++;
} catch (e) {
  error = e instanceof Error ? e.message : String(e);
}
clearInterval(sampler);
const after = process.memoryUsage().rss;
// maxRSS (KiB) catches a peak between two samples.
peak = Math.max(peak, after, process.resourceUsage().maxRSS * 1024);
process.stdout.write(`${JSON.stringify({ error, rows, beforeMiB: before / MiB, peakMiB: peak / MiB, afterMiB: after / MiB })}\n`);
