/**
 * Checks a parsed YAML document before it is walked, in one pass over its nodes (linear in
 * the file's size):
 *
 * - duplicate keys in a mapping (the parser's own `uniqueKeys` check compares every key
 *   with every earlier one: quadratic, minutes for a file with 20 000 labels);
 * - aliases to an anchor that is not defined before them (the parser accepts them and
 *   they would only fail, without a position, when resolved), including an alias inside
 *   its own anchor;
 * - alias bombs ("billion laughs"): aliases whose expansion makes the document more than
 *   MAX_EXPANDED_NODES nodes, or more than EXPANSION_FACTOR times its own size.
 *
 * Every problem has the node's position and key path.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node as YamlNode, type ParsedNode } from 'yaml';

const MAX_EXPANDED_NODES = 100_000;
const EXPANSION_FACTOR = 10;

export interface GuardIssue {
  readonly line: number;
  readonly col: number;
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly expected?: string;
}

export function guardDocument(doc: Document.Parsed, lc: LineCounter): GuardIssue[] {
  const issues: GuardIssue[] = [];
  const anchors = new Map<string, number>();
  let sourceNodes = 0;
  let expanded = 0;
  let bombReported = false;
  const at = (node: unknown): { line: number; col: number } => {
    const r = (node as ParsedNode | null | undefined)?.range;
    return r ? lc.linePos(r[0]) : { line: 1, col: 1 };
  };

  /** Returns the node's expanded size (aliases count as what they stand for). */
  const path: (string | number)[] = [];
  const visit = (node: unknown): number => {
    if (node === null || node === undefined) return 0;
    sourceNodes++;
    let size = 1;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) {
        issues.push({
          ...at(node),
          path: [...path],
          message: `YAML alias *${node.source} has no anchor &${node.source} before it`,
          expected: `an alias to an anchor defined earlier in the file (outside the aliased node)`,
        });
        return 1;
      }
      size = target;
      expanded += target;
      if (!bombReported && expanded > Math.max(MAX_EXPANDED_NODES, EXPANSION_FACTOR * sourceNodes)) {
        bombReported = true;
        issues.push({
          ...at(node),
          path: [...path],
          message: `YAML aliases expand the document to more than ${Math.max(MAX_EXPANDED_NODES, EXPANSION_FACTOR * sourceNodes)} nodes here (an alias bomb?)`,
          expected: 'aliases that expand to a document of a reasonable size',
        });
      }
      return size;
    }
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const k = pair.key;
        let name: string | number = '?';
        if (
          isScalar(k) &&
          (typeof k.value === 'string' || typeof k.value === 'number' || typeof k.value === 'boolean' || k.value === null)
        ) {
          name = typeof k.value === 'number' ? k.value : String(k.value);
          const id = `${typeof k.value}:${String(k.value)}`;
          if (seen.has(id)) issues.push({ ...at(k), path: [...path, name], message: 'YAML syntax error: Map keys must be unique' });
          seen.add(id);
        }
        size += visit(k);
        path.push(name);
        size += visit(pair.value);
        path.pop();
      }
    } else if (isSeq(node)) {
      node.items.forEach((it, i) => {
        path.push(i);
        size += visit(it);
        path.pop();
      });
    } else if (isPair(node)) {
      size += visit(node.key) + visit(node.value);
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) anchors.set(anchor, size);
    return size;
  };
  visit(doc.contents as YamlNode | null);
  return issues;
}
