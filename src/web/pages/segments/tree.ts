/**
 * The segment builder's condition tree as plain data and functions (tested in test/web/segment-tree.test.ts): the
 * root group, edits at a path, NOT on and off, the undo history, and the server's 400 field errors
 * (`definition.conditions[1].minCount`) mapped to the condition they belong to.
 *
 * A path lists the steps from the root: a number is an index into a group's `conditions`, 'not' the inside of a NOT.
 */
import type { LeafCondition, SegmentNode } from '../../api.ts';

export type Group = { type: 'and' | 'or'; conditions: SegmentNode[] };
export type Step = number | 'not';
export type Path = readonly Step[];

export const EMPTY: Group = { type: 'and', conditions: [] };

/** The builder always edits a group at the root: a saved definition that is one condition (or a NOT) is wrapped. */
export function asRootGroup(node: unknown): Group {
  if (!node || typeof node !== 'object') return EMPTY;
  const n = node as SegmentNode;
  if (n.type === 'and' || n.type === 'or') return n;
  return { type: 'and', conditions: [n] };
}

export function isGroup(node: SegmentNode): node is Group {
  return node.type === 'and' || node.type === 'or';
}

/** The key of a node, as the server writes the JSON path of its problems: 'definition', 'definition.conditions[1].condition'. */
export function pathKey(path: Path): string {
  return path.reduce<string>((out, step) => (step === 'not' ? `${out}.condition` : `${out}.conditions[${step}]`), 'definition');
}

export function nodeAt(root: SegmentNode, path: Path): SegmentNode | undefined {
  let node: SegmentNode | undefined = root;
  for (const step of path) {
    if (!node) return undefined;
    if (step === 'not') node = node.type === 'not' ? node.condition : undefined;
    else node = isGroup(node) ? node.conditions[step] : undefined;
  }
  return node;
}

/** The tree with the node at `path` replaced by what `change` makes of it (the rest shared, never mutated). */
export function updateAt(root: SegmentNode, path: Path, change: (node: SegmentNode) => SegmentNode): SegmentNode {
  if (path.length === 0) return change(root);
  const [step, ...rest] = path;
  if (step === 'not') {
    if (root.type !== 'not') return root;
    return { type: 'not', condition: updateAt(root.condition, rest, change) };
  }
  if (!isGroup(root) || step === undefined || !root.conditions[step]) return root;
  const conditions = root.conditions.slice();
  conditions[step] = updateAt(conditions[step]!, rest, change);
  return { ...root, conditions };
}

/** The tree without the node at `path` (a condition of a group; a removed NOT's inside goes with it). */
export function removeAt(root: SegmentNode, path: Path): SegmentNode {
  if (path.length === 0) return root;
  // Removing the inside of a NOT removes the NOT.
  let end = path.length;
  while (end > 0 && path[end - 1] === 'not') end--;
  const parentPath = path.slice(0, end - 1);
  const index = path[end - 1];
  if (typeof index !== 'number') return root;
  return updateAt(root, parentPath, (parent) => (isGroup(parent) ? { ...parent, conditions: parent.conditions.filter((_, i) => i !== index) } : parent));
}

/** Adds a condition (or a group) at the end of the group at `groupPath`. */
export function addTo(root: SegmentNode, groupPath: Path, node: SegmentNode): SegmentNode {
  return updateAt(root, groupPath, (group) => (isGroup(group) ? { ...group, conditions: [...group.conditions, node] } : group));
}

/** 「〜でない」 on or off: wraps the node at `path` in a NOT, or takes the NOT off. */
export function toggleNot(root: SegmentNode, path: Path): SegmentNode {
  return updateAt(root, path, (node) => (node.type === 'not' ? node.condition : { type: 'not', condition: node }));
}

/** A leaf with some keys changed; a key set to undefined (an emptied input) is left out, as the API wants. */
export function withFields<T extends LeafCondition>(leaf: T, patch: Partial<Record<string, unknown>>): T {
  const out: Record<string, unknown> = { ...leaf };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) delete out[key];
    else out[key] = value;
  }
  return out as T;
}

/** Counts the leaves (the conditions a person added), for the empty state and the count's "everyone" hint. */
export function leafCount(node: SegmentNode): number {
  if (isGroup(node)) return node.conditions.reduce((n, c) => n + leafCount(c), 0);
  if (node.type === 'not') return leafCount(node.condition);
  return 1;
}

// ── the server's field errors, by node ──

export interface NodeError { key: string; field: string | null; message: string }

/**
 * Maps each error's field (`definition.conditions[1].window.lastDays`) to the deepest node of the tree it names
 * (`definition.conditions[1]`) and the rest (`window.lastDays`): the builder shows the message under that condition.
 * An error that names no node of the tree (`definition`, `$`) goes to the root.
 */
export function errorsByNode(root: SegmentNode, errors: ReadonlyArray<{ field: string; message: string }>): Map<string, NodeError[]> {
  const out = new Map<string, NodeError[]>();
  for (const e of errors) {
    const path: Step[] = [];
    let rest = e.field.startsWith('definition') ? e.field.slice('definition'.length) : '';
    let node: SegmentNode | undefined = root;
    for (;;) {
      const group = /^\.conditions\[(\d+)\]/u.exec(rest);
      if (group && node && isGroup(node) && node.conditions[Number(group[1])]) {
        path.push(Number(group[1]));
        node = node.conditions[Number(group[1])];
        rest = rest.slice(group[0].length);
        continue;
      }
      if (rest.startsWith('.condition') && !rest.startsWith('.conditions') && node?.type === 'not') {
        path.push('not');
        node = node.condition;
        rest = rest.slice('.condition'.length);
        continue;
      }
      break;
    }
    // An error inside a NOT's condition is shown at the condition, not at the NOT wrapper.
    const key = pathKey(path);
    const field = rest.replace(/^\./u, '') || null;
    const list = out.get(key) ?? [];
    list.push({ key, field, message: e.message });
    out.set(key, list);
  }
  return out;
}

// ── undo ──

export interface History {
  /** What the builder shows. */
  current: Group;
  /** Earlier definitions, newest last. */
  past: Group[];
  /** What the last change was (a condition's field being typed into), and when: typing in one input is one step. */
  lastKey: string | null;
  lastAt: number;
}

export const HISTORY_LIMIT = 100;
const COALESCE_MS = 1_000;

export function startHistory(initial: Group): History {
  return { current: initial, past: [], lastKey: null, lastAt: 0 };
}

/**
 * A change: the shown definition becomes `next` and the one before goes onto the undo stack, unless the change
 * continues the last one (the same `key` within a second: one word typed is one undo step).
 */
export function pushHistory(h: History, next: Group, key: string | null = null, now = Date.now()): History {
  if (JSON.stringify(next) === JSON.stringify(h.current)) return h;
  const continues = key !== null && key === h.lastKey && now - h.lastAt < COALESCE_MS;
  const past = continues ? h.past : [...h.past, h.current].slice(-HISTORY_LIMIT);
  return { current: next, past, lastKey: key, lastAt: now };
}

export function undoHistory(h: History): History {
  const previous = h.past[h.past.length - 1];
  if (!previous) return h;
  return { current: previous, past: h.past.slice(0, -1), lastKey: null, lastAt: 0 };
}

/**
 * The segment API writes its messages in both languages, 「日本語 (English)」: the part of the UI language, or the whole
 * message when it is not in that form.
 */
export function inLanguage(message: string, lang: 'ja' | 'en'): string {
  const m = /^(.*[^\s])\s*\(([^()]*[A-Za-z][^()]*)\)$/su.exec(message);
  if (!m || !/[\u3040-\u30ff\u4e00-\u9fff]/u.test(m[1]!)) return message;
  return lang === 'ja' ? m[1]! : m[2]!;
}

/** "A, B、C" → ['A', 'B', 'C']: lists typed with half- or full-width commas (or 、). */
export function splitList(text: string): string[] {
  return text.split(/[,，、\n]/u).map((s) => s.trim()).filter(Boolean);
}
