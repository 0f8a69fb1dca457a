// hostprobe/prom-client through a real prom-client Registry (beside prom-client's own
// default metrics), served over HTTP from this process, checked by promtool and scraped by
// a real Prometheus. The values are read from this host's /proc and /sys.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerHostMetrics, type HostMetrics } from '../../../src/integrations/prom-client.js';
import { ConfigError } from '../../../src/config/load.js';
import { haveTool, tool } from '../../helpers/tools.js';
import {
  freePort,
  parseFamilies,
  promQuery,
  promtoolCheck,
  promtoolOk,
  startPrometheus,
  waitFor,
  type Daemon,
} from '../../helpers/agent.js';

/** This process's comm, for a process group that holds (at least) this process. */
const comm = readFileSync('/proc/self/comm', 'utf8').trim();

describe('registerHostMetrics', () => {
  const registry = new Registry();
  let host: HostMetrics;
  let server: http.Server;
  let url = '';

  beforeAll(async () => {
    collectDefaultMetrics({ register: registry });
    host = await registerHostMetrics(registry, { processGroups: [{ name: 'self', comm: [comm] }] });
    server = http.createServer((_req, res) => {
      registry.metrics().then(
        (body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
        (e: unknown) => res.writeHead(500).end(String(e)),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await host?.close();
  });

  it("serves node_exporter's families beside prom-client's own, filled at scrape time", async () => {
    expect(host.families).toContain('node_cpu_seconds_total');
    const fams = parseFamilies(await registry.metrics());
    expect(fams.get('process_cpu_user_seconds_total')?.type).toBe('counter'); // prom-client's default metrics
    const cpu = fams.get('node_cpu_seconds_total');
    expect(cpu?.type).toBe('counter');
    expect(new Set(cpu?.samples.map((s) => s.labels.cpu)).size).toBe(cpus().length);
    expect(cpu?.samples.find((s) => s.labels.mode === 'idle')?.value).toBeGreaterThan(0);
    const memTotal = fams.get('node_memory_MemTotal_bytes')?.samples[0]?.value ?? 0;
    const meminfo = /^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    expect(memTotal).toBe(Number(meminfo?.[1]) * 1024);
    expect(fams.get('node_load1')?.type).toBe('gauge');
    // Every collector ran and succeeded.
    const success = fams.get('node_scrape_collector_success')?.samples ?? [];
    expect(success.map((s) => s.labels.collector).sort()).toEqual(['cpu', 'disk', 'hardware', 'host', 'mem', 'net', 'nic', 'process']);
    for (const s of success) expect(s.value, s.labels.collector).toBe(1);
    // The process group holds this process.
    const group = fams.get('namedprocess_namegroup_num_procs')?.samples.find((s) => s.labels.groupname === 'self');
    expect(group?.value).toBeGreaterThanOrEqual(1);
  });

  it('reads new values at each scrape', async () => {
    const read = async (): Promise<number> =>
      parseFamilies(await registry.metrics()).get('node_context_switches_total')?.samples[0]?.value ?? Number.NaN;
    const a = await read();
    const b = await waitFor(
      async () => {
        const v = await read();
        return v > a ? v : undefined;
      },
      30_000,
      'context switches to grow between scrapes',
    );
    expect(b).toBeGreaterThan(a);
  });

  it('passes promtool check metrics', async () => {
    const promtool = tool('promtool', 'apt-get install prometheus');
    if (!haveTool(promtool)) return;
    // hostprobe's families only: prom-client's own nodejs_active_*_total gauges fail the lint.
    const text = (await Promise.all(host.families.map((n) => registry.getSingleMetricAsString(n)))).join('\n') + '\n';
    expect(parseFamilies(text).get('node_cpu_seconds_total')?.samples.length).toBeGreaterThan(0);
    const r = promtoolCheck(promtool.path, text);
    expect(promtoolOk(r)).toBeUndefined();
  });

  it('refuses a second registration of the same families', async () => {
    await expect(registerHostMetrics(registry)).rejects.toThrow(/node_\w+.*already been registered|already been registered/);
    // The failed attempt left the first registration whole.
    expect(parseFamilies(await registry.metrics()).get('node_cpu_seconds_total')?.samples.length).toBeGreaterThan(0);
  });

  it('names a bad option', async () => {
    const other = new Registry();
    const e = await registerHostMetrics(other, { config: { collectors: { cpu: { enabled: 'yes' as unknown as boolean } } } }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ConfigError);
    expect(String((e as Error).message)).toContain('collectors.cpu.enabled');
    await expect(registerHostMetrics(other, { config: { collectors: { textfile: { enabled: true } } } })).rejects.toThrow(/textfile/);
    expect(other.getMetricsAsArray()).toHaveLength(0);
  });

  it('close() removes its families and leaves the others', async () => {
    const other = new Registry();
    collectDefaultMetrics({ register: other });
    const before = other.getMetricsAsArray().length;
    const h = await registerHostMetrics(other, { config: { collectors: { process: { enabled: false } } } });
    expect(other.getMetricsAsArray().length).toBe(before + h.families.length);
    expect(h.families).not.toContain('node_processes_pids');
    await h.close();
    expect(other.getMetricsAsArray().length).toBe(before);
  });

  describe('scraped by Prometheus', () => {
    let prom: Daemon | undefined;
    let promPort = 0;
    let dir = '';

    beforeAll(async () => {
      const bin = tool('prometheus', 'apt-get install prometheus', ['/usr/bin/prometheus']);
      if (!haveTool(bin)) return;
      promPort = await freePort();
      dir = mkdtempSync(join(tmpdir(), 'hostprobe-promclient-'));
      prom = startPrometheus(bin.path, dir, promPort, [{ job: 'app', target: url }], '2s');
      await waitFor(
        async () => {
          const r = await promQuery(promPort, 'count_over_time(up{job="app"}[1m])');
          return Number(r[0]?.value[1] ?? 0) >= 3 ? true : undefined;
        },
        90_000,
        'three scrapes',
      );
    }, 120_000);

    afterAll(async () => {
      await prom?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('the target is up, scrapes are clean, and the host series answer PromQL', async () => {
      if (!prom) return;
      const targets = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/targets`)).json()) as {
        data: { activeTargets: { health: string; lastError: string; labels: Record<string, string> }[] };
      };
      const t = targets.data.activeTargets.find((x) => x.labels.job === 'app');
      expect(t?.lastError).toBe('');
      expect(t?.health).toBe('up');
      const one = async (q: string): Promise<number> => {
        const r = await promQuery(promPort, q);
        expect(r.length, q).toBe(1);
        return Number(r[0]?.value[1]);
      };
      expect(await one('min_over_time(up{job="app"}[1m])')).toBe(1);
      expect(await one('count(count(node_cpu_seconds_total{job="app"}) by (cpu))')).toBe(cpus().length);
      expect(await one('min(min_over_time(node_scrape_collector_success{job="app"}[1m]))')).toBe(1);
      expect(await one('namedprocess_namegroup_num_procs{job="app",groupname="self"}')).toBeGreaterThanOrEqual(1);
      expect(await one('count(process_cpu_user_seconds_total{job="app"})')).toBe(1);
      const busy = await one('100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle",job="app"}[1m])))');
      expect(busy).toBeGreaterThanOrEqual(0);
      expect(busy).toBeLessThanOrEqual(100);
      expect(await promQuery(promPort, 'resets(node_cpu_seconds_total{job="app"}[1m]) > 0')).toEqual([]);
    });
  });
});
