// The otlp: section: defaults, environment autoconfiguration and precedence, secrets from
// the environment and files, and the messages for invalid settings.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKeyValueList, validateOtlpConfig } from '../../../src/config/otlp.js';

const tmp = mkdtempSync(join(tmpdir(), 'hostprobe-otlp-config-'));

function ok(value: unknown, env: NodeJS.ProcessEnv = {}) {
  const r = validateOtlpConfig(value, env);
  expect(r.issues).toEqual([]);
  return r.value;
}

function issues(value: unknown, env: NodeJS.ProcessEnv = {}) {
  return validateOtlpConfig(value, env).issues;
}

describe('enabling', () => {
  it('is off without a section and without OTEL_EXPORTER_OTLP_*ENDPOINT', () => {
    const c = ok(undefined, { OTEL_EXPORTER_OTLP_TIMEOUT: 'garbage' });
    expect(c.enabled).toBe(false);
    expect(c.source).toBe('off');
  });

  it('turns on from OTEL_EXPORTER_OTLP_ENDPOINT, appending /v1/metrics', () => {
    const c = ok(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' });
    expect(c).toMatchObject({ enabled: true, source: 'env', url: 'http://collector:4318/v1/metrics' });
    expect(ok(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/base/' }).url).toBe('http://c:4318/base/v1/metrics');
  });

  it('turns on from the metrics-specific endpoint, used as is, which wins', () => {
    const c = ok(undefined, {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://prom:9090/api/v1/otlp/v1/metrics',
    });
    expect(c.url).toBe('http://prom:9090/api/v1/otlp/v1/metrics');
  });

  it('stays off with OTEL_SDK_DISABLED or OTEL_METRICS_EXPORTER=none', () => {
    expect(ok(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
    expect(ok(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_METRICS_EXPORTER: 'none' }).enabled).toBe(false);
  });

  it('a section turns it on with the defaults; enabled: false turns it off', () => {
    const c = ok({});
    expect(c).toMatchObject({
      enabled: true,
      source: 'config',
      url: 'http://localhost:4318/v1/metrics',
      protocol: 'http/protobuf',
      compression: 'gzip',
      timeout: 10,
      interval: 60,
      temporality: 'cumulative',
      names: 'semconv',
    });
    expect(ok({ enabled: false }).enabled).toBe(false);
  });
});

describe('precedence: file over environment over defaults', () => {
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
    OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
    OTEL_METRIC_EXPORT_INTERVAL: '15000',
    OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic%20abc,x-a=1',
    OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-a=2',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,team=infra%2Cops',
    OTEL_SERVICE_NAME: 'node-agent',
  };

  it('takes the environment when the file says nothing', () => {
    const c = ok({}, env);
    expect(c).toMatchObject({
      url: 'http://env:4318/v1/metrics',
      protocol: 'http/json',
      compression: 'none',
      timeout: 2.5,
      interval: 15,
      headers: { authorization: 'Basic abc', 'x-a': '2' },
      env_resource_attributes: { 'deployment.environment.name': 'prod', team: 'infra,ops' },
      service_name: 'node-agent',
    });
  });

  it('lets the file win', () => {
    const c = ok(
      {
        endpoint: 'https://file:4318',
        protocol: 'http/protobuf',
        compression: 'gzip',
        timeout: '1s',
        interval: '30s',
        headers: { 'X-A': 'file' },
      },
      env,
    );
    expect(c).toMatchObject({
      url: 'https://file:4318/v1/metrics',
      protocol: 'http/protobuf',
      compression: 'gzip',
      timeout: 1,
      interval: 30,
      headers: { authorization: 'Basic abc', 'x-a': 'file' },
    });
  });

  it('clamps the default timeout to a shorter interval', () => {
    expect(ok({ interval: '5s' }).timeout).toBe(5);
  });
});

describe('secrets in headers', () => {
  it('reads a header value from the environment or a file', () => {
    const f = join(tmp, 'token');
    writeFileSync(f, 'tok-from-file\n');
    const c = ok({ headers: { authorization: { env: 'OTLP_TOKEN' }, 'x-key': { file: f } } }, { OTLP_TOKEN: 'Bearer t' });
    expect(c.headers).toEqual({ authorization: 'Bearer t', 'x-key': 'tok-from-file' });
  });

  it('reports a missing variable or file at its key path', () => {
    const got = issues({ headers: { authorization: { env: 'NOPE' }, 'x-key': { file: join(tmp, 'missing') } } });
    expect(got).toHaveLength(2);
    expect(got[0]).toMatchObject({ path: ['headers', 'authorization', 'env'], message: 'environment variable NOPE is not set' });
    expect(got[1]!.path).toEqual(['headers', 'x-key', 'file']);
    expect(got[1]!.message).toMatch(/cannot read .*ENOENT/);
  });

  it('rejects a mapping with both or neither source, and unknown source keys', () => {
    expect(issues({ headers: { a: { env: 'X', file: '/f' } } })[0]!.message).toMatch(/exactly one of env, file/);
    const u = issues({ headers: { a: { enve: 'X' } } });
    expect(u[0]).toMatchObject({ path: ['headers', 'a', 'enve'], message: 'unknown key "enve"', suggestion: 'env' });
  });
});

describe('invalid settings', () => {
  it('names the key, what was expected and the likely intended key', () => {
    const got = issues({ endpont: 'http://x:4318', protocol: 'grpc', compression: 'gzipp', names: 'semconf', interval: 'often' });
    expect(got).toContainEqual(expect.objectContaining({ path: ['endpont'], message: 'unknown key "endpont"', suggestion: 'endpoint' }));
    expect(got).toContainEqual(
      expect.objectContaining({ path: ['protocol'], message: 'invalid value "grpc"', expected: 'one of "http/protobuf", "http/json"' }),
    );
    expect(got).toContainEqual(expect.objectContaining({ path: ['compression'], suggestion: 'gzip' }));
    expect(got).toContainEqual(expect.objectContaining({ path: ['names'], suggestion: 'semconv' }));
    expect(got).toContainEqual(expect.objectContaining({ path: ['interval'], message: 'invalid duration "often"' }));
  });

  it('rejects non-HTTP endpoints and both endpoint forms at once', () => {
    expect(issues({ endpoint: 'grpc://x:4317' })[0]).toMatchObject({ path: ['endpoint'] });
    expect(issues({ endpoint: 'not a url' })[0]!.message).toMatch(/invalid URL/);
    expect(issues({ endpoint: 'http://a', metrics_endpoint: 'http://b/v1/metrics' })[0]!.path).toEqual(['metrics_endpoint']);
  });

  it('rejects a timeout longer than the interval', () => {
    expect(issues({ timeout: '30s', interval: '10s' })[0]).toMatchObject({ path: ['timeout'] });
    expect(issues({}, { OTEL_EXPORTER_OTLP_TIMEOUT: '20000', OTEL_METRIC_EXPORT_INTERVAL: '5000' })[0]!.message).toMatch(
      /OTEL_EXPORTER_OTLP_TIMEOUT \(20s\) is longer than the export interval \(5s\)/,
    );
  });

  it('rejects invalid environment values when the push is on', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318' };
    expect(issues(undefined, { ...env, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })[0]!.message).toMatch(
      /OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is not supported/,
    );
    expect(issues(undefined, { ...env, OTEL_EXPORTER_OTLP_TIMEOUT: '10s' })[0]!.expected).toMatch(/milliseconds/);
    expect(issues(undefined, { ...env, OTEL_RESOURCE_ATTRIBUTES: 'a=1,broken' })[0]!.message).toMatch(/malformed entry "broken"/);
    expect(issues(undefined, { ...env, OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta' })[0]!.message).toMatch(/not supported/);
    expect(issues(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://x' })).toHaveLength(1);
  });

  it('checks TLS files and that cert and key go together', () => {
    const got = issues({ endpoint: 'https://x:4318', tls: { ca_file: join(tmp, 'nope.pem'), cert_file: join(tmp, 'nope.pem') } });
    expect(got.map((i) => i.path.join('.'))).toEqual(['tls.ca_file', 'tls.cert_file', 'tls.key_file']);
  });

  it('rejects delta temporality and Content-Type headers', () => {
    expect(issues({ temporality: 'delta' })[0]!.path).toEqual(['temporality']);
    expect(issues({ headers: { 'Content-Type': 'x' } })[0]!.path).toEqual(['headers', 'Content-Type']);
  });
});

describe('the otlp section without an otlp: key', () => {
  it("follows the loader's environment: off, on from OTEL_EXPORTER_OTLP_ENDPOINT, reported when invalid", async () => {
    const { checkConfigText, formatIssue } = await import('../../../src/config/load.js');
    const off = await checkConfigText('poll_interval: 15s\n', 'agent.yaml', { env: {} });
    expect(off.config!.otlp).toMatchObject({ enabled: false, source: 'off' });
    const on = await checkConfigText('poll_interval: 15s\n', 'agent.yaml', {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://from-env:4318' },
    });
    expect(on.config!.otlp).toMatchObject({ enabled: true, source: 'env', url: 'http://from-env:4318/v1/metrics' });
    const bad = await checkConfigText('poll_interval: 15s\n', 'agent.yaml', {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://from-env:4318', OTEL_EXPORTER_OTLP_TIMEOUT: 'x' },
    });
    expect(bad.config).toBeUndefined();
    expect(bad.issues.map(formatIssue)).toEqual([
      'agent.yaml:1:1: otlp: OTEL_EXPORTER_OTLP_TIMEOUT="x" is invalid; expected a positive whole number of milliseconds',
    ]);
  });

  it('parses baggage-style lists', () => {
    expect(parseKeyValueList(' a = 1 , b=x%3Dy;prop, ,c=', 'X', undefined)).toEqual({ a: '1', b: 'x=y', c: '' });
  });
});

describe('through the agent config loader', () => {
  it('locates otlp problems at file:line:col with the key path', async () => {
    const { checkConfigText, formatIssue } = await import('../../../src/config/load.js');
    const yaml = [
      'poll_interval: 15s',
      'otlp:',
      '  endpont: http://collector:4318',
      '  protocol: grpc',
      '  headers:',
      '    x-key: {env: HOSTPROBE_TEST_UNSET_VAR}',
      '',
    ].join('\n');
    const r = await checkConfigText(yaml, 'agent.yaml', { env: {} });
    expect(r.config).toBeUndefined();
    const lines = r.issues.map(formatIssue);
    expect(lines).toContainEqual(
      expect.stringMatching(/^agent\.yaml:3:3: otlp\.endpont: unknown key "endpont"; .*did you mean "endpoint"\?$/),
    );
    expect(lines).toContainEqual('agent.yaml:4:13: otlp.protocol: invalid value "grpc"; expected one of "http/protobuf", "http/json"');
  });

  it('locates problems found with the environment at their key', async () => {
    const { checkConfigText, formatIssue } = await import('../../../src/config/load.js');
    const yaml = [
      'otlp:',
      '  endpoint: http://collector:4318',
      '  headers:',
      '    x-key: {env: HOSTPROBE_TEST_UNSET_VAR}',
      '  timeout: 30s',
      '  interval: 10s',
      '',
    ].join('\n');
    const r = await checkConfigText(yaml, 'agent.yaml', { env: {} });
    expect(r.issues.map(formatIssue)).toEqual([
      'agent.yaml:4:18: otlp.headers.x-key.env: environment variable HOSTPROBE_TEST_UNSET_VAR is not set; expected a set environment variable holding the header value',
      'agent.yaml:5:12: otlp.timeout: timeout (30s) is longer than the export interval (10s); expected a timeout no longer than the interval (at most one export is in flight)',
    ]);
  });

  it('locates what the section spec rejects: schemes, reserved headers, header value shapes, backoffs, ranges', async () => {
    const { checkConfigText, formatIssue } = await import('../../../src/config/load.js');
    const yaml = [
      'otlp:',
      '  metrics_endpoint: ftp://x/v1/metrics',
      '  headers:',
      '    Content-Type: x',
      '    a: {env: X, file: /f}',
      '    b: [1]',
      '  retry: {initial_backoff: 10s, max_backoff: 1s}',
      '  interval: 2d',
      '',
    ].join('\n');
    const r = await checkConfigText(yaml, 'agent.yaml', { env: {} });
    expect(r.issues.map(formatIssue)).toEqual([
      'agent.yaml:2:21: otlp.metrics_endpoint: unsupported scheme "ftp:" in "ftp://x/v1/metrics"; expected http:// or https:// (OTLP over gRPC is not supported)',
      'agent.yaml:4:5: otlp.headers.Content-Type: Content-Type is set by hostprobe; expected use protocol / compression instead',
      'agent.yaml:5:8: otlp.headers.a: needs exactly one of env, file; expected {env: …} or {file: …}',
      'agent.yaml:6:8: otlp.headers.b: wrong type: got a list; expected a string or a mapping',
      'agent.yaml:7:28: otlp.retry.initial_backoff: initial_backoff (10s) is longer than max_backoff (1s); expected initial_backoff <= max_backoff',
      'agent.yaml:8:13: otlp.interval: "2d" is out of range; expected a duration such as "15s", "500ms" or "1m30s" (or a number of seconds) from 100ms to 24h',
    ]);
    const top = await checkConfigText('endpoint: http://x\n', 'agent.yaml', { env: {} });
    expect(top.issues.map(formatIssue)[0]).toMatch(/^agent\.yaml:1:1: endpoint: unknown key "endpoint" \(it belongs under otlp\)/);
  });

  it('gives the agent a normalised section', async () => {
    const { checkConfigText } = await import('../../../src/config/load.js');
    const r = await checkConfigText('otlp:\n  endpoint: http://c:4318\n  interval: 30s\n', 'agent.yaml', { env: {} });
    expect(r.issues).toEqual([]);
    expect(r.config!.otlp).toMatchObject({ enabled: true, url: 'http://c:4318/v1/metrics', interval: 30, timeout: 10 });
  });
});
