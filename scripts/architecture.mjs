#!/usr/bin/env node
// The shape of the code, measured: the import graph of src/ (cycles, imports from a lower area up into a higher one)
// and where SQL is written. test/architecture.test.ts fails on what this finds; run it alone for the figures:
//   node scripts/architecture.mjs            (summary: cycles, largest files, SQL outside repositories)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');

/** Every .ts/.tsx file under src/, relative to the repository root. */
export function sourceFiles(dir = SRC) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx)$/u.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path.relative(ROOT, full));
  }
  return out.sort();
}

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gu;

/** The files a file imports (relative specifiers only), each with whether the import is type-only. */
export function importsOf(file) {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const out = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[3];
    if (!spec.startsWith('.')) continue;
    const target = path.normalize(path.join(path.dirname(file), spec));
    const statement = m[0];
    // `import type {…}` or an import whose every name is `type X`.
    const braces = /\{([^}]*)\}/u.exec(statement);
    const typeOnly = Boolean(m[2]) || (braces !== null && !/^\s*import\s+\w/u.test(statement.trim().replace(/^import\s+\{/u, '{'))
      && braces[1].split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type ')));
    out.push({ target, typeOnly });
  }
  return out;
}

/** The import graph: file → files it imports (runtime imports only, or every import). */
export function importGraph({ includeTypes = true } = {}) {
  const files = new Set(sourceFiles());
  const graph = new Map();
  for (const file of files) {
    graph.set(file, [...new Set(importsOf(file).filter((i) => includeTypes || !i.typeOnly).map((i) => i.target).filter((t) => files.has(t)))]);
  }
  return graph;
}

/** Strongly connected components of more than one file (or a file importing itself): every import cycle is inside one. */
export function cyclicComponents(graph) {
  let index = 0;
  const stack = [];
  const on = new Set();
  const idx = new Map();
  const low = new Map();
  const out = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const component = [];
      let w;
      do { w = stack.pop(); on.delete(w); component.push(w); } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** Elementary cycles (Johnson's algorithm), up to `limit`: what "N import cycles" counts. */
export function elementaryCycles(graph, limit = 10_000) {
  const nodes = [...graph.keys()].sort();
  const order = new Map(nodes.map((n, i) => [n, i]));
  const cycles = [];
  for (const start of nodes) {
    const s = order.get(start);
    const blocked = new Set();
    const blockMap = new Map();
    const stack = [];
    const unblock = (u) => {
      blocked.delete(u);
      for (const w of blockMap.get(u) ?? []) if (blocked.has(w)) unblock(w);
      blockMap.set(u, new Set());
    };
    const circuit = (v) => {
      if (cycles.length >= limit) return false;
      let found = false;
      stack.push(v);
      blocked.add(v);
      for (const w of graph.get(v) ?? []) {
        if (order.get(w) < s) continue;
        if (w === start) { cycles.push([...stack]); found = true; }
        else if (!blocked.has(w) && circuit(w)) found = true;
      }
      if (found) unblock(v);
      else for (const w of graph.get(v) ?? []) if (order.get(w) >= s) { if (!blockMap.has(w)) blockMap.set(w, new Set()); blockMap.get(w).add(v); }
      stack.pop();
      return found;
    };
    circuit(start);
  }
  return cycles;
}

const SQL = /\b(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\s*\(|\bsql\s*`|\bsql(?:<[^>]*>)?\s*`/u;

/** Files outside the database layer and the repositories that write SQL (Kysely builders or sql`…`). */
export function sqlOutsideRepositories() {
  return sourceFiles().filter((file) => {
    if (file.endsWith('.repository.ts') || file.startsWith('src/db/')) return false;
    return SQL.test(fs.readFileSync(path.join(ROOT, file), 'utf8'));
  });
}

/**
 * The areas of src/ from the bottom up: a file may import its own area and the ones below it, never one above.
 * intake → resolution → ledger is the data's path; intake and use both stand on the ledger and never on each other.
 */
export const AREA_RANK = {
  domain: 0, db: 0, config: 0, core: 1, platform: 2, ledger: 3, resolution: 4, intake: 5, use: 5, app: 6, cli: 7,
};

export function areaOf(file) {
  const parts = file.split('/');
  return parts[0] === 'src' ? parts[1] : null;
}

/** A feature: an area's sub-folder (src/ledger/customers); files directly in an area are their own feature. */
export function featureOf(file) {
  const parts = file.split('/');
  if (parts[0] !== 'src' || !['platform', 'ledger', 'resolution', 'intake', 'use'].includes(parts[1])) return null;
  return parts.length > 3 ? `${parts[1]}/${parts[2]}` : parts.slice(0, 3).join('/');
}

/** Imports that run from a lower area up into a higher one (or sideways between intake and use). */
export function upwardImports(graph = importGraph()) {
  const out = [];
  for (const [file, targets] of graph) {
    const from = areaOf(file);
    if (from === null || from === 'web' || !(from in AREA_RANK)) continue;
    for (const target of targets) {
      const to = areaOf(target);
      if (to === from || !(to in AREA_RANK)) continue;
      const sideways = (from === 'intake' && to === 'use') || (from === 'use' && to === 'intake');
      if (AREA_RANK[to] > AREA_RANK[from] || sideways) out.push(`${file} → ${target}`);
    }
  }
  return out;
}

/** Pairs of features that import each other (directly): a two-way tie means one of them is in the wrong room. */
export function featureTies(graph = importGraph()) {
  const edges = new Set();
  for (const [file, targets] of graph) {
    const a = featureOf(file);
    if (!a) continue;
    for (const target of targets) {
      const b = featureOf(target);
      if (b && b !== a) edges.add(`${a} ${b}`);
    }
  }
  return [...edges].filter((e) => { const [a, b] = e.split(' '); return a < b && edges.has(`${b} ${a}`); }).map((e) => e.replace(' ', ' ↔ '));
}

const WRITE = /\b(insertInto|updateTable|deleteFrom)\(\s*'([a-z_]+)(?:\s+as\s+\w+)?'/gu;

/** Tables written from more than one repository (one owner per table). */
export function tablesWithSeveralWriters() {
  const writers = new Map();
  for (const file of sourceFiles().filter((f) => f.endsWith('.repository.ts'))) {
    for (const m of fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(WRITE)) {
      if (!writers.has(m[2])) writers.set(m[2], new Set());
      writers.get(m[2]).add(file);
    }
  }
  return [...writers].filter(([, files]) => files.size > 1).map(([table, files]) => `${table}: ${[...files].sort().join(', ')}`).sort();
}

export function largestFiles(n = 10) {
  return sourceFiles()
    .filter((f) => !f.includes('.generated.'))
    .map((f) => ({ file: f, lines: fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').length }))
    .sort((a, b) => b.lines - a.lines)
    .slice(0, n);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  for (const includeTypes of [true, false]) {
    const graph = importGraph({ includeTypes });
    const components = cyclicComponents(graph);
    const cycles = elementaryCycles(graph);
    console.log(`${includeTypes ? 'all imports' : 'runtime imports'}: ${cycles.length}${cycles.length >= 10_000 ? '+' : ''} elementary cycles in ${components.length} tangle(s) of ${components.reduce((n, c) => n + c.length, 0)} files`);
    for (const c of components) console.log(`  ${c.length} files: ${c.slice(0, 6).join(', ')}${c.length > 6 ? ', …' : ''}`);
  }
  const up = upwardImports();
  console.log(`imports up into a higher area: ${up.length}`);
  for (const u of up) console.log(`  ${u}`);
  const ties = featureTies();
  console.log(`features that import each other: ${ties.length}`);
  for (const t of ties) console.log(`  ${t}`);
  const writers = tablesWithSeveralWriters();
  console.log(`tables written from several repositories: ${writers.length}`);
  for (const w of writers) console.log(`  ${w}`);
  const sql = sqlOutsideRepositories();
  console.log(`SQL outside repositories and src/db: ${sql.length} file(s)${sql.length ? `: ${sql.join(', ')}` : ''}`);
  console.log('largest files:');
  for (const { file, lines } of largestFiles()) console.log(`  ${String(lines).padStart(5)} ${file}`);
}
