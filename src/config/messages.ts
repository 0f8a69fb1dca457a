/**
 * The words of config validation: the located issue, how it prints, the error the loader
 * throws, and how a spec and a YAML node are described in "wrong type: got …; expected …".
 */
import { isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { formatDuration, type Spec } from './spec.js';

/** One config problem, located. */
export interface ConfigIssue {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Dotted key path (`collectors.disk.filesystem.mount_timeout`, `collectors.process.groups[2].comm`). */
  readonly path: string;
  readonly message: string;
  readonly expected?: string;
  readonly suggestion?: string;
}

/** A key path: mapping keys and list indexes. */
export type PathSeg = string | number;

/**
 * A problem found by the walker, not yet located: the YAML node it is about (the key's node
 * when the value is missing) and its key path. src/config/positions.ts turns it into a
 * ConfigIssue.
 */
export interface Problem {
  readonly node: YamlNode | null | undefined;
  readonly path: readonly PathSeg[];
  readonly message: string;
  readonly expected?: string;
  readonly suggestion?: string;
}

/** `file:line:col: path: message; expected …; did you mean "…"?` */
export function formatIssue(i: ConfigIssue): string {
  let s = `${i.file}:${i.line}:${i.col}: ${i.path || '(top level)'}: ${i.message}`;
  if (i.expected) s += `; expected ${i.expected}`;
  if (i.suggestion) s += `; did you mean "${i.suggestion}"?`;
  return s;
}

/** Thrown by the loader when a config does not validate. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], header?: string) {
    super(
      [
        header ?? `invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):`,
        ...issues.map((i) => '  ' + formatIssue(i)),
      ].join('\n'),
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** `collectors.process.groups[2].comm` */
export function pathString(path: readonly PathSeg[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

/** `one of "a", "b"` */
export function oneOfList(values: readonly string[]): string {
  return `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
}

/** What a value of `spec` looks like, for "expected …". */
export function describeExpected(spec: Spec): string {
  switch (spec.kind) {
    case 'object':
      return 'a mapping';
    case 'map':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'string':
      if (spec.enum) return oneOfList(spec.enum);
      if (spec.format === 'http-url') return 'an http:// or https:// URL';
      if (spec.pattern) return spec.pattern.what;
      return spec.minLength ? 'a non-empty string' : 'a string';
    case 'number': {
      const what = spec.integer ? 'an integer' : 'a number';
      if (spec.minimum !== undefined && spec.maximum !== undefined) return `${what} from ${spec.minimum} to ${spec.maximum}`;
      if (spec.minimum !== undefined) return `${what} >= ${spec.minimum}`;
      return what;
    }
    case 'boolean':
      return 'true or false';
    case 'duration': {
      let s = 'a duration such as "15s", "500ms" or "1m30s" (or a number of seconds)';
      if (spec.minimum !== undefined && spec.maximum !== undefined) {
        s += ` from ${formatDuration(spec.minimum)} to ${formatDuration(spec.maximum)}`;
      } else if (spec.minimum !== undefined) s += ` of at least ${formatDuration(spec.minimum)}`;
      return s;
    }
    case 'regex':
      return 'a regular expression';
    case 'stringOrList':
      return 'a string or a list of strings';
    case 'oneOf':
      return spec.variants.map(describeExpected).join(' or ');
  }
}

/** What the file has, for "got …". */
export function describeGot(node: YamlNode | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'null';
    if (typeof v === 'string') return JSON.stringify(v);
    return String(v);
  }
  return 'an alias';
}
