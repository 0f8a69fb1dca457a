/**
 * Validates a YAML config against a spec (src/config/spec.ts) on the parsed YAML document,
 * so that every problem names the file, line and column, the key path, what was expected
 * and, for a misspelled key, the likely intended one. Unknown keys are errors.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  Scalar,
  type Document,
  type Node as YamlNode,
  type ParsedNode,
  type Pair,
} from 'yaml';
import type { ConfigSection, SectionResult } from './section.js';
import { compileRegex, formatDuration, MAX_DURATION_SECONDS, parseDuration, suggest, type ObjectSpec, type Spec } from './spec.js';
import { guardDocument } from './yaml-guard.js';

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
    super([header ?? `invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):`, ...issues.map((i) => '  ' + formatIssue(i))].join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

type PathSeg = string | number;

function pathString(path: readonly PathSeg[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

const INVALID: unique symbol = Symbol('invalid');
const MAX_SYNTAX_ERRORS = 50;
type Out = unknown | typeof INVALID;

export interface ValidateOptions {
  /** The file name used in messages. */
  readonly file: string;
  /** Validators for `external` specs, by their top-level key. */
  readonly sections?: Readonly<Record<string, ConfigSection<unknown> | undefined>>;
  /** Environment for `${VAR}` expansion (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface ValidateResult {
  /** The normalised config with defaults applied (meaningful only without issues). */
  readonly value: Record<string, unknown>;
  readonly issues: readonly ConfigIssue[];
  /** Top-level/nested keys the file set explicitly, as dotted paths. */
  readonly explicit: ReadonlySet<string>;
  /** Where a key path is in the file, for checks made after validation (1:1 when absent). */
  readonly where: (path: readonly (string | number)[]) => { line: number; col: number };
}

/** Every path at which a key name is valid, for "this key belongs under …" hints. */
function keyIndex(spec: Spec, prefix: string[] = [], out = new Map<string, string[]>()): Map<string, string[]> {
  if (spec.kind === 'object') {
    for (const [k, v] of Object.entries(spec.fields)) {
      const list = out.get(k) ?? [];
      list.push([...prefix, k].join('.'));
      out.set(k, list);
      keyIndex(v, [...prefix, k], out);
    }
  } else if (spec.kind === 'array') {
    keyIndex(spec.items, [...prefix, '[]'], out);
  }
  return out;
}

function describeExpected(spec: Spec): string {
  switch (spec.kind) {
    case 'object':
      return 'a mapping';
    case 'map':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'string':
      if (spec.enum) return `one of ${spec.enum.map((e) => JSON.stringify(e)).join(', ')}`;
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
      if (spec.minimum !== undefined) s += ` of at least ${formatDuration(spec.minimum)}`;
      return s;
    }
    case 'regex':
      return 'a regular expression';
    case 'stringOrList':
      return 'a string or a list of strings';
    case 'external':
      return 'a mapping';
  }
}

function describeGot(node: YamlNode | null | undefined): string {
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

// ---------------------------------------------------------------------------------------
// ${ENV} expansion on the document's scalars, before validation.
// ---------------------------------------------------------------------------------------

const ENV_REF = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g;

interface ExpandIssue {
  node: YamlNode;
  path: PathSeg[];
  message: string;
}

function expandScalar(node: Scalar, env: NodeJS.ProcessEnv, issues: ExpandIssue[], path: readonly PathSeg[]): void {
  if (typeof node.value !== 'string' || !node.value.includes('$')) return;
  const original = node.value;
  let touched = false;
  const out = original.replace(ENV_REF, (whole, name: string | undefined, def: string | undefined) => {
    if (whole === '$$') {
      touched = true;
      return '$';
    }
    touched = true;
    const v = env[name as string];
    if (v !== undefined && v !== '') return v;
    if (def !== undefined) return def;
    if (v === '') return '';
    issues.push({
      node,
      path: [...path],
      message: `environment variable ${name} is not set (write \${${name}:-default} to give a default)`,
    });
    return '';
  });
  if (!touched) return;
  // An unquoted scalar that was only references is re-read as YAML, so `port: ${PORT}` is a number.
  if (node.type === Scalar.PLAIN && out.trim() !== '') {
    const re = parseDocument(out);
    const c = re.contents;
    if (re.errors.length === 0 && isScalar(c) && (typeof c.value === 'number' || typeof c.value === 'boolean')) {
      node.value = c.value;
      return;
    }
  }
  node.value = out;
}

/** `path` is the node's key path (a stack, copied only into an issue). */
function expandEnv(node: YamlNode | null | undefined, env: NodeJS.ProcessEnv, issues: ExpandIssue[], path: PathSeg[] = []): void {
  if (!node) return;
  if (isScalar(node)) expandScalar(node, env, issues, path);
  else if (isMap(node)) {
    for (const p of node.items) {
      path.push(isScalar(p.key) ? String(p.key.value) : '?');
      expandEnv(p.value as YamlNode | null, env, issues, path);
      path.pop();
    }
  } else if (isSeq(node)) {
    node.items.forEach((it, i) => {
      path.push(i);
      expandEnv(it as YamlNode | null, env, issues, path);
      path.pop();
    });
  }
}

// ---------------------------------------------------------------------------------------
// The walker.
// ---------------------------------------------------------------------------------------

class Walker {
  readonly issues: ConfigIssue[] = [];
  readonly explicit = new Set<string>();
  private readonly index: Map<string, string[]>;
  private readonly keysOf = new WeakMap<object, Map<string, Pair>>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly lc: LineCounter,
    private readonly opts: ValidateOptions,
    root: ObjectSpec,
  ) {
    this.index = keyIndex(root);
  }

  pos(node: YamlNode | null | undefined, fallback?: YamlNode | null): { line: number; col: number } {
    const r = (node as ParsedNode | null | undefined)?.range ?? (fallback as ParsedNode | null | undefined)?.range;
    if (!r) return { line: 1, col: 1 };
    return this.lc.linePos(r[0]);
  }

  report(
    node: YamlNode | null | undefined,
    path: readonly PathSeg[],
    message: string,
    extra: { expected?: string; suggestion?: string; fallback?: YamlNode | null } = {},
  ): void {
    const { line, col } = this.pos(node, extra.fallback);
    const issue: { -readonly [K in keyof ConfigIssue]: ConfigIssue[K] } = {
      file: this.opts.file,
      line,
      col,
      path: pathString(path),
      message,
    };
    if (extra.expected !== undefined) issue.expected = extra.expected;
    if (extra.suggestion !== undefined) issue.suggestion = extra.suggestion;
    this.issues.push(issue);
  }

  resolve(node: YamlNode | null | undefined): YamlNode | null | undefined {
    if (node && isAlias(node)) return node.resolve(this.doc) as YamlNode | undefined;
    return node;
  }

  /** Validates `node` (undefined = key absent) against `spec`; returns the normalised value. */
  walk(spec: Spec, raw: YamlNode | null | undefined, path: PathSeg[], keyNode?: YamlNode | null): Out {
    const node = this.resolve(raw);
    const isNull = node === undefined || node === null || (isScalar(node) && node.value === null);
    switch (spec.kind) {
      case 'object':
        return this.walkObject(spec, isNull ? undefined : node, path, keyNode);
      case 'map': {
        if (isNull) return {};
        if (!isMap(node)) return this.typeError(spec, node, path);
        const out: Record<string, unknown> = {};
        let ok = true;
        for (const pair of node.items) {
          const k = this.keyOf(pair, path);
          if (k === undefined) {
            ok = false;
            continue;
          }
          if (spec.keyPattern && !new RegExp(spec.keyPattern.source).test(k)) {
            this.report(pair.key as YamlNode, [...path, k], `invalid key ${JSON.stringify(k)}`, {
              expected: spec.keyPattern.what,
            });
            ok = false;
            continue;
          }
          const v = this.walk(spec.values, pair.value as YamlNode | null, [...path, k], pair.key as YamlNode);
          if (v === INVALID) ok = false;
          else out[k] = v;
        }
        return ok ? out : INVALID;
      }
      case 'array': {
        if (isNull) return [];
        if (!isSeq(node)) return this.typeError(spec, node, path);
        const out: unknown[] = [];
        let ok = true;
        node.items.forEach((it, i) => {
          const v = this.walk(spec.items, it as YamlNode | null, [...path, i], null);
          if (v === INVALID) ok = false;
          else out.push(v);
        });
        if (spec.minItems !== undefined && out.length < spec.minItems) {
          this.report(node, path, `needs at least ${spec.minItems} item(s)`, { expected: describeExpected(spec) });
          ok = false;
        }
        if (spec.maxItems !== undefined && out.length > spec.maxItems) {
          this.report(node, path, `has more than ${spec.maxItems} items`, { expected: describeExpected(spec) });
          ok = false;
        }
        return ok ? out : INVALID;
      }
      case 'external':
        return this.walkExternal(spec, node, path, isNull);
      default:
        if (node === undefined) return 'default' in spec ? spec.default : undefined;
        return this.walkScalar(spec, node, path, keyNode);
    }
  }

  private keyOf(pair: Pair, path: readonly PathSeg[]): string | undefined {
    const k = pair.key as YamlNode | null;
    if (isScalar(k) && (typeof k.value === 'string' || typeof k.value === 'number')) return String(k.value);
    this.report(k, path, 'keys must be plain strings');
    return undefined;
  }

  private typeError(spec: Spec, node: YamlNode | null | undefined, path: readonly PathSeg[]): typeof INVALID {
    this.report(node, path, `wrong type: got ${describeGot(node)}`, { expected: describeExpected(spec) });
    return INVALID;
  }

  private walkObject(spec: ObjectSpec, node: YamlNode | undefined, path: PathSeg[], keyNode?: YamlNode | null): Out {
    if (node !== undefined && !isMap(node)) return this.typeError(spec, node, path);
    const out: Record<string, unknown> = {};
    let ok = true;
    const seen = new Map<string, Pair>();
    if (node !== undefined && isMap(node)) {
      for (const pair of node.items) {
        const k = this.keyOf(pair, path);
        if (k === undefined) {
          ok = false;
          continue;
        }
        const fieldSpec = spec.fields[k];
        const unsupported = spec.unsupported?.[k];
        if (!fieldSpec && unsupported !== undefined) {
          ok = false;
          this.report(pair.key as YamlNode, [...path, k], `${JSON.stringify(k)} is not supported by hostprobe: ${unsupported}`, {
            expected: `one of ${Object.keys(spec.fields).map((f) => JSON.stringify(f)).join(', ')}`,
          });
          continue;
        }
        if (!fieldSpec) {
          ok = false;
          const s = suggest(k, Object.keys(spec.fields));
          const extra: { expected: string; suggestion?: string } = {
            expected: `one of ${Object.keys(spec.fields).map((f) => JSON.stringify(f)).join(', ')}`,
          };
          if (s) extra.suggestion = s;
          let message = `unknown key ${JSON.stringify(k)}`;
          if (!s) {
            const elsewhere = this.index.get(k);
            if (elsewhere?.length) message += ` (it belongs under ${elsewhere.map((e) => e.split('.').slice(0, -1).join('.') || 'the top level').join(' or ')})`;
          }
          this.report(pair.key as YamlNode, [...path, k], message, extra);
          continue;
        }
        seen.set(k, pair);
        this.explicit.add(pathString([...path, k]));
      }
    }
    for (const [k, fieldSpec] of Object.entries(spec.fields)) {
      const pair = seen.get(k);
      const v = this.walk(fieldSpec, pair ? ((pair.value as YamlNode | null) ?? null) : undefined, [...path, k], pair?.key as YamlNode);
      if (v === INVALID) ok = false;
      else if (v !== undefined) out[k] = v;
    }
    for (const key of node === undefined ? [] : (spec.required ?? [])) {
      if (!seen.has(key)) {
        this.report(node ?? keyNode, path, `missing required key ${JSON.stringify(key)}`, { fallback: keyNode });
        ok = false;
      }
    }
    for (const [a, b] of spec.exclusive ?? []) {
      const pa = seen.get(a);
      const pb = seen.get(b);
      if (pa && pb && out[a] !== '' && out[b] !== '') {
        this.report(pb.key as YamlNode, [...path, b], `${a} and ${b} are mutually exclusive`, {
          expected: `only one of ${a}, ${b}`,
        });
        ok = false;
      }
    }
    for (const [a, b] of spec.notAbove ?? []) {
      const va = out[a];
      const vb = out[b];
      if (typeof va === 'number' && typeof vb === 'number' && va > vb) {
        const p = seen.get(a) ?? seen.get(b);
        this.report((p?.value as YamlNode | undefined) ?? node ?? keyNode, [...path, p === seen.get(a) ? a : b], `${a} (${va}s) is longer than ${b} (${vb}s)`, {
          expected: `${a} <= ${b}`,
        });
        ok = false;
      }
    }
    return ok ? out : INVALID;
  }

  private walkScalar(spec: Spec, node: YamlNode | null, path: PathSeg[], keyNode?: YamlNode | null): Out {
    if (node === null || !isScalar(node)) {
      if (node === null) {
        this.report(keyNode, path, 'has no value', { expected: describeExpected(spec) });
        return INVALID;
      }
      if (spec.kind === 'stringOrList' && isSeq(node)) {
        const out: string[] = [];
        let ok = true;
        node.items.forEach((it, i) => {
          const r = this.resolve(it as YamlNode);
          if (isScalar(r) && (typeof r.value === 'string' || typeof r.value === 'number')) out.push(String(r.value));
          else {
            this.report(r, [...path, i], `wrong type: got ${describeGot(r)}`, { expected: 'a string' });
            ok = false;
          }
        });
        return ok ? out : INVALID;
      }
      return this.typeError(spec, node, path);
    }
    const v = node.value;
    if (v === null) {
      this.report(node, path, 'has no value', { expected: describeExpected(spec), fallback: keyNode });
      return INVALID;
    }
    switch (spec.kind) {
      case 'boolean':
        if (typeof v === 'boolean') return v;
        return this.typeError(spec, node, path);
      case 'number': {
        if (typeof v !== 'number' || Number.isNaN(v)) return this.typeError(spec, node, path);
        if (spec.integer && !Number.isInteger(v)) {
          this.report(node, path, `${v} is not an integer`, { expected: describeExpected(spec) });
          return INVALID;
        }
        if ((spec.minimum !== undefined && v < spec.minimum) || (spec.maximum !== undefined && v > spec.maximum)) {
          this.report(node, path, `${v} is out of range`, { expected: describeExpected(spec) });
          return INVALID;
        }
        return v;
      }
      case 'duration': {
        let secs: number | undefined;
        if (typeof v === 'number') secs = v;
        else if (typeof v === 'string') secs = parseDuration(v);
        if (typeof v === 'string' && secs === undefined) {
          this.report(node, path, `invalid duration ${JSON.stringify(v)}`, { expected: describeExpected(spec) });
          return INVALID;
        }
        if (secs === undefined || !Number.isFinite(secs) || secs < 0) return this.typeError(spec, node, path);
        if ((spec.minimum !== undefined && secs < spec.minimum) || (spec.maximum !== undefined && secs > spec.maximum)) {
          this.report(node, path, `${describeGot(node)} is out of range`, { expected: describeExpected(spec) });
          return INVALID;
        }
        if (secs > MAX_DURATION_SECONDS) {
          this.report(node, path, `${describeGot(node)} is longer than a timer can hold`, {
            expected: `a duration of at most ${formatDuration(MAX_DURATION_SECONDS)} (2^31-1 ms, about 24.8 days)`,
          });
          return INVALID;
        }
        return secs;
      }
      case 'string': {
        if (typeof v !== 'string') {
          // Unquoted numbers and booleans where a string is meant (labels, addresses) are taken as text.
          if (typeof v === 'number' || typeof v === 'boolean') {
            if (spec.enum || spec.pattern) return this.checkString(spec, String(v), node, path);
            return node.source ?? String(v);
          }
          return this.typeError(spec, node, path);
        }
        return this.checkString(spec, v, node, path);
      }
      case 'regex': {
        const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
        if (s === undefined) return this.typeError(spec, node, path);
        try {
          compileRegex(s);
        } catch (e) {
          const why = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
          this.report(node, path, `invalid regular expression ${JSON.stringify(s)}: ${why}`, {
            expected: describeExpected(spec),
          });
          return INVALID;
        }
        return s;
      }
      case 'stringOrList':
        if (typeof v === 'string' || typeof v === 'number') return [String(v)];
        return this.typeError(spec, node, path);
      default:
        return this.typeError(spec, node, path);
    }
  }

  private checkString(spec: Spec & { kind: 'string' }, v: string, node: YamlNode, path: PathSeg[]): Out {
    if (spec.enum && !spec.enum.includes(v)) {
      const extra: { expected: string; suggestion?: string } = { expected: describeExpected(spec) };
      const s = suggest(v, spec.enum);
      if (s) extra.suggestion = s;
      this.report(node, path, `invalid value ${JSON.stringify(v)}`, extra);
      return INVALID;
    }
    if (spec.minLength !== undefined && v.length < spec.minLength) {
      this.report(node, path, 'must not be empty', { expected: describeExpected(spec) });
      return INVALID;
    }
    if (spec.pattern && !new RegExp(spec.pattern.source).test(v)) {
      this.report(node, path, `invalid value ${JSON.stringify(v)}`, { expected: spec.pattern.what });
      return INVALID;
    }
    return v;
  }

  private walkExternal(spec: Spec & { kind: 'external' }, node: YamlNode | null | undefined, path: PathSeg[], isNull: boolean): Out {
    const key = String(path[path.length - 1]);
    const section = this.opts.sections?.[key];
    if (!section) {
      // No validator for this section (yet): a mapping is passed through as is.
      if (node === undefined || isNull) return undefined;
      if (!isMap(node)) return this.typeError(spec, node, path);
      return node.toJS(this.doc, { maxAliasCount: -1 }) as unknown;
    }
    // Aliases were bounded by guardDocument: the parser's own alias limit (100 uses) is not needed.
    const value = node === undefined ? undefined : isNull || node === null ? null : (node.toJS(this.doc, { maxAliasCount: -1 }) as unknown);
    let res: SectionResult<unknown>;
    try {
      res = section.validate(value);
    } catch (e) {
      this.report(node, path, `invalid section: ${(e as Error).message}`);
      return INVALID;
    }
    if (res.issues.length === 0) return res.value;
    for (const is of res.issues) {
      const full = [...path, ...is.path];
      const extra: { expected?: string; suggestion?: string } = {};
      if (is.expected !== undefined) extra.expected = is.expected;
      if (is.suggestion !== undefined) extra.suggestion = is.suggestion;
      this.report(this.locate(full), full, is.message, extra);
    }
    return INVALID;
  }

  /**
   * The YAML node for a path: a scalar value when the path ends on one, else the key of the
   * last mapping entry, else the deepest existing ancestor.
   */
  locate(path: readonly PathSeg[]): YamlNode | null | undefined {
    let cur: YamlNode | null | undefined = this.doc.contents as YamlNode | null;
    let best: YamlNode | null | undefined = cur;
    for (const seg of path) {
      cur = this.resolve(cur);
      if (isMap(cur)) {
        let keys = this.keysOf.get(cur);
        if (!keys) {
          // Built once per mapping: a section with many issues in one wide mapping stays linear.
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

/** Parses and validates YAML config text. */
export function validateConfigText(text: string, spec: ObjectSpec, opts: ValidateOptions): ValidateResult {
  const lc = new LineCounter();
  // Duplicate keys are found by guardDocument: the parser's uniqueKeys check is quadratic.
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false, strict: true });
  const issues: ConfigIssue[] = [];
  const seenAt = new Set<string>();
  // Each error's key path is a walk from the root: the first MAX_SYNTAX_ERRORS are located,
  // so a file that is not YAML at all does not cost its size times its errors.
  for (const e of doc.errors.slice(0, MAX_SYNTAX_ERRORS)) {
    const lp = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
    // One message per position: the parser often reports a bad indentation twice.
    if (seenAt.has(`${lp.line}:${lp.col}`)) continue;
    seenAt.add(`${lp.line}:${lp.col}`);
    issues.push({
      file: opts.file,
      line: lp.line,
      col: lp.col,
      path: pathString(cutAtOddKey(pathAtOffset(doc.contents as YamlNode | null, e.pos[0]) ?? [])),
      message: `YAML syntax error: ${(e.message.split('\n')[0] ?? e.code).replace(/ at line \d+, column \d+:?$/, '')}`,
    });
  }
  if (doc.errors.length > MAX_SYNTAX_ERRORS) {
    const last = issues[issues.length - 1];
    issues.push({ file: opts.file, line: last?.line ?? 1, col: last?.col ?? 1, path: '', message: `YAML syntax error: ${doc.errors.length - MAX_SYNTAX_ERRORS} more not shown` });
  }
  if (issues.length) return { value: {}, issues, explicit: new Set(), where: () => ({ line: 1, col: 1 }) };
  // Undefined aliases, alias bombs and duplicate keys, before anything resolves an alias.
  for (const g of guardDocument(doc, lc)) {
    issues.push({ file: opts.file, line: g.line, col: g.col, path: pathString(g.path), message: g.message, ...(g.expected ? { expected: g.expected } : {}) });
  }
  if (issues.length) return { value: {}, issues, explicit: new Set(), where: () => ({ line: 1, col: 1 }) };

  const expandIssues: ExpandIssue[] = [];
  expandEnv(doc.contents as YamlNode | null, opts.env ?? process.env, expandIssues);
  const w = new Walker(doc, lc, opts, spec);
  for (const ei of expandIssues) w.report(ei.node, ei.path, ei.message);
  const root = doc.contents as YamlNode | null;
  const value = w.walk(spec, root === null ? undefined : root, []);
  const sorted = [...w.issues].sort((a, b) => a.line - b.line || a.col - b.col);
  return {
    value: value === INVALID ? {} : (value as Record<string, unknown>),
    issues: sorted,
    explicit: w.explicit,
    where: (path) => w.pos(w.locate(path)),
  };
}

/** A broken document can compose odd keys ("9110 path"); the path stops before the first one. */
function cutAtOddKey(path: PathSeg[]): PathSeg[] {
  const i = path.findIndex((p) => typeof p === 'string' && !/^[A-Za-z_][\w.-]*$/.test(p));
  return i < 0 ? path : path.slice(0, i);
}

/** The key path of the deepest mapping entry (or list item) whose source range holds `offset`. */
function pathAtOffset(root: YamlNode | null | undefined, offset: number, path: PathSeg[] = []): PathSeg[] | undefined {
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
