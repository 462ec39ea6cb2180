// Node flags every Daicho process starts with (the `daicho` command, `npm start`, `npm run daicho`, the benchmarks).
//
// A bounded JavaScript heap: V8 otherwise lets a busy process grow its heap towards a quarter of the machine's memory
// before it collects, so a 100k-row import peaked at 955 MiB RSS with ~200 MiB live; with 768 MiB it peaks at ~470 MiB
// and takes the same time. DAICHO_MAX_HEAP_MB changes the bound; a --max-old-space-size in NODE_OPTIONS wins.
//
// A young generation of 32 MiB semi-spaces instead of V8's 16: an import allocates short-lived rows, documents and
// comparisons by the million, and with the larger nursery fewer of them are copied out before they die. Once the main
// thread resolved chunks while the workers prepared rows, its garbage collection (15.5 s of a 100k-row import's
// 77 s of JavaScript) was on the critical path: 100k rows on PostgreSQL, runs alternated, 156.9/151.9 s →
// 154.9/137.5 s (noisy: ~5%), peak RSS ~615 → ~660 MiB (64 MiB semi-spaces: 835 MiB). A --max-semi-space-size in
// NODE_OPTIONS wins.
export function nodeFlags(env = process.env) {
  const options = env.NODE_OPTIONS ?? '';
  const flags = [];
  if (!/--max-old-space-size/u.test(options)) {
    const mb = Number(env.DAICHO_MAX_HEAP_MB ?? 768);
    if (Number.isInteger(mb) && mb >= 128) flags.push(`--max-old-space-size=${mb}`);
  }
  if (!/--max-semi-space-size/u.test(options)) flags.push('--max-semi-space-size=32');
  return flags;
}
