/**
 * Walks a YAML document and a spec (src/config/spec.ts) together: every value is checked
 * against its spec and normalised (defaults applied, durations in seconds), every problem
 * is recorded with its node and key path (src/config/messages.ts), unknown keys are
 * problems with a "did you mean" or "it belongs under" hint. One visit per node: linear in
 * the file's size.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Node as YamlNode, type Pair } from 'yaml';
import { describeExpected, describeGot, oneOfList, pathString, type PathSeg, type Problem } from './messages.js';
import type { Positions } from './positions.js';
import {
  compileRegex,
  formatDuration,
  MAX_DURATION_SECONDS,
  parseDuration,
  suggest,
  type ObjectSpec,
  type OneOfSpec,
  type ResolveContext,
  type Spec,
  type StringSpec,
} from './spec.js';

/** The walk's result for a value that did not validate (its problems are recorded). */
export const INVALID: unique symbol = Symbol('invalid');
type Out = unknown;

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

/**
 * An http:// or https:// URL, or what is wrong with it. Also used for URLs that come from
 * the environment (src/config/otlp.ts).
 */
export function checkHttpUrl(v: string): { message: string; expected: string } | undefined {
  let u: URL;
  try {
    u = new URL(v.trim());
  } catch {
    return { message: `invalid URL ${JSON.stringify(v)}`, expected: 'an http:// or https:// URL' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return {
      message: `unsupported scheme "${u.protocol}" in ${JSON.stringify(v)}`,
      expected: 'http:// or https:// (OTLP over gRPC is not supported)',
    };
  }
  return undefined;
}

export class Walker {
  readonly problems: Problem[] = [];
  /** Keys the file set, as dotted paths. */
  readonly explicit = new Set<string>();
  private readonly index: Map<string, string[]>;

  constructor(
    private readonly doc: Document,
    private readonly positions: Positions,
    private readonly env: NodeJS.ProcessEnv,
    root: Spec,
  ) {
    this.index = keyIndex(root);
  }

  report(
    node: YamlNode | null | undefined,
    path: readonly PathSeg[],
    message: string,
    extra: { expected?: string; suggestion?: string } = {},
  ): void {
    this.problems.push({ node, path, message, ...extra });
  }

  private resolveAlias(node: YamlNode | null | undefined): YamlNode | null | undefined {
    if (node && isAlias(node)) return node.resolve(this.doc) as YamlNode | undefined;
    return node;
  }

  /** Validates `raw` (undefined = key absent) against `spec`; returns the normalised value or INVALID. */
  walk(spec: Spec, raw: YamlNode | null | undefined, path: PathSeg[], keyNode?: YamlNode | null): Out {
    const node = this.resolveAlias(raw);
    const isNull = node === undefined || node === null || (isScalar(node) && node.value === null);
    switch (spec.kind) {
      case 'object':
        return this.walkObject(spec, isNull ? undefined : node, path, keyNode);
      case 'map': {
        if (isNull) return {};
        if (!isMap(node)) return this.typeError(spec, node, path);
        const out: Record<string, unknown> = {};
        let ok = true;
        const reserved = new Set(spec.reservedKeys?.keys.map((k) => k.toLowerCase()));
        for (const pair of node.items) {
          const k = this.keyOf(pair, path);
          if (k === undefined) {
            ok = false;
            continue;
          }
          if (spec.keyPattern && !new RegExp(spec.keyPattern.source).test(k)) {
            this.report(pair.key as YamlNode, [...path, k], `invalid key ${JSON.stringify(k)}`, { expected: spec.keyPattern.what });
            ok = false;
            continue;
          }
          if (spec.reservedKeys && reserved.has(k.toLowerCase())) {
            this.report(pair.key as YamlNode, [...path, k], `${k} is set by hostprobe`, { expected: spec.reservedKeys.instead });
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
      case 'oneOf':
        if (node === undefined) return undefined;
        return this.walkOneOf(spec, node, path, keyNode);
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

  /** The variant for the node's shape: a mapping, a list, or a scalar. */
  private walkOneOf(spec: OneOfSpec, node: YamlNode | null, path: PathSeg[], keyNode?: YamlNode | null): Out {
    const shape = (s: Spec): 'mapping' | 'list' | 'scalar' =>
      s.kind === 'object' || s.kind === 'map' ? 'mapping' : s.kind === 'array' ? 'list' : 'scalar';
    const got = isMap(node) ? 'mapping' : isSeq(node) ? 'list' : 'scalar';
    const variant = spec.variants.find((v) => shape(v) === got);
    if (!variant) return this.typeError(spec, node, path);
    return this.walk(variant, node, path, keyNode);
  }

  private walkObject(spec: ObjectSpec, node: YamlNode | undefined, path: PathSeg[], keyNode?: YamlNode | null): Out {
    if (node !== undefined && !isMap(node)) return this.typeError(spec, node, path);
    const out: Record<string, unknown> = {};
    let ok = true;
    const seen = new Map<string, Pair>();
    const fieldList = (): string => oneOfList(Object.keys(spec.fields));
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
            expected: fieldList(),
          });
          continue;
        }
        if (!fieldSpec) {
          ok = false;
          const s = suggest(k, Object.keys(spec.fields));
          const extra: { expected: string; suggestion?: string } = { expected: fieldList() };
          if (s) extra.suggestion = s;
          let message = `unknown key ${JSON.stringify(k)}`;
          if (!s) {
            const elsewhere = this.index.get(k);
            if (elsewhere?.length)
              message += ` (it belongs under ${elsewhere.map((e) => e.split('.').slice(0, -1).join('.') || 'the top level').join(' or ')})`;
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
        this.report(node ?? keyNode, path, `missing required key ${JSON.stringify(key)}`);
        ok = false;
      }
    }
    for (const group of node === undefined ? [] : (spec.exactlyOne ?? [])) {
      if (group.filter((k) => seen.has(k)).length !== 1) {
        this.report(node, path, `needs exactly one of ${group.join(', ')}`, { expected: group.map((k) => `{${k}: …}`).join(' or ') });
        ok = false;
      }
    }
    for (const [a, b] of spec.exclusive ?? []) {
      const pa = seen.get(a);
      const pb = seen.get(b);
      if (pa && pb && out[a] !== '' && out[b] !== '') {
        this.report(pb.key as YamlNode, [...path, b], `${a} and ${b} are mutually exclusive`, { expected: `only one of ${a}, ${b}` });
        ok = false;
      }
    }
    for (const [a, b] of spec.notAbove ?? []) {
      const va = out[a];
      const vb = out[b];
      if (typeof va === 'number' && typeof vb === 'number' && va > vb) {
        const p = seen.get(a) ?? seen.get(b);
        this.report(
          (p?.value as YamlNode | undefined) ?? node ?? keyNode,
          [...path, p === seen.get(a) ? a : b],
          `${a} (${va}s) is longer than ${b} (${vb}s)`,
          {
            expected: `${a} <= ${b}`,
          },
        );
        ok = false;
      }
    }
    if (!ok) return INVALID;
    if (!spec.resolve) return out;
    return this.resolveObject(spec, out, node !== undefined, path);
  }

  /** Runs an object's resolve hook, its problems located by their key paths. */
  private resolveObject(spec: ObjectSpec, value: Record<string, unknown>, present: boolean, path: PathSeg[]): Out {
    const before = this.problems.length;
    const ctx: ResolveContext = {
      env: this.env,
      present,
      isSet: (rel) => this.explicit.has(pathString([...path, ...rel])),
      report: (rel, message, expected, suggestion) => {
        const full = [...path, ...rel];
        const extra: { expected?: string; suggestion?: string } = {};
        if (expected !== undefined) extra.expected = expected;
        if (suggestion !== undefined) extra.suggestion = suggestion;
        this.report(this.positions.locate(full), full, message, extra);
      },
    };
    const resolved = spec.resolve?.(value, ctx);
    return this.problems.length > before ? INVALID : resolved;
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
          const r = this.resolveAlias(it as YamlNode);
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
      this.report(node.range ? node : keyNode, path, 'has no value', { expected: describeExpected(spec) });
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
            if (spec.enum || spec.pattern || spec.format) return this.checkString(spec, String(v), node, path);
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
          this.report(node, path, `invalid regular expression ${JSON.stringify(s)}: ${why}`, { expected: describeExpected(spec) });
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

  private checkString(spec: StringSpec, v: string, node: YamlNode, path: PathSeg[]): Out {
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
    if (spec.format === 'http-url') {
      const bad = checkHttpUrl(v);
      if (bad) {
        this.report(node, path, bad.message, { expected: bad.expected });
        return INVALID;
      }
      return v.trim();
    }
    return v;
  }
}
