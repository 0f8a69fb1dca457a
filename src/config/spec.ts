/**
 * A tiny schema language for the agent's YAML config, kept as data: the validator
 * (src/config/validate.ts, walking with src/config/walk.ts) walks it with the YAML document
 * so every problem carries a file:line:column and a key path, the JSON Schemas shipped in
 * config/schema/ are generated from it (toJsonSchema), and the config's TypeScript type is
 * inferred from it (Infer), so the three never drift.
 */

export type Spec =
  ObjectSpec | MapSpec | ArraySpec | StringSpec | NumberSpec | BooleanSpec | DurationSpec | RegexSpec | StringOrListSpec | OneOfSpec;

interface Base {
  /** One sentence for the JSON Schema and the docs. */
  readonly description?: string;
}

export interface ObjectSpec extends Base {
  readonly kind: 'object';
  readonly fields: Readonly<Record<string, Spec>>;
  /** Keys that must be present. */
  readonly required?: readonly string[];
  /** Keys of which at most one may be set (e.g. include vs exclude). */
  readonly exclusive?: readonly (readonly [string, string])[];
  /** Pairs [a, b] of numeric keys where a must not exceed b. */
  readonly notAbove?: readonly (readonly [string, string])[];
  /** Keys that are known (from the format this mirrors) but not supported, with why. */
  readonly unsupported?: Readonly<Record<string, string>>;
  /** Groups of keys of which exactly one must be set (`{env: X}` or `{file: /path}`). */
  readonly exactlyOne?: readonly (readonly string[])[];
  /**
   * Published as its own JSON Schema file: where this object is a field, the generated
   * schema holds `{$ref: schemaRef}` (the otlp section, config/schema/otlp.schema.json).
   */
  readonly schemaRef?: string;
  /**
   * Turns the validated object (defaults applied) into the value the program uses (the otlp
   * section: the OTEL_EXPORTER_OTLP_* environment below the file, the endpoint made a URL,
   * secrets read). Called after the object's own keys validated, also when the key is
   * absent (`ctx.present` false), so a section can decide what its absence means. Its
   * result type is the object's type in Infer.
   */
  resolve?(value: Record<string, unknown>, ctx: ResolveContext): unknown;
}

/** What a `resolve` hook gets beside the value. */
export interface ResolveContext {
  /** The environment (the loader's, default process.env). */
  readonly env: NodeJS.ProcessEnv;
  /** Whether the file has the object's key (with a value). */
  readonly present: boolean;
  /** Whether the file set the key at `path` (relative to the object). */
  isSet(path: readonly string[]): boolean;
  /** Reports a problem at `path` relative to the object ([] = the object, or the environment). */
  report(path: readonly (string | number)[], message: string, expected?: string, suggestion?: string): void;
}

/** A mapping with free keys (static labels, HTTP headers). */
export interface MapSpec extends Base {
  readonly kind: 'map';
  readonly values: Spec;
  /** Pattern every key must match, with a human description. */
  readonly keyPattern?: { readonly source: string; readonly what: string };
  /** Keys the program sets itself (compared ignoring case), with what to use instead. */
  readonly reservedKeys?: { readonly keys: readonly string[]; readonly instead: string };
}

export interface ArraySpec extends Base {
  readonly kind: 'array';
  readonly items: Spec;
  readonly minItems?: number;
  readonly maxItems?: number;
}

export interface StringSpec extends Base {
  readonly kind: 'string';
  readonly enum?: readonly string[];
  readonly minLength?: number;
  /** A regex the value must match, with a human description of what it means. */
  readonly pattern?: { readonly source: string; readonly what: string };
  /** `http-url`: an absolute http:// or https:// URL. */
  readonly format?: 'http-url';
  readonly default?: string;
}

export interface NumberSpec extends Base {
  readonly kind: 'number';
  readonly integer?: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly default?: number;
}

export interface BooleanSpec extends Base {
  readonly kind: 'boolean';
  readonly default?: boolean;
}

/** "15s", "1m30s", "500ms" (Prometheus duration syntax) or a number of seconds; yields seconds. */
export interface DurationSpec extends Base {
  readonly kind: 'duration';
  /** Seconds. */
  readonly minimum?: number;
  readonly maximum?: number;
  /** Seconds. */
  readonly default?: number;
}

/** A regular expression (RE2-style like node_exporter's flags); '' means "not set". */
export interface RegexSpec extends Base {
  readonly kind: 'regex';
  readonly default?: string;
}

/** A string or a list of strings (process-exporter's `comm: [bash]`); yields a list. */
export interface StringOrListSpec extends Base {
  readonly kind: 'stringOrList';
}

/**
 * One of a few shapes, told apart by the YAML node: a scalar takes the first scalar variant,
 * a mapping the object or map variant, a list the array variant (an HTTP header value: a
 * string, or `{env: VARIABLE}` / `{file: /path}`).
 */
export interface OneOfSpec extends Base {
  readonly kind: 'oneOf';
  readonly variants: readonly Spec[];
}

/**
 * A JSON Schema (draft 2020-12) for a spec. The spec itself is inlined even when it has a
 * schemaRef (that is how its own file is written); nested ones with a schemaRef become $refs.
 */
export function toJsonSchema(spec: Spec, nested = false): Record<string, unknown> {
  const d = spec.description === undefined ? {} : { description: spec.description };
  switch (spec.kind) {
    case 'object': {
      if (nested && spec.schemaRef !== undefined) return { ...d, $ref: spec.schemaRef };
      const properties: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(spec.fields)) properties[k] = toJsonSchema(v, true);
      const out: Record<string, unknown> = { type: 'object', ...d, properties, additionalProperties: false };
      if (spec.required?.length) out.required = [...spec.required];
      const allOf: unknown[] = [];
      for (const [a, b] of spec.exclusive ?? []) {
        allOf.push({ not: { required: [a, b], properties: { [a]: { minLength: 1 }, [b]: { minLength: 1 } } } });
      }
      for (const group of spec.exactlyOne ?? []) allOf.push({ oneOf: group.map((k) => ({ required: [k] })) });
      if (allOf.length) out.allOf = allOf;
      return out;
    }
    case 'map': {
      const out: Record<string, unknown> = {
        type: 'object',
        ...d,
        additionalProperties: toJsonSchema(spec.values, true),
      };
      if (spec.keyPattern) out.propertyNames = { pattern: spec.keyPattern.source };
      return out;
    }
    case 'array': {
      const out: Record<string, unknown> = { type: 'array', ...d, items: toJsonSchema(spec.items, true) };
      if (spec.minItems !== undefined) out.minItems = spec.minItems;
      if (spec.maxItems !== undefined) out.maxItems = spec.maxItems;
      return out;
    }
    case 'string': {
      const out: Record<string, unknown> = { type: 'string', ...d };
      if (spec.enum) out.enum = [...spec.enum];
      if (spec.minLength !== undefined) out.minLength = spec.minLength;
      if (spec.pattern) out.pattern = spec.pattern.source;
      if (spec.format === 'http-url') {
        out.format = 'uri';
        out.pattern = '^https?://';
      }
      if (spec.default !== undefined) out.default = spec.default;
      return out;
    }
    case 'number': {
      const out: Record<string, unknown> = { type: spec.integer ? 'integer' : 'number', ...d };
      if (spec.minimum !== undefined) out.minimum = spec.minimum;
      if (spec.maximum !== undefined) out.maximum = spec.maximum;
      if (spec.default !== undefined) out.default = spec.default;
      return out;
    }
    case 'boolean': {
      const out: Record<string, unknown> = { type: 'boolean', ...d };
      if (spec.default !== undefined) out.default = spec.default;
      return out;
    }
    case 'duration': {
      const out: Record<string, unknown> = {
        ...d,
        anyOf: [
          { type: 'string', pattern: DURATION_PATTERN },
          { type: 'number', minimum: spec.minimum ?? 0, maximum: spec.maximum ?? MAX_DURATION_SECONDS },
        ],
      };
      if (spec.default !== undefined) out.default = formatDuration(spec.default);
      return out;
    }
    case 'regex': {
      const out: Record<string, unknown> = { type: 'string', format: 'regex', ...d };
      if (spec.default !== undefined) out.default = spec.default;
      return out;
    }
    case 'stringOrList':
      return { ...d, anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
    case 'oneOf':
      return { ...d, oneOf: spec.variants.map((v) => toJsonSchema(v, true)) };
  }
}

// ---------------------------------------------------------------------------------------
// The TypeScript type of a spec (src/config/types.ts names the config's parts with it).
// ---------------------------------------------------------------------------------------

/** Flattens an intersection for readable hovers and messages. */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The value of each scalar kind. */
interface ScalarValue {
  readonly string: string;
  readonly regex: string;
  readonly number: number;
  readonly duration: number;
  readonly boolean: boolean;
  readonly stringOrList: readonly string[];
}

/**
 * The value the validator yields for a spec: durations are seconds, regexes their source,
 * a string-or-list a list, an object with `resolve` what its hook returns.
 */
export type Infer<S> = S extends { readonly resolve: (value: never, ctx: never) => infer R }
  ? R
  : S extends { readonly fields: infer F }
    ? InferFields<F>
    : S extends { readonly values: infer V }
      ? Readonly<Record<string, Infer<V>>>
      : S extends { readonly items: infer I }
        ? readonly Infer<I>[]
        : S extends { readonly variants: readonly (infer V)[] }
          ? Infer<V>
          : S extends { readonly enum: readonly (infer E)[] }
            ? E
            : S extends { readonly kind: infer K extends keyof ScalarValue }
              ? ScalarValue[K]
              : never;

/**
 * A key is optional in the value when the validator can leave it out: a scalar without a
 * default (objects, maps and lists are always there, empty when absent).
 */
type OptionalKeys<F> = {
  [K in keyof F]: F[K] extends { readonly default: unknown }
    ? never
    : F[K] extends { readonly kind: 'object' | 'map' | 'array' }
      ? never
      : K;
}[keyof F];

/** The value of an object spec's fields. */
export type InferFields<F> = Simplify<
  { readonly [K in keyof F as K extends OptionalKeys<F> ? never : K]: Infer<F[K]> } & {
    readonly [K in keyof F as K extends OptionalKeys<F> ? K : never]?: Infer<F[K]>;
  }
>;

/** Prometheus duration syntax: one or more <number><unit>, units ms s m h d w y. */
export const DURATION_PATTERN = '^(([0-9]+(\\.[0-9]+)?)(ms|s|m|h|d|w|y))+$';

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  y: 31536000,
};

/**
 * The longest duration a timer can hold: Node's setTimeout takes at most 2^31-1 ms and
 * fires after 1 ms for anything longer (a poll_interval of 30d would poll in a tight loop).
 * Every duration key and flag is checked against it.
 */
export const MAX_DURATION_SECONDS = (2 ** 31 - 1) / 1000;

/** Parses "1m30s" / "500ms" / "15s" into seconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (!new RegExp(DURATION_PATTERN).test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d|w|y)/g)) {
    total += Number(m[1]) * (UNIT_SECONDS[m[2] as string] ?? 0);
  }
  return total;
}

/** Formats seconds back into the shortest Prometheus duration ("15s", "1m30s", "500ms"). */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  let ms = Math.round(seconds * 1000);
  let out = '';
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    if (ms >= size) {
      out += `${Math.floor(ms / size)}${unit}`;
      ms %= size;
    }
  }
  return out;
}

/**
 * Compiles a config regex. Accepts node_exporter's (Go RE2) spelling: `(?P<name>` named
 * groups and a leading `(?i)` flag group are translated. Throws SyntaxError when invalid.
 */
export function compileRegex(source: string): RegExp {
  let src = source.replace(/\(\?P</g, '(?<');
  let flags = '';
  const m = /^\(\?([imsU]+)\)/.exec(src);
  if (m) {
    src = src.slice(m[0].length);
    for (const f of m[1] as string) if (f === 'i' || f === 'm' || f === 's') flags += f;
  }
  return new RegExp(src, flags);
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = cur;
  }
  return prev[n] as number;
}

/** The closest candidate to `key`, when it is close enough to be a likely misspelling. */
export function suggest(key: string, candidates: Iterable<string>): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_.]/g, '');
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    // Separators and case differences ("mountPointsExclude", "mount-points-exclude") count as near-misses.
    const d = norm(c) === norm(key) ? 0.5 : editDistance(key.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  // A shortened or lengthened word ("mem" for "memory", "memory" for "mem") is a likely intent too.
  if (bestD > 2) {
    const k = key.toLowerCase();
    for (const c of candidates) {
      const cl = c.toLowerCase();
      if (cl.length >= 3 && k.length >= 3 && (k.startsWith(cl) || cl.startsWith(k))) return c;
    }
  }
  const limit = Math.max(2, Math.floor(Math.min(key.length, best.length) / 3));
  return bestD <= limit ? best : undefined;
}
