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
 * The loader (src/config/validate.ts) calls {@link otlpSection}.validate with the plain value
 * of the key and turns each issue's path into `file:line:col: otlp.<path>: message`.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import type { ConfigSection, SectionIssue, SectionResult } from './section.js';
import { parseDuration, suggest } from './spec.js';

export type OtlpProtocol = 'http/protobuf' | 'http/json';
export type OtlpCompression = 'gzip' | 'none';
export type OtlpNames = 'semconv' | 'hostmetrics';

/** The normalised section (durations in seconds, headers resolved). */
export interface OtlpConfig {
  /** Push on or off. */
  readonly enabled: boolean;
  /** Why: `config` (an otlp: section), `env` (OTEL_EXPORTER_OTLP_*ENDPOINT without a section), `off`. */
  readonly source: 'config' | 'env' | 'off';
  /** The full metrics URL requests are POSTed to. */
  readonly url: string;
  readonly protocol: OtlpProtocol;
  readonly compression: OtlpCompression;
  /** Request headers, values resolved from env/files (secrets: never log them). */
  readonly headers: Readonly<Record<string, string>>;
  readonly tls: {
    readonly ca_file: string;
    readonly cert_file: string;
    readonly key_file: string;
    readonly insecure_skip_verify: boolean;
  };
  /** Seconds: deadline of one export, retries and waits included. */
  readonly timeout: number;
  /** Seconds between exports. */
  readonly interval: number;
  readonly temporality: 'cumulative';
  readonly names: OtlpNames;
  /** `resource_attributes` from the file (highest precedence). */
  readonly resource_attributes: Readonly<Record<string, string>>;
  /** OTEL_RESOURCE_ATTRIBUTES, parsed. */
  readonly env_resource_attributes: Readonly<Record<string, string>>;
  /** OTEL_SERVICE_NAME, when set. */
  readonly service_name?: string;
  readonly retry: {
    readonly enabled: boolean;
    /** Seconds. */
    readonly initial_backoff: number;
    /** Seconds. */
    readonly max_backoff: number;
  };
}

export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';
const DEFAULT_TIMEOUT = 10;
const DEFAULT_INTERVAL = 60;

/** The section when nothing (file or environment) asks for a push. */
export const OTLP_DEFAULTS: OtlpConfig = Object.freeze({
  enabled: false,
  source: 'off',
  url: `${DEFAULT_OTLP_ENDPOINT}/v1/metrics`,
  protocol: 'http/protobuf',
  compression: 'gzip',
  headers: Object.freeze({}),
  tls: Object.freeze({ ca_file: '', cert_file: '', key_file: '', insecure_skip_verify: false }),
  timeout: DEFAULT_TIMEOUT,
  interval: DEFAULT_INTERVAL,
  temporality: 'cumulative',
  names: 'semconv',
  resource_attributes: Object.freeze({}),
  env_resource_attributes: Object.freeze({}),
  retry: Object.freeze({ enabled: true, initial_backoff: 1, max_backoff: 5 }),
}) as OtlpConfig;

const KEYS = [
  'enabled',
  'endpoint',
  'metrics_endpoint',
  'protocol',
  'compression',
  'headers',
  'tls',
  'timeout',
  'interval',
  'temporality',
  'names',
  'resource_attributes',
  'retry',
] as const;
const TLS_KEYS = ['ca_file', 'cert_file', 'key_file', 'insecure_skip_verify'] as const;
const RETRY_KEYS = ['enabled', 'initial_backoff', 'max_backoff'] as const;
const HEADER_SOURCE_KEYS = ['env', 'file'] as const;
/** The keys the section accepts, for the schema drift test. */
export const OTLP_KEYS = { top: KEYS, tls: TLS_KEYS, retry: RETRY_KEYS, headerSource: HEADER_SOURCE_KEYS } as const;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESOURCE_KEY = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/;

type Path = (string | number)[];

/** Collects section issues. */
export class Issues {
  readonly list: SectionIssue[] = [];
  add(path: Path, message: string, expected?: string, suggestion?: string): void {
    const issue: { path: Path; message: string; expected?: string; suggestion?: string } = { path, message };
    if (expected !== undefined) issue.expected = expected;
    if (suggestion !== undefined) issue.suggestion = suggestion;
    this.list.push(issue);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], path: Path, issues: Issues): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) issues.add([...path, k], 'unknown key', `one of ${allowed.join(', ')}`, suggest(k, allowed));
  }
}

const DURATION_EXPECTED = 'a duration such as "10s", "500ms" or "1m" (or a number of seconds)';

function duration(v: unknown, path: Path, issues: Issues, min: number, max: number): number | undefined {
  let secs: number | undefined;
  if (typeof v === 'number') secs = v;
  else if (typeof v === 'string') secs = parseDuration(v);
  if (secs === undefined || !Number.isFinite(secs)) {
    issues.add(path, `invalid duration ${describe(v)}`, DURATION_EXPECTED);
    return undefined;
  }
  if (secs < min || secs > max) {
    issues.add(path, `${describe(v)} is out of range`, `${DURATION_EXPECTED} between ${min}s and ${max}s`);
    return undefined;
  }
  return secs;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], path: Path, issues: Issues): T | undefined {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  const sugg = typeof v === 'string' ? suggest(v, allowed) : undefined;
  issues.add(path, `invalid value ${describe(v)}`, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, sugg);
  return undefined;
}

function bool(v: unknown, path: Path, issues: Issues): boolean | undefined {
  if (typeof v === 'boolean') return v;
  issues.add(path, `invalid value ${describe(v)}`, 'true or false');
  return undefined;
}

/** Checks an endpoint URL; returns it without a trailing slash problem. */
function url(v: unknown, path: Path, issues: Issues, what: string): string | undefined {
  if (typeof v !== 'string' || v.trim() === '') {
    issues.add(path, `invalid value ${describe(v)}`, `${what}: an http:// or https:// URL`);
    return undefined;
  }
  let u: URL;
  try {
    u = new URL(v.trim());
  } catch {
    issues.add(path, `invalid URL ${JSON.stringify(v)}`, `${what}: an http:// or https:// URL`);
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    issues.add(path, `unsupported scheme "${u.protocol}" in ${JSON.stringify(v)}`, 'http:// or https:// (OTLP over gRPC is not supported)');
    return undefined;
  }
  return v.trim();
}

/** Base endpoint + /v1/metrics, per the OTLP exporter spec. */
export function appendMetricsPath(base: string): string {
  return base.endsWith('/') ? `${base}v1/metrics` : `${base}/v1/metrics`;
}

/**
 * Parses a W3C-baggage-style `key=value,key2=value2` list (OTEL_EXPORTER_OTLP_HEADERS,
 * OTEL_RESOURCE_ATTRIBUTES), percent-decoding keys and values. Returns undefined and
 * reports when an entry is malformed.
 */
export function parseKeyValueList(text: string, what: string, issues: Issues | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let ok = true;
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) {
      issues?.add([], `${what}: malformed entry ${JSON.stringify(item)}`, 'comma-separated key=value pairs');
      ok = false;
      continue;
    }
    try {
      const k = decodeURIComponent(item.slice(0, eq).trim());
      // Baggage-style properties after ';' are ignored.
      const v = decodeURIComponent(item.slice(eq + 1).split(';')[0]!.trim());
      out[k] = v;
    } catch {
      issues?.add([], `${what}: bad percent-encoding in ${JSON.stringify(item)}`, 'comma-separated key=value pairs, values percent-encoded');
      ok = false;
    }
  }
  return ok ? out : undefined;
}

function envMs(env: NodeJS.ProcessEnv, name: string, issues: Issues): number | undefined {
  const v = env[name];
  if (v === undefined || v.trim() === '') return undefined;
  if (!/^\d+$/.test(v.trim()) || Number(v) <= 0) {
    issues.add([], `${name}=${JSON.stringify(v)} is invalid`, 'a positive whole number of milliseconds');
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

function headerValue(v: unknown, path: Path, issues: Issues, env: NodeJS.ProcessEnv): string | undefined {
  let value: string | undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') value = String(v);
  else if (isRecord(v)) {
    checkKeys(v, HEADER_SOURCE_KEYS, path, issues);
    const keys = Object.keys(v).filter((k) => (HEADER_SOURCE_KEYS as readonly string[]).includes(k));
    if (keys.length !== 1) {
      issues.add(path, 'a header value mapping needs exactly one of env, file', '{env: VARIABLE} or {file: /path/to/secret}');
      return undefined;
    }
    if (keys[0] === 'env') {
      const name = v.env;
      if (typeof name !== 'string' || name === '') {
        issues.add([...path, 'env'], `invalid value ${describe(name)}`, 'the name of an environment variable');
        return undefined;
      }
      value = env[name];
      if (value === undefined) {
        issues.add([...path, 'env'], `environment variable ${name} is not set`, 'a set environment variable holding the header value');
        return undefined;
      }
    } else {
      const file = v.file;
      if (typeof file !== 'string' || file === '') {
        issues.add([...path, 'file'], `invalid value ${describe(file)}`, 'the path of a file holding the header value');
        return undefined;
      }
      try {
        value = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      } catch (e) {
        issues.add([...path, 'file'], `cannot read ${JSON.stringify(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'a readable file holding the header value');
        return undefined;
      }
    }
  } else {
    issues.add(path, `invalid value ${describe(v)}`, 'a string, {env: VARIABLE} or {file: /path/to/secret}');
    return undefined;
  }
  if (/[\r\n\0]/.test(value)) {
    issues.add(path, 'header value contains a line break or NUL', 'a single-line value');
    return undefined;
  }
  return value;
}

/**
 * Validates the `otlp:` value (undefined = the key is absent) against the environment.
 * Returns the normalised section and the problems found, each with a path relative to
 * the section.
 */
export function validateOtlpConfig(value: unknown, env: NodeJS.ProcessEnv = process.env): SectionResult<OtlpConfig> {
  const issues = new Issues();
  const present = value !== undefined && value !== null;
  if (value !== undefined && value !== null && !isRecord(value)) {
    issues.add([], `invalid value ${describe(value)}`, 'a mapping of OTLP settings');
    return { value: OTLP_DEFAULTS, issues: issues.list };
  }
  const sec: Record<string, unknown> = isRecord(value) ? value : {};
  if (present) checkKeys(sec, KEYS, [], issues);

  const e = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const envMetricsEndpoint = e('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT');
  const envEndpoint = e('OTEL_EXPORTER_OTLP_ENDPOINT');

  let enabled: boolean;
  let source: OtlpConfig['source'];
  if (present) {
    enabled = sec.enabled === undefined ? true : (bool(sec.enabled, ['enabled'], issues) ?? true);
    source = enabled ? 'config' : 'off';
  } else {
    const disabled =
      e('OTEL_SDK_DISABLED')?.toLowerCase() === 'true' || e('OTEL_METRICS_EXPORTER')?.toLowerCase() === 'none';
    enabled = !disabled && (envEndpoint !== undefined || envMetricsEndpoint !== undefined);
    source = enabled ? 'env' : 'off';
    // Without a section and without the variables that turn the push on, the rest of the
    // environment is not ours to judge (other SDKs in the same environment use it).
    if (!enabled) return { value: OTLP_DEFAULTS, issues: [] };
  }

  // Endpoint.
  let target: string | undefined;
  if (sec.metrics_endpoint !== undefined) target = url(sec.metrics_endpoint, ['metrics_endpoint'], issues, 'the full metrics URL');
  else if (sec.endpoint !== undefined) {
    const b = url(sec.endpoint, ['endpoint'], issues, 'the base URL (/v1/metrics is appended)');
    if (b) target = appendMetricsPath(b);
  } else if (envMetricsEndpoint !== undefined) {
    target = url(envMetricsEndpoint, [], issues, 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT');
  } else if (envEndpoint !== undefined) {
    const b = url(envEndpoint, [], issues, 'OTEL_EXPORTER_OTLP_ENDPOINT');
    if (b) target = appendMetricsPath(b);
  } else target = `${DEFAULT_OTLP_ENDPOINT}/v1/metrics`;
  if (sec.endpoint !== undefined && sec.metrics_endpoint !== undefined) {
    issues.add(['metrics_endpoint'], 'endpoint and metrics_endpoint are both set', 'only one: endpoint (base URL, /v1/metrics appended) or metrics_endpoint (full URL)');
  }

  // Protocol.
  const PROTOCOLS = ['http/protobuf', 'http/json'] as const;
  let protocol: OtlpProtocol = 'http/protobuf';
  if (sec.protocol !== undefined) protocol = oneOf(sec.protocol, PROTOCOLS, ['protocol'], issues) ?? protocol;
  else {
    const name = e('OTEL_EXPORTER_OTLP_METRICS_PROTOCOL') ? 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
    const v = e(name);
    if (v !== undefined) {
      if ((PROTOCOLS as readonly string[]).includes(v)) protocol = v as OtlpProtocol;
      else issues.add([], `${name}=${JSON.stringify(v)} is not supported`, '"http/protobuf" or "http/json" (hostprobe sends OTLP over HTTP only)');
    }
  }

  // Compression.
  const COMPRESSIONS = ['gzip', 'none'] as const;
  let compression: OtlpCompression = 'gzip';
  if (sec.compression !== undefined) compression = oneOf(sec.compression, COMPRESSIONS, ['compression'], issues) ?? compression;
  else {
    const name = e('OTEL_EXPORTER_OTLP_METRICS_COMPRESSION') ? 'OTEL_EXPORTER_OTLP_METRICS_COMPRESSION' : 'OTEL_EXPORTER_OTLP_COMPRESSION';
    const v = e(name);
    if (v !== undefined) {
      if (v === 'gzip' || v === 'none') compression = v;
      else issues.add([], `${name}=${JSON.stringify(v)} is not supported`, '"gzip" or "none"');
    }
  }

  // Headers: OTEL_EXPORTER_OTLP_HEADERS < OTEL_EXPORTER_OTLP_METRICS_HEADERS < file.
  const headers: Record<string, string> = {};
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS']) {
    const v = e(name);
    if (v === undefined) continue;
    const parsed = parseKeyValueList(v, name, issues);
    if (parsed) {
      for (const [k, val] of Object.entries(parsed)) {
        if (!HEADER_NAME.test(k)) issues.add([], `${name}: invalid header name ${JSON.stringify(k)}`, 'an HTTP header name (letters, digits, -)');
        else headers[k.toLowerCase()] = val;
      }
    }
  }
  if (sec.headers !== undefined) {
    if (!isRecord(sec.headers)) issues.add(['headers'], `invalid value ${describe(sec.headers)}`, 'a mapping of header name to value');
    else {
      for (const [k, v] of Object.entries(sec.headers)) {
        if (!HEADER_NAME.test(k)) {
          issues.add(['headers', k], `invalid header name ${JSON.stringify(k)}`, 'an HTTP header name (letters, digits, -)');
          continue;
        }
        const lower = k.toLowerCase();
        if (lower === 'content-type' || lower === 'content-encoding' || lower === 'content-length') {
          issues.add(['headers', k], `${k} is set by hostprobe`, 'use protocol / compression instead');
          continue;
        }
        const val = headerValue(v, ['headers', k], issues, env);
        if (val !== undefined) headers[lower] = val;
      }
    }
  }

  // TLS.
  const tls = { ca_file: '', cert_file: '', key_file: '', insecure_skip_verify: false };
  const tlsEnv: [keyof typeof tls, string][] = [
    ['ca_file', 'CERTIFICATE'],
    ['cert_file', 'CLIENT_CERTIFICATE'],
    ['key_file', 'CLIENT_KEY'],
  ];
  for (const [k, suffix] of tlsEnv) {
    const v = e(`OTEL_EXPORTER_OTLP_METRICS_${suffix}`) ?? e(`OTEL_EXPORTER_OTLP_${suffix}`);
    if (v !== undefined) (tls as Record<string, unknown>)[k] = v;
  }
  if (sec.tls !== undefined) {
    if (!isRecord(sec.tls)) issues.add(['tls'], `invalid value ${describe(sec.tls)}`, 'a mapping with ca_file, cert_file, key_file, insecure_skip_verify');
    else {
      checkKeys(sec.tls, TLS_KEYS, ['tls'], issues);
      for (const k of ['ca_file', 'cert_file', 'key_file'] as const) {
        const v = sec.tls[k];
        if (v === undefined) continue;
        if (typeof v !== 'string' || v === '') issues.add(['tls', k], `invalid value ${describe(v)}`, 'a file path');
        else tls[k] = v;
      }
      if (sec.tls.insecure_skip_verify !== undefined) {
        tls.insecure_skip_verify = bool(sec.tls.insecure_skip_verify, ['tls', 'insecure_skip_verify'], issues) ?? false;
      }
    }
  }
  for (const k of ['ca_file', 'cert_file', 'key_file'] as const) {
    if (tls[k] === '') continue;
    const err = readable(tls[k]);
    if (err) issues.add(['tls', k], `cannot read ${JSON.stringify(tls[k])}: ${err}`, 'a readable PEM file');
  }
  if ((tls.cert_file === '') !== (tls.key_file === '')) {
    issues.add(['tls', tls.cert_file === '' ? 'cert_file' : 'key_file'], 'cert_file and key_file go together', 'both (client certificate and its key) or neither');
  }

  // Interval and timeout.
  let interval = DEFAULT_INTERVAL;
  if (sec.interval !== undefined) interval = duration(sec.interval, ['interval'], issues, 0.1, 86400) ?? interval;
  else interval = envMs(env, 'OTEL_METRIC_EXPORT_INTERVAL', issues) ?? interval;
  let timeout: number | undefined;
  let timeoutFrom = 'timeout';
  if (sec.timeout !== undefined) timeout = duration(sec.timeout, ['timeout'], issues, 0.001, 3600);
  else {
    for (const name of ['OTEL_EXPORTER_OTLP_METRICS_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT', 'OTEL_METRIC_EXPORT_TIMEOUT']) {
      const t = envMs(env, name, issues);
      if (t !== undefined) {
        timeout = t;
        timeoutFrom = name;
        break;
      }
    }
  }
  if (timeout === undefined) timeout = Math.min(DEFAULT_TIMEOUT, interval);
  else if (timeout > interval) {
    issues.add(
      timeoutFrom === 'timeout' ? ['timeout'] : [],
      `${timeoutFrom === 'timeout' ? 'timeout' : timeoutFrom} (${timeout}s) is longer than the export interval (${interval}s)`,
      'a timeout no longer than the interval (at most one export is in flight)',
    );
  }

  // Temporality.
  if (sec.temporality !== undefined) oneOf(sec.temporality, ['cumulative'] as const, ['temporality'], issues);
  else {
    const v = e('OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE');
    if (v !== undefined && v.toLowerCase() !== 'cumulative') {
      issues.add([], `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=${JSON.stringify(v)} is not supported`, '"cumulative" (kernel counters are cumulative; Prometheus rejects delta)');
    }
  }

  // Names.
  let names: OtlpNames = 'semconv';
  if (sec.names !== undefined) names = oneOf(sec.names, ['semconv', 'hostmetrics'] as const, ['names'], issues) ?? names;

  // Resource attributes.
  const resource_attributes: Record<string, string> = {};
  if (sec.resource_attributes !== undefined) {
    if (!isRecord(sec.resource_attributes)) {
      issues.add(['resource_attributes'], `invalid value ${describe(sec.resource_attributes)}`, 'a mapping of attribute name to string value');
    } else {
      for (const [k, v] of Object.entries(sec.resource_attributes)) {
        if (!RESOURCE_KEY.test(k)) issues.add(['resource_attributes', k], `invalid attribute name ${JSON.stringify(k)}`, 'a dotted name such as deployment.environment.name');
        else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') resource_attributes[k] = String(v);
        else issues.add(['resource_attributes', k], `invalid value ${describe(v)}`, 'a string');
      }
    }
  }
  const envRes = e('OTEL_RESOURCE_ATTRIBUTES');
  const env_resource_attributes = (envRes !== undefined ? parseKeyValueList(envRes, 'OTEL_RESOURCE_ATTRIBUTES', issues) : undefined) ?? {};
  const service_name = e('OTEL_SERVICE_NAME');

  // Retry.
  const retry = { ...OTLP_DEFAULTS.retry };
  if (sec.retry !== undefined) {
    if (!isRecord(sec.retry)) issues.add(['retry'], `invalid value ${describe(sec.retry)}`, 'a mapping with enabled, initial_backoff, max_backoff');
    else {
      checkKeys(sec.retry, RETRY_KEYS, ['retry'], issues);
      if (sec.retry.enabled !== undefined) retry.enabled = bool(sec.retry.enabled, ['retry', 'enabled'], issues) ?? true;
      if (sec.retry.initial_backoff !== undefined) {
        retry.initial_backoff = duration(sec.retry.initial_backoff, ['retry', 'initial_backoff'], issues, 0.001, 3600) ?? retry.initial_backoff;
      }
      if (sec.retry.max_backoff !== undefined) {
        retry.max_backoff = duration(sec.retry.max_backoff, ['retry', 'max_backoff'], issues, 0.001, 3600) ?? retry.max_backoff;
      }
      if (retry.max_backoff < retry.initial_backoff) {
        issues.add(['retry', 'max_backoff'], `max_backoff (${retry.max_backoff}s) is shorter than initial_backoff (${retry.initial_backoff}s)`, 'max_backoff >= initial_backoff');
      }
    }
  }

  const out: OtlpConfig = {
    enabled,
    source,
    url: target ?? OTLP_DEFAULTS.url,
    protocol,
    compression,
    headers,
    tls,
    timeout,
    interval,
    temporality: 'cumulative',
    names,
    resource_attributes,
    env_resource_attributes,
    ...(service_name !== undefined ? { service_name } : {}),
    retry,
  };
  return { value: out, issues: issues.list };
}

/**
 * The section as the config loader uses it. `defaults` is what applies when the file has
 * no `otlp:` key; it depends on the environment (OTEL_EXPORTER_OTLP_ENDPOINT turns the
 * push on), so it is computed when read, and is undefined when the environment is invalid
 * so that the loader calls `validate(undefined)` and reports the problem.
 */
export const otlpSection: ConfigSection<OtlpConfig> = {
  key: 'otlp',
  get defaults(): OtlpConfig {
    const r = validateOtlpConfig(undefined);
    return (r.issues.length === 0 ? r.value : undefined) as OtlpConfig;
  },
  validate: (value: unknown) => validateOtlpConfig(value),
};

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
