// Starts the OpenTelemetry Collector built by .ci/install.d/50-otelcol.sh on loopback with
// a generated config: the OTLP/HTTP receiver and the file exporter, so a test can read
// back exactly what the Collector received.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { tool, type ToolStatus } from './tools.js';
import { closedPort } from './otlp-fault-server.js';

export const OTELCOL_PATH = process.env.HOSTPROBE_OTELCOL ?? join(homedir(), '.cache', 'hostprobe', 'otelcol', 'otelcol-hostprobe');

export function otelcolTool(): ToolStatus {
  return tool('otelcol-hostprobe', 'build it with: bash .ci/install.d/50-otelcol.sh', [OTELCOL_PATH]);
}

export interface Collector {
  /** Base endpoint (http://127.0.0.1:PORT). */
  endpoint: string;
  /** Every ExportMetricsServiceRequest the Collector wrote, as OTLP/JSON. */
  received(): OtlpJsonRequest[];
  /** Waits until at least `n` requests were written. */
  waitFor(n: number, timeoutMs?: number): Promise<OtlpJsonRequest[]>;
  stop(): Promise<void>;
}

export interface OtlpJsonAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
export interface OtlpJsonKeyValue {
  key: string;
  value: OtlpJsonAnyValue;
}
export interface OtlpJsonPoint {
  attributes?: OtlpJsonKeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano: string;
  asInt?: string;
  asDouble?: number;
}
export interface OtlpJsonMetric {
  name: string;
  description?: string;
  unit?: string;
  sum?: { dataPoints: OtlpJsonPoint[]; aggregationTemporality?: number; isMonotonic?: boolean };
  gauge?: { dataPoints: OtlpJsonPoint[] };
}
export interface OtlpJsonRequest {
  resourceMetrics: {
    resource: { attributes: OtlpJsonKeyValue[] };
    scopeMetrics: { scope: { name: string; version?: string }; metrics: OtlpJsonMetric[] }[];
  }[];
}

export function anyValue(v: OtlpJsonAnyValue | undefined): string | number | boolean | undefined {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return v.boolValue;
}

export function pointValue(p: OtlpJsonPoint): number {
  return p.asInt !== undefined ? Number(p.asInt) : (p.asDouble ?? 0);
}

export function attrsOf(list: OtlpJsonKeyValue[] | undefined): Record<string, string | number | boolean | undefined> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
}

async function waitPort(port: number, timeoutMs: number, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = exited();
    if (why !== undefined) throw new Error(`otelcol exited: ${why}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`otelcol did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startCollector(bin: string): Promise<Collector> {
  const dir = mkdtempSync(join(tmpdir(), 'hostprobe-otelcol-'));
  const port = await closedPort();
  const out = join(dir, 'metrics.jsonl');
  const cfg = join(dir, 'otelcol.yaml');
  writeFileSync(
    cfg,
    [
      'receivers:',
      '  otlp:',
      '    protocols:',
      '      http:',
      `        endpoint: 127.0.0.1:${port}`,
      'exporters:',
      '  file:',
      `    path: ${out}`,
      '    format: json',
      '    flush_interval: 50ms',
      '  debug:',
      '    verbosity: basic',
      'service:',
      '  telemetry:',
      '    metrics:',
      '      level: none',
      '    logs:',
      '      level: warn',
      '  pipelines:',
      '    metrics:',
      '      receivers: [otlp]',
      '      exporters: [file, debug]',
      '',
    ].join('\n'),
  );
  let stderr = '';
  let exit: string | undefined;
  const child: ChildProcess = spawn(bin, ['--config', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-8192);
  });
  child.on('exit', (code, sig) => {
    exit = `code ${code} signal ${sig}; stderr: ${stderr}`;
  });
  await waitPort(port, 30_000, () => exit);
  const received = (): OtlpJsonRequest[] =>
    existsSync(out)
      ? readFileSync(out, 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l) as OtlpJsonRequest)
      : [];
  return {
    endpoint: `http://127.0.0.1:${port}`,
    received,
    async waitFor(n, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const got = received();
        if (got.length >= n) return got;
        if (exit !== undefined) throw new Error(`otelcol exited: ${exit}`);
        if (Date.now() > deadline) throw new Error(`otelcol wrote ${got.length} of ${n} requests; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (exit !== undefined) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await done;
    },
  };
}
