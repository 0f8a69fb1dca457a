/**
 * Where things are in the file: the `yaml` package's node ranges (character offsets, kept
 * by the parser) turned into line and column by its LineCounter, a key path turned into the
 * node it names, and a syntax error's offset turned into the key path around it.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node as YamlNode, type Pair, type ParsedNode } from 'yaml';
import { pathString, type ConfigIssue, type PathSeg, type Problem } from './messages.js';

export interface Position {
  readonly line: number;
  readonly col: number;
}

/** Locates nodes and key paths of one parsed document. */
export class Positions {
  /** A mapping's entries by key, built once per mapping so many lookups in a wide one stay linear. */
  private readonly keysOf = new WeakMap<object, Map<string, Pair>>();

  constructor(
    private readonly doc: Document,
    /** undefined for a document built from a plain value (no source: every position is 1:1). */
    private readonly lc: LineCounter | undefined,
  ) {}

  /** The start of `node` (or of `fallback` when `node` has no range), 1:1 when neither has one. */
  of(node: YamlNode | null | undefined, fallback?: YamlNode | null): Position {
    const r = (node as ParsedNode | null | undefined)?.range ?? (fallback as ParsedNode | null | undefined)?.range;
    if (!r || !this.lc) return { line: 1, col: 1 };
    return this.lc.linePos(r[0]);
  }

  /** A walker problem as a located issue of `file`. */
  issue(file: string, p: Problem): ConfigIssue {
    const { line, col } = this.of(p.node);
    const out: { -readonly [K in keyof ConfigIssue]: ConfigIssue[K] } = { file, line, col, path: pathString(p.path), message: p.message };
    if (p.expected !== undefined) out.expected = p.expected;
    if (p.suggestion !== undefined) out.suggestion = p.suggestion;
    return out;
  }

  /**
   * The node for a key path: a scalar value when the path ends on one, else the key of the
   * last mapping entry, else the deepest existing ancestor.
   */
  locate(path: readonly PathSeg[]): YamlNode | null | undefined {
    let cur: YamlNode | null | undefined = this.doc.contents as YamlNode | null;
    let best: YamlNode | null | undefined = cur;
    for (const seg of path) {
      if (cur && isAlias(cur)) cur = cur.resolve(this.doc) as YamlNode | undefined;
      if (isMap(cur)) {
        let keys = this.keysOf.get(cur);
        if (!keys) {
          keys = new Map();
          for (const p of cur.items) if (isScalar(p.key) && !keys.has(String(p.key.value))) keys.set(String(p.key.value), p);
          this.keysOf.set(cur, keys);
        }
        const pair = keys.get(String(seg));
        if (!pair) return best;
        best = pair.key as YamlNode;
        cur = pair.value as YamlNode | null;
        if (cur && isScalar(cur)) best = cur;
      } else if (isSeq(cur) && typeof seg === 'number') {
        const it = cur.items[seg] as YamlNode | undefined;
        if (!it) return best;
        best = it;
        cur = it;
      } else {
        return best;
      }
    }
    return best;
  }
}

/** The key path of the deepest mapping entry (or list item) whose source range holds `offset`. */
export function pathAtOffset(root: YamlNode | null | undefined, offset: number, path: PathSeg[] = []): PathSeg[] | undefined {
  const inRange = (n: unknown): boolean => {
    const r = (n as ParsedNode | null | undefined)?.range;
    return !!r && offset >= r[0] && offset <= r[2];
  };
  if (isMap(root)) {
    for (const p of root.items) {
      const k = isScalar(p.key) ? String(p.key.value) : '?';
      if (inRange(p.key)) return [...path, k];
      if (inRange(p.value)) return pathAtOffset(p.value as YamlNode, offset, [...path, k]) ?? [...path, k];
    }
  } else if (isSeq(root)) {
    for (let i = 0; i < root.items.length; i++) {
      const it = root.items[i] as YamlNode;
      if (inRange(it)) return pathAtOffset(it, offset, [...path, i]) ?? [...path, i];
    }
  }
  return path.length ? path : undefined;
}

/** A broken document can compose odd keys ("9110 path"); the path stops before the first one. */
export function cutAtOddKey(path: PathSeg[]): PathSeg[] {
  const i = path.findIndex((p) => typeof p === 'string' && !/^[A-Za-z_][\w.-]*$/.test(p));
  return i < 0 ? path : path.slice(0, i);
}
