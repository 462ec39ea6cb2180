// Node flags every Daicho process starts with (the `daicho` command, `npm start`, `npm run daicho`, the benchmarks).
//
// A bounded JavaScript heap: V8 otherwise lets a busy process grow its heap towards a quarter of the machine's memory
// before it collects, so a 100k-row import peaked at 955 MiB RSS with ~200 MiB live; with 768 MiB it peaks at ~470 MiB
// and takes the same time. DAICHO_MAX_HEAP_MB changes the bound; a --max-old-space-size in NODE_OPTIONS wins.
//
// The young generation stays V8's (16 MiB semi-spaces). 32 MiB cut the main thread's garbage collection, ~5% of a
// 100k-row import on PostgreSQL (noisy), but cost RSS: on PGlite, whose database lives in the same process, a
// 100k-row import peaked at 1,069 MiB with it and 952 MiB without, against a bound of 1 GiB.
export function nodeFlags(env = process.env) {
  if (/--max-old-space-size/u.test(env.NODE_OPTIONS ?? '')) return [];
  const mb = Number(env.DAICHO_MAX_HEAP_MB ?? 768);
  return Number.isInteger(mb) && mb >= 128 ? [`--max-old-space-size=${mb}`] : [];
}
