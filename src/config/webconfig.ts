/**
 * The exporter-toolkit web config (node_exporter's --web.config.file), read verbatim so
 * users can reuse their files: TLS (`tls_server_config`, with `client_allowed_sans`), basic
 * auth with bcrypt hashes (`basic_auth_users`), response headers
 * (`http_server_config.headers`) and the request rate limit (`rate_limit`). Keys of that
 * format hostprobe does not implement are rejected by name, not silently ignored.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ObjectSpec } from './spec.js';
import { checkTlsMaterial } from './tls-material.js';
import { ConfigError, validateConfigText } from './validate.js';

const TLS_VERSIONS = ['TLS10', 'TLS11', 'TLS12', 'TLS13'] as const;
const CLIENT_AUTH = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const;

const WEB_CONFIG_SPEC: ObjectSpec = {
  kind: 'object',
  description: 'exporter-toolkit web configuration',
  fields: {
    tls_server_config: {
      kind: 'object',
      required: ['cert_file', 'key_file'],
      unsupported: {
        cert: 'give the certificate as cert_file',
        key: 'give the key as key_file',
        client_ca: 'give the CA as client_ca_file',
        cipher_suites: "Node's defaults apply",
        curve_preferences: "Node's defaults apply",
        prefer_server_cipher_suites: "Node's defaults apply",
      },
      fields: {
        cert_file: { kind: 'string', minLength: 1, description: 'Server certificate (PEM).' },
        key_file: { kind: 'string', minLength: 1, description: 'Server key (PEM).' },
        client_auth_type: { kind: 'string', enum: CLIENT_AUTH, default: 'NoClientCert', description: 'Client certificate policy.' },
        client_ca_file: { kind: 'string', default: '', description: 'CA for client certificates (PEM).' },
        min_version: { kind: 'string', enum: TLS_VERSIONS, default: 'TLS12', description: 'Minimum TLS version.' },
        max_version: { kind: 'string', enum: TLS_VERSIONS, default: 'TLS13', description: 'Maximum TLS version.' },
        client_allowed_sans: {
          kind: 'array',
          items: { kind: 'string', minLength: 1 },
          description:
            'The client certificate must carry one of these Subject Alternative Names (DNS, IP, e-mail or URI, exact match), else the connection is closed. Needs client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert.',
        },
      },
    },
    http_server_config: {
      kind: 'object',
      fields: {
        http2: { kind: 'boolean', default: false, description: 'Accepted for compatibility; hostprobe serves HTTP/1.1.' },
        headers: { kind: 'map', values: { kind: 'string' }, description: 'Headers added to every response.' },
      },
    },
    basic_auth_users: {
      kind: 'map',
      values: {
        kind: 'string',
        pattern: { source: '^\\$2[abxy]?\\$\\d\\d\\$[./A-Za-z0-9]{53}$', what: 'a bcrypt hash (htpasswd -nBC 10 "" | tr -d \':\\n\')' },
      },
      description: 'user → bcrypt hash of the password.',
    },
    rate_limit: {
      kind: 'object',
      description: 'A token bucket over all requests but the probes (/healthz, /readyz): beyond it, 429.',
      fields: {
        interval: { kind: 'duration', minimum: 0, default: 0, description: 'Time to earn one request; 0 turns the limit off.' },
        burst: { kind: 'number', integer: true, minimum: 0, default: 0, description: 'Requests that may come at once.' },
      },
    },
  },
};

export interface WebConfig {
  readonly tls?: {
    readonly cert: Buffer;
    readonly key: Buffer;
    readonly ca?: Buffer;
    readonly clientAuth: (typeof CLIENT_AUTH)[number];
    readonly minVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
    readonly maxVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
    /** Paths, for reloads and messages. */
    readonly certFile: string;
    readonly keyFile: string;
    /** client_allowed_sans; empty: any certificate the policy accepts. */
    readonly allowedSans: readonly string[];
  };
  /** rate_limit, when on (interval > 0). */
  readonly rateLimit?: { readonly intervalSeconds: number; readonly burst: number };
  /** user → bcrypt hash. */
  readonly users: ReadonlyMap<string, string>;
  readonly headers: Readonly<Record<string, string>>;
}

const NODE_TLS: Record<(typeof TLS_VERSIONS)[number], 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

/** Reads and validates a web config file; relative paths are relative to the file. Throws ConfigError. */
export async function loadWebConfig(file: string): Promise<WebConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(
      [{ file, line: 1, col: 1, path: '', message: `cannot read the web config file: ${(e as Error).message}` }],
      'cannot load the web config:',
    );
  }
  const r = validateConfigText(text, WEB_CONFIG_SPEC, { file });
  if (r.issues.length)
    throw new ConfigError(r.issues, `invalid web config (${r.issues.length} problem${r.issues.length === 1 ? '' : 's'}):`);
  const v = r.value as {
    tls_server_config?: {
      cert_file: string;
      key_file: string;
      client_auth_type: (typeof CLIENT_AUTH)[number];
      client_ca_file: string;
      min_version: (typeof TLS_VERSIONS)[number];
      max_version: (typeof TLS_VERSIONS)[number];
      client_allowed_sans?: string[];
    };
    http_server_config?: { headers?: Record<string, string> };
    basic_auth_users?: Record<string, string>;
    rate_limit?: { interval: number; burst: number };
  };
  const invalid = (path: readonly string[], message: string): ConfigError => {
    const { line, col } = r.where(path);
    return new ConfigError([{ file, line, col, path: path.join('.'), message }], 'invalid web config:');
  };
  const base = dirname(resolve(file));
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const readPem = async (p: string, key: string): Promise<Buffer> => {
    try {
      return await readFile(at(p));
    } catch (e) {
      throw new ConfigError(
        [{ file, line: 1, col: 1, path: `tls_server_config.${key}`, message: `cannot read ${at(p)}: ${(e as Error).message}` }],
        'cannot load the web config:',
      );
    }
  };
  const out: { -readonly [K in keyof WebConfig]: WebConfig[K] } = {
    users: new Map(Object.entries(v.basic_auth_users ?? {})),
    headers: v.http_server_config?.headers ?? {},
  };
  const t = v.tls_server_config;
  if (t && r.explicit.has('tls_server_config')) {
    // `tls_server_config:` with no value passes the spec's required check (a null section);
    // without this the PEM read below threw a TypeError on an undefined path (fuzzing:
    // test/fixtures/fuzz-regressions/ts-webconfig-load/).
    if (!t.cert_file || !t.key_file) throw invalid(['tls_server_config'], 'tls_server_config needs cert_file and key_file');
    const needsCa = t.client_auth_type === 'VerifyClientCertIfGiven' || t.client_auth_type === 'RequireAndVerifyClientCert';
    if (needsCa && !t.client_ca_file) {
      throw invalid(['tls_server_config', 'client_auth_type'], `client_auth_type ${t.client_auth_type} needs client_ca_file`);
    }
    const sans = t.client_allowed_sans ?? [];
    if (sans.length && t.client_auth_type !== 'RequireAnyClientCert' && t.client_auth_type !== 'RequireAndVerifyClientCert') {
      throw invalid(
        ['tls_server_config', 'client_allowed_sans'],
        `client_allowed_sans needs client_auth_type RequireAndVerifyClientCert (or RequireAnyClientCert), not ${t.client_auth_type}: without a required certificate there is no SAN to check`,
      );
    }
    // Read in parallel, but report the first failure in key order, not whichever read lost the race.
    const reads = await Promise.allSettled([
      readPem(t.cert_file, 'cert_file'),
      readPem(t.key_file, 'key_file'),
      t.client_ca_file ? readPem(t.client_ca_file, 'client_ca_file') : Promise.resolve(undefined),
    ]);
    for (const r of reads) if (r.status === 'rejected') throw r.reason;
    const [cert, key, ca] = reads.map((r) => (r.status === 'fulfilled' ? r.value : undefined)) as [Buffer, Buffer, Buffer | undefined];
    const problem = checkTlsMaterial({
      cert,
      key,
      ...(ca ? { ca, caFile: at(t.client_ca_file) } : {}),
      minVersion: NODE_TLS[t.min_version],
      maxVersion: NODE_TLS[t.max_version],
      certFile: at(t.cert_file),
      keyFile: at(t.key_file),
    });
    if (problem) throw invalid(['tls_server_config', problem.key], problem.message);
    out.tls = {
      cert,
      key,
      ...(ca ? { ca } : {}),
      clientAuth: t.client_auth_type,
      minVersion: NODE_TLS[t.min_version],
      maxVersion: NODE_TLS[t.max_version],
      certFile: at(t.cert_file),
      keyFile: at(t.key_file),
      allowedSans: sans,
    };
  } else if (v.tls_server_config?.client_allowed_sans?.length) {
    throw invalid(['tls_server_config', 'client_allowed_sans'], 'client_allowed_sans needs TLS (cert_file, key_file)');
  }
  const rl = v.rate_limit;
  if (rl && rl.interval > 0) {
    if (rl.burst < 1)
      throw invalid(['rate_limit', 'burst'], 'burst must be at least 1 when interval is set: with 0 every request would be refused');
    out.rateLimit = { intervalSeconds: rl.interval, burst: rl.burst };
  }
  return out;
}
