/**
 * The `otlp:` section of the agent config: OTLP/HTTP push of every poll's snapshot.
 *
 * ```yaml
 * otlp:
 *   endpoint: http://otel-collector:4318        # base URL; /v1/metrics is appended
 *   # metrics_endpoint: http://prometheus:9090/api/v1/otlp/v1/metrics   # used as is
 *   protocol: http/protobuf                     # or http/json
 *   compression: gzip                           # or none
 *   headers:
 *     x-api-key: {env: OTLP_API_KEY}            # or {file: /run/secrets/otlp-key}, or a plain string
 *   tls: {ca_file: /etc/ssl/ca.pem, cert_file: ..., key_file: ..., insecure_skip_verify: false}
 *   timeout: 10s                                # whole export, retries included
 *   interval: 60s                               # between exports (the first one right after the first poll)
 *   temporality: cumulative                     # the only one
 *   names: semconv                              # or hostmetrics (the Collector receiver's older names)
 *   resource_attributes: {deployment.environment.name: prod}
 *   retry: {enabled: true, initial_backoff: 1s, max_backoff: 5s}
 * ```
 *
 * The standard SDK environment variables are honoured below the file's settings:
 * OTEL_EXPORTER_OTLP_{,METRICS_}{ENDPOINT,HEADERS,TIMEOUT,PROTOCOL,COMPRESSION,CERTIFICATE,
 * CLIENT_KEY,CLIENT_CERTIFICATE}, OTEL_METRIC_EXPORT_INTERVAL, OTEL_METRIC_EXPORT_TIMEOUT,
 * OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, OTEL_RESOURCE_ATTRIBUTES,
 * OTEL_SERVICE_NAME, OTEL_SDK_DISABLED and OTEL_METRICS_EXPORTER=none. Without an `otlp:`
 * section, setting OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT turns
 * the push on, as the SDKs' autoconfiguration does.
 *
 * The file's shape is the spec {@link OTLP_SPEC}, walked by the same validator as the rest
 * of the config (src/config/walk.ts: located messages, defaults, unknown keys); its
 * `resolve` hook, {@link resolveOtlp}, adds what the environment says below the file,
 * reads header secrets and checks what spans both (the TLS files, timeout within interval).
 * config/schema/otlp.schema.json is generated from the spec (otlpJsonSchema in
 * src/config/schema.ts).
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import type { InferFields, ObjectSpec, ResolveContext, Spec } from './spec.js';
import { validateValue, type ValueIssue } from './validate.js';
import { checkHttpUrl } from './walk.js';

export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';

const HEADER_NAME = { source: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", what: 'an HTTP header name (letters, digits, -)' };
const RESOURCE_KEY = { source: '^[A-Za-z_][A-Za-z0-9_.\\-/]*$', what: 'a dotted name such as deployment.environment.name' };

/** The keys of the `otlp:` section, as the file has them. */
const OTLP_FIELDS = {
  enabled: { kind: 'boolean', default: true, description: 'Push on or off (an otlp: section turns it on unless this is false).' },
  endpoint: {
    kind: 'string',
    format: 'http-url',
    default: DEFAULT_OTLP_ENDPOINT,
    description: 'Base URL of the receiver; /v1/metrics is appended (like OTEL_EXPORTER_OTLP_ENDPOINT).',
  },
  metrics_endpoint: {
    kind: 'string',
    format: 'http-url',
    description:
      'Full metrics URL, used as is (like OTEL_EXPORTER_OTLP_METRICS_ENDPOINT), e.g. http://prometheus:9090/api/v1/otlp/v1/metrics. Not together with endpoint.',
  },
  protocol: {
    kind: 'string',
    enum: ['http/protobuf', 'http/json'],
    default: 'http/protobuf',
    description: 'OTLP encoding over HTTP (OTEL_EXPORTER_OTLP_PROTOCOL).',
  },
  compression: {
    kind: 'string',
    enum: ['gzip', 'none'],
    default: 'gzip',
    description: 'Request body compression (OTEL_EXPORTER_OTLP_COMPRESSION).',
  },
  headers: {
    kind: 'map',
    keyPattern: HEADER_NAME,
    reservedKeys: { keys: ['content-type', 'content-encoding', 'content-length'], instead: 'use protocol / compression instead' },
    description:
      'Extra request headers (authentication), over OTEL_EXPORTER_OTLP_HEADERS. A value is a string, {env: VARIABLE} or {file: /path/to/secret} (read at start; never logged).',
    values: {
      kind: 'oneOf',
      variants: [
        { kind: 'string' },
        {
          kind: 'object',
          exactlyOne: [['env', 'file']],
          fields: {
            env: { kind: 'string', minLength: 1, description: 'The environment variable holding the header value.' },
            file: { kind: 'string', minLength: 1, description: 'The file holding the header value (a final newline is dropped).' },
          },
        },
      ],
    },
  },
  tls: {
    kind: 'object',
    description: 'TLS for https:// endpoints.',
    fields: {
      ca_file: {
        kind: 'string',
        minLength: 1,
        description: "PEM CA bundle to trust instead of the system's (OTEL_EXPORTER_OTLP_CERTIFICATE).",
      },
      cert_file: {
        kind: 'string',
        minLength: 1,
        description: 'PEM client certificate for mTLS (OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE); needs key_file.',
      },
      key_file: { kind: 'string', minLength: 1, description: 'PEM client key for mTLS (OTEL_EXPORTER_OTLP_CLIENT_KEY); needs cert_file.' },
      insecure_skip_verify: { kind: 'boolean', default: false, description: 'Do not verify the server certificate (testing only).' },
    },
  },
  timeout: {
    kind: 'duration',
    default: 10,
    minimum: 0.001,
    maximum: 3600,
    description:
      'Deadline of one export, retries and waits included; at most the interval, and the interval when that is shorter and this is not set (OTEL_EXPORTER_OTLP_TIMEOUT, ms).',
  },
  interval: {
    kind: 'duration',
    default: 60,
    minimum: 0.1,
    maximum: 86400,
    description: 'Time between exports; the first export follows the first poll (OTEL_METRIC_EXPORT_INTERVAL, ms).',
  },
  temporality: {
    kind: 'string',
    enum: ['cumulative'],
    default: 'cumulative',
    description:
      "Aggregation temporality: cumulative only (the kernel's counters are cumulative; Prometheus' OTLP receiver rejects delta by default).",
  },
  names: {
    kind: 'string',
    enum: ['semconv', 'hostmetrics'],
    default: 'semconv',
    description:
      "Metric and attribute names: the current OpenTelemetry semantic conventions, or the Collector hostmetrics receiver's older names.",
  },
  resource_attributes: {
    kind: 'map',
    keyPattern: RESOURCE_KEY,
    values: { kind: 'string' },
    description: 'Resource attributes added to (and overriding) the detected ones and OTEL_RESOURCE_ATTRIBUTES.',
  },
  retry: {
    kind: 'object',
    notAbove: [['initial_backoff', 'max_backoff']],
    description:
      'Retries of 429, 502, 503, 504 and network errors within the timeout (exponential backoff with ±20% jitter; Retry-After honoured).',
    fields: {
      enabled: { kind: 'boolean', default: true, description: 'Retry at all.' },
      initial_backoff: { kind: 'duration', default: 1, minimum: 0.001, maximum: 3600, description: 'The first wait.' },
      max_backoff: { kind: 'duration', default: 5, minimum: 0.001, maximum: 3600, description: 'The longest wait.' },
    },
  },
} as const satisfies Readonly<Record<string, Spec>>;

/** The section as the file has it, validated, defaults applied. */
export type OtlpFileSection = InferFields<typeof OTLP_FIELDS>;

export type OtlpProtocol = OtlpFileSection['protocol'];
export type OtlpCompression = OtlpFileSection['compression'];
export type OtlpNames = OtlpFileSection['names'];

/** The resolved section the OTLP sink uses: file over environment over defaults, headers read. */
export interface OtlpConfig {
  /** Push on or off. */
  readonly enabled: boolean;
  /** Why: `config` (an otlp: section), `env` (OTEL_EXPORTER_OTLP_*ENDPOINT without a section), `off`. */
  readonly source: 'config' | 'env' | 'off';
  /** The full metrics URL requests are POSTed to. */
  readonly url: string;
  readonly protocol: OtlpProtocol;
  readonly compression: OtlpCompression;
  /** Request headers (lower-case names), values resolved from env/files (secrets: never log them). */
  readonly headers: Readonly<Record<string, string>>;
  /** '' = not set. */
  readonly tls: Required<OtlpFileSection['tls']>;
  /** Seconds: deadline of one export, retries and waits included. */
  readonly timeout: number;
  /** Seconds between exports. */
  readonly interval: number;
  readonly temporality: OtlpFileSection['temporality'];
  readonly names: OtlpNames;
  /** `resource_attributes` from the file (highest precedence). */
  readonly resource_attributes: OtlpFileSection['resource_attributes'];
  /** OTEL_RESOURCE_ATTRIBUTES, parsed. */
  readonly env_resource_attributes: Readonly<Record<string, string>>;
  /** OTEL_SERVICE_NAME, when set. */
  readonly service_name?: string;
  /** Durations in seconds. */
  readonly retry: OtlpFileSection['retry'];
}

/** The section when nothing (file or environment) asks for a push. */
export const OTLP_DEFAULTS: OtlpConfig = Object.freeze({
  enabled: false,
  source: 'off',
  url: `${DEFAULT_OTLP_ENDPOINT}/v1/metrics`,
  protocol: OTLP_FIELDS.protocol.default,
  compression: OTLP_FIELDS.compression.default,
  headers: Object.freeze({}),
  tls: Object.freeze({
    ca_file: '',
    cert_file: '',
    key_file: '',
    insecure_skip_verify: OTLP_FIELDS.tls.fields.insecure_skip_verify.default,
  }),
  timeout: OTLP_FIELDS.timeout.default,
  interval: OTLP_FIELDS.interval.default,
  temporality: OTLP_FIELDS.temporality.default,
  names: OTLP_FIELDS.names.default,
  resource_attributes: Object.freeze({}),
  env_resource_attributes: Object.freeze({}),
  retry: Object.freeze({
    enabled: OTLP_FIELDS.retry.fields.enabled.default,
    initial_backoff: OTLP_FIELDS.retry.fields.initial_backoff.default,
    max_backoff: OTLP_FIELDS.retry.fields.max_backoff.default,
  }),
});

/** Reports a problem at a path relative to the section ([] = the section or the environment). */
type Report = (path: readonly (string | number)[], message: string, expected?: string) => void;

/** Base endpoint + /v1/metrics, per the OTLP exporter spec. */
export function appendMetricsPath(base: string): string {
  return base.endsWith('/') ? `${base}v1/metrics` : `${base}/v1/metrics`;
}

/**
 * Parses a W3C-baggage-style `key=value,key2=value2` list (OTEL_EXPORTER_OTLP_HEADERS,
 * OTEL_RESOURCE_ATTRIBUTES), percent-decoding keys and values. Returns undefined and
 * reports when an entry is malformed.
 */
export function parseKeyValueList(text: string, what: string, report: Report | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let ok = true;
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) {
      report?.([], `${what}: malformed entry ${JSON.stringify(item)}`, 'comma-separated key=value pairs');
      ok = false;
      continue;
    }
    try {
      const k = decodeURIComponent(item.slice(0, eq).trim());
      // Baggage-style properties after ';' are ignored.
      const v = decodeURIComponent(
        item
          .slice(eq + 1)
          .split(';')[0]!
          .trim(),
      );
      out[k] = v;
    } catch {
      report?.([], `${what}: bad percent-encoding in ${JSON.stringify(item)}`, 'comma-separated key=value pairs, values percent-encoded');
      ok = false;
    }
  }
  return ok ? out : undefined;
}

function envMs(env: NodeJS.ProcessEnv, name: string, report: Report): number | undefined {
  const v = env[name];
  if (v === undefined || v.trim() === '') return undefined;
  if (!/^\d+$/.test(v.trim()) || Number(v) <= 0) {
    report([], `${name}=${JSON.stringify(v)} is invalid`, 'a positive whole number of milliseconds');
    return undefined;
  }
  return Number(v) / 1000;
}

function readable(path: string): string | undefined {
  try {
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  }
}

type HeaderValue = OtlpFileSection['headers'][string];

/** A header value from the file: the string, or the variable's or the file's content. */
function headerValue(v: HeaderValue, path: readonly (string | number)[], report: Report, env: NodeJS.ProcessEnv): string | undefined {
  let value: string | undefined;
  if (typeof v === 'string') value = v;
  else if (v.env !== undefined) {
    value = env[v.env];
    if (value === undefined) {
      report([...path, 'env'], `environment variable ${v.env} is not set`, 'a set environment variable holding the header value');
      return undefined;
    }
  } else if (v.file !== undefined) {
    try {
      value = readFileSync(v.file, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      report(
        [...path, 'file'],
        `cannot read ${JSON.stringify(v.file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        'a readable file holding the header value',
      );
      return undefined;
    }
  }
  if (value === undefined) return undefined;
  if (/[\r\n\0]/.test(value)) {
    report(path, 'header value contains a line break or NUL', 'a single-line value');
    return undefined;
  }
  return value;
}

/**
 * The section's resolve hook: the validated file section (defaults applied; `ctx.present`
 * false when the file has no `otlp:`) with the OTEL_* environment below it.
 */
export function resolveOtlp(f: OtlpFileSection, ctx: ResolveContext): OtlpConfig {
  const { env } = ctx;
  const report: Report = (path, message, expected) => ctx.report(path, message, expected);
  const set = (...path: string[]): boolean => ctx.isSet(path);
  const e = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const envMetricsEndpoint = e('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT');
  const envEndpoint = e('OTEL_EXPORTER_OTLP_ENDPOINT');

  let enabled: boolean;
  let source: OtlpConfig['source'];
  if (ctx.present) {
    enabled = f.enabled;
    source = enabled ? 'config' : 'off';
  } else {
    const disabled = e('OTEL_SDK_DISABLED')?.toLowerCase() === 'true' || e('OTEL_METRICS_EXPORTER')?.toLowerCase() === 'none';
    enabled = !disabled && (envEndpoint !== undefined || envMetricsEndpoint !== undefined);
    source = enabled ? 'env' : 'off';
    // Without a section and without the variables that turn the push on, the rest of the
    // environment is not ours to judge (other SDKs in the same environment use it).
    if (!enabled) return OTLP_DEFAULTS;
  }

  // Endpoint: the file's (checked by the spec), else the environment's, else the default.
  const envUrl = (name: string, v: string): string => {
    const bad = checkHttpUrl(v);
    if (bad) report([], `${name}: ${bad.message}`, bad.expected);
    return v;
  };
  let url: string;
  if (f.metrics_endpoint !== undefined) url = f.metrics_endpoint;
  else if (set('endpoint')) url = appendMetricsPath(f.endpoint);
  else if (envMetricsEndpoint !== undefined) url = envUrl('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', envMetricsEndpoint);
  else if (envEndpoint !== undefined) url = appendMetricsPath(envUrl('OTEL_EXPORTER_OTLP_ENDPOINT', envEndpoint));
  else url = appendMetricsPath(f.endpoint);

  /** A string setting: the file's, else the first set variable's when it is one of `allowed`. */
  const choice = <T extends string>(key: string, fileValue: T, names: readonly string[], allowed: readonly T[], expected: string): T => {
    if (set(key)) return fileValue;
    const name = names.find((n) => e(n) !== undefined);
    if (name === undefined) return fileValue;
    const v = e(name) as string;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    report([], `${name}=${JSON.stringify(v)} is not supported`, expected);
    return fileValue;
  };
  const protocol = choice(
    'protocol',
    f.protocol,
    ['OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'],
    OTLP_FIELDS.protocol.enum,
    '"http/protobuf" or "http/json" (hostprobe sends OTLP over HTTP only)',
  );
  const compression = choice(
    'compression',
    f.compression,
    ['OTEL_EXPORTER_OTLP_METRICS_COMPRESSION', 'OTEL_EXPORTER_OTLP_COMPRESSION'],
    OTLP_FIELDS.compression.enum,
    '"gzip" or "none"',
  );

  // Headers: OTEL_EXPORTER_OTLP_HEADERS < OTEL_EXPORTER_OTLP_METRICS_HEADERS < file.
  const headers: Record<string, string> = {};
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS']) {
    const v = e(name);
    if (v === undefined) continue;
    for (const [k, val] of Object.entries(parseKeyValueList(v, name, report) ?? {})) {
      if (!new RegExp(HEADER_NAME.source).test(k)) report([], `${name}: invalid header name ${JSON.stringify(k)}`, HEADER_NAME.what);
      else headers[k.toLowerCase()] = val;
    }
  }
  for (const [k, v] of Object.entries(f.headers)) {
    const val = headerValue(v, ['headers', k], report, env);
    if (val !== undefined) headers[k.toLowerCase()] = val;
  }

  // TLS: the file's files, else the environment's; they must be readable, cert and key together.
  const tls = { ca_file: '', cert_file: '', key_file: '', insecure_skip_verify: f.tls.insecure_skip_verify };
  for (const [k, suffix] of [
    ['ca_file', 'CERTIFICATE'],
    ['cert_file', 'CLIENT_CERTIFICATE'],
    ['key_file', 'CLIENT_KEY'],
  ] as const) {
    tls[k] = f.tls[k] ?? e(`OTEL_EXPORTER_OTLP_METRICS_${suffix}`) ?? e(`OTEL_EXPORTER_OTLP_${suffix}`) ?? '';
    if (tls[k] === '') continue;
    const err = readable(tls[k]);
    if (err) report(['tls', k], `cannot read ${JSON.stringify(tls[k])}: ${err}`, 'a readable PEM file');
  }
  if ((tls.cert_file === '') !== (tls.key_file === '')) {
    report(
      ['tls', tls.cert_file === '' ? 'cert_file' : 'key_file'],
      'cert_file and key_file go together',
      'both (client certificate and its key) or neither',
    );
  }

  // Interval and timeout (at most one export in flight: the timeout fits in the interval).
  const interval = set('interval') ? f.interval : (envMs(env, 'OTEL_METRIC_EXPORT_INTERVAL', report) ?? f.interval);
  let timeout: number | undefined;
  let timeoutFrom = 'timeout';
  if (set('timeout')) timeout = f.timeout;
  else {
    for (const name of ['OTEL_EXPORTER_OTLP_METRICS_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT', 'OTEL_METRIC_EXPORT_TIMEOUT']) {
      const t = envMs(env, name, report);
      if (t !== undefined) {
        timeout = t;
        timeoutFrom = name;
        break;
      }
    }
  }
  if (timeout === undefined) timeout = Math.min(f.timeout, interval);
  else if (timeout > interval) {
    report(
      timeoutFrom === 'timeout' ? ['timeout'] : [],
      `${timeoutFrom} (${timeout}s) is longer than the export interval (${interval}s)`,
      'a timeout no longer than the interval (at most one export is in flight)',
    );
  }

  // Temporality: the file's enum allows cumulative only; the environment is checked alike.
  if (!set('temporality')) {
    const v = e('OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE');
    if (v !== undefined && v.toLowerCase() !== 'cumulative') {
      report(
        [],
        `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=${JSON.stringify(v)} is not supported`,
        '"cumulative" (kernel counters are cumulative; Prometheus rejects delta)',
      );
    }
  }

  const envRes = e('OTEL_RESOURCE_ATTRIBUTES');
  const env_resource_attributes = (envRes !== undefined ? parseKeyValueList(envRes, 'OTEL_RESOURCE_ATTRIBUTES', report) : undefined) ?? {};
  const service_name = e('OTEL_SERVICE_NAME');

  return {
    enabled,
    source,
    url,
    protocol,
    compression,
    headers,
    tls,
    timeout,
    interval,
    temporality: f.temporality,
    names: f.names,
    resource_attributes: f.resource_attributes,
    env_resource_attributes,
    ...(service_name !== undefined ? { service_name } : {}),
    retry: f.retry,
  };
}

/** The `otlp:` section: the file's keys, published as config/schema/otlp.schema.json. */
export const OTLP_SPEC = {
  kind: 'object',
  description:
    "OTLP/HTTP push of every poll's snapshot. Settings left out fall back to the OTEL_EXPORTER_OTLP_* environment variables, then to the defaults. See docs/otlp.md.",
  schemaRef: 'otlp.schema.json',
  exclusive: [['endpoint', 'metrics_endpoint']],
  fields: OTLP_FIELDS,
  resolve: resolveOtlp,
} as const satisfies ObjectSpec;

/**
 * Validates an `otlp:` value given in code (undefined = the key is absent) against the
 * environment, by the same walk as the file. Returns the resolved section (the defaults
 * when invalid) and the problems, each with a path relative to the section.
 */
export function validateOtlpConfig(value: unknown, env: NodeJS.ProcessEnv = process.env): { value: OtlpConfig; issues: ValueIssue[] } {
  const r = validateValue<OtlpConfig>(value, OTLP_SPEC, env);
  return { value: r.value ?? OTLP_DEFAULTS, issues: r.issues };
}

/** A short description for logs: never includes header values. */
export function describeOtlpConfig(c: OtlpConfig): string {
  if (!c.enabled) return 'otlp push off';
  const hdrs = Object.keys(c.headers);
  return (
    `otlp push to ${c.url.replace(/\/\/[^/@]*@/, '//')} (${c.protocol}, ${c.compression}, every ${c.interval}s, timeout ${c.timeout}s, names ${c.names}` +
    (hdrs.length ? `, headers: ${hdrs.join(', ')}` : '') +
    `; from ${c.source})`
  );
}
