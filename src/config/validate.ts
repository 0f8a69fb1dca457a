/**
 * Validates a YAML config against a spec (src/config/spec.ts) on the parsed YAML document,
 * so that every problem names the file, line and column, the key path, what was expected
 * and, for a misspelled key, the likely intended one. Unknown keys are errors.
 *
 * The steps, each in its own module: parse (syntax errors located here), guard the
 * document (src/config/yaml-guard.ts: duplicate keys, aliases), expand `${ENV}`
 * (src/config/env-expand.ts), walk the spec (src/config/walk.ts), locate the problems
 * (src/config/positions.ts) and word them (src/config/messages.ts).
 */
import { Document, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { expandEnv } from './env-expand.js';
import { pathString, type ConfigIssue, type PathSeg, type Problem } from './messages.js';
import { cutAtOddKey, pathAtOffset, Positions } from './positions.js';
import type { ObjectSpec, Spec } from './spec.js';
import { INVALID, Walker } from './walk.js';
import { guardDocument } from './yaml-guard.js';

export { ConfigError, formatIssue, type ConfigIssue } from './messages.js';

const MAX_SYNTAX_ERRORS = 50;

export interface ValidateOptions {
  /** The file name used in messages. */
  readonly file: string;
  /** Environment for `${VAR}` expansion and resolve hooks (default: process.env). */
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

function failed(issues: ConfigIssue[]): ValidateResult {
  return { value: {}, issues, explicit: new Set(), where: () => ({ line: 1, col: 1 }) };
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
    issues.push({
      file: opts.file,
      line: last?.line ?? 1,
      col: last?.col ?? 1,
      path: '',
      message: `YAML syntax error: ${doc.errors.length - MAX_SYNTAX_ERRORS} more not shown`,
    });
  }
  if (issues.length) return failed(issues);
  // Undefined aliases, alias bombs and duplicate keys, before anything resolves an alias.
  for (const g of guardDocument(doc, lc)) {
    issues.push({
      file: opts.file,
      line: g.line,
      col: g.col,
      path: pathString(g.path),
      message: g.message,
      ...(g.expected ? { expected: g.expected } : {}),
    });
  }
  if (issues.length) return failed(issues);

  const env = opts.env ?? process.env;
  const problems: Problem[] = [];
  expandEnv(doc.contents as YamlNode | null, env, problems);
  const positions = new Positions(doc, lc);
  const w = new Walker(doc, positions, env, spec);
  const root = doc.contents as YamlNode | null;
  const value = w.walk(spec, root === null ? undefined : root, []);
  const sorted = [...problems, ...w.problems].map((p) => positions.issue(opts.file, p)).sort((a, b) => a.line - b.line || a.col - b.col);
  return {
    value: value === INVALID ? {} : (value as Record<string, unknown>),
    issues: sorted,
    explicit: w.explicit,
    where: (path) => positions.of(positions.locate(path)),
  };
}

/** A problem in a plain value, located by its key path only. */
export interface ValueIssue {
  readonly path: readonly PathSeg[];
  readonly message: string;
  readonly expected?: string;
  readonly suggestion?: string;
}

/**
 * Validates a plain value (not YAML text: no positions, no `${ENV}` expansion) against a
 * spec, by the same walk; `undefined` is "the key is absent". For a section's own tests and
 * for callers that build a section in code.
 */
export function validateValue<T>(
  value: unknown,
  spec: Spec,
  env: NodeJS.ProcessEnv = process.env,
): { value: T | undefined; issues: ValueIssue[] } {
  const doc = new Document(value === undefined ? null : value);
  const positions = new Positions(doc, undefined);
  const w = new Walker(doc, positions, env, spec);
  const v = w.walk(spec, value === undefined ? undefined : (doc.contents as YamlNode | null), []);
  const issues = w.problems.map(({ path, message, expected, suggestion }) => ({
    path,
    message,
    ...(expected !== undefined ? { expected } : {}),
    ...(suggestion !== undefined ? { suggestion } : {}),
  }));
  return { value: v === INVALID ? undefined : (v as T), issues };
}
