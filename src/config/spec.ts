/**
 * A tiny schema language for the agent's YAML config, kept as data: the validator
 * (src/config/validate.ts) walks it with the YAML document so every problem carries a
 * file:line:column and a key path, and the JSON Schema shipped in config/schema/ is
 * generated from it (toJsonSchema), so the two never drift.
 */

export type Spec =
  | ObjectSpec
  | MapSpec
  | ArraySpec
  | StringSpec
  | NumberSpec
  | BooleanSpec
  | DurationSpec
  | RegexSpec
  | StringOrListSpec
  | ExternalSpec;

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
}

/** A mapping with free keys (static labels, HTTP headers). */
export interface MapSpec extends Base {
  readonly kind: 'map';
  readonly values: Spec;
  /** Pattern every key must match, with a human description. */
  readonly keyPattern?: { readonly source: string; readonly what: string };
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
 * A section validated by another module (the `otlp:` section, src/config/otlp.ts). The
 * JSON Schema references `ref`.
 */
export interface ExternalSpec extends Base {
  readonly kind: 'external';
  readonly ref: string;
}

/** A JSON Schema (draft 2020-12) for a spec. */
export function toJsonSchema(spec: Spec): Record<string, unknown> {
  const d = spec.description === undefined ? {} : { description: spec.description };
  switch (spec.kind) {
    case 'object': {
      const properties: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(spec.fields)) properties[k] = toJsonSchema(v);
      const out: Record<string, unknown> = { type: 'object', ...d, properties, additionalProperties: false };
      if (spec.required?.length) out.required = [...spec.required];
      if (spec.exclusive?.length) {
        out.allOf = spec.exclusive.map(([a, b]) => ({
          not: { required: [a, b], properties: { [a]: { minLength: 1 }, [b]: { minLength: 1 } } },
        }));
      }
      return out;
    }
    case 'map': {
      const out: Record<string, unknown> = {
        type: 'object',
        ...d,
        additionalProperties: toJsonSchema(spec.values),
      };
      if (spec.keyPattern) out.propertyNames = { pattern: spec.keyPattern.source };
      return out;
    }
    case 'array': {
      const out: Record<string, unknown> = { type: 'array', ...d, items: toJsonSchema(spec.items) };
      if (spec.minItems !== undefined) out.minItems = spec.minItems;
      if (spec.maxItems !== undefined) out.maxItems = spec.maxItems;
      return out;
    }
    case 'string': {
      const out: Record<string, unknown> = { type: 'string', ...d };
      if (spec.enum) out.enum = [...spec.enum];
      if (spec.minLength !== undefined) out.minLength = spec.minLength;
      if (spec.pattern) out.pattern = spec.pattern.source;
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
          { type: 'number', minimum: 0, maximum: MAX_DURATION_SECONDS },
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
    case 'external':
      return { ...d, $ref: spec.ref };
  }
}

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
