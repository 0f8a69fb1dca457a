// A real Prometheus (Debian's prometheus package, started on loopback with a generated
// config, a temporary storage dir and a 1 s scrape interval) scrapes the running agent:
// the target is up, scrapes are clean, and the PromQL the "Node Exporter Full" dashboard
// and the node-mixin alerts use returns the expected series.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveTool, tool } from '../helpers/tools.js';
import { freePort, haveCli, httpGet, promQuery, startAgent, startPrometheus, waitFor, type Daemon } from '../helpers/agent.js';

describe('Prometheus scrapes the agent', () => {
  let prom: Daemon | undefined;
  let agent: Daemon | undefined;
  let promPort = 0;
  let dir = '';

  beforeAll(async () => {
    const bin = tool('prometheus', 'apt-get install prometheus', ['/usr/bin/prometheus']);
    if (!haveCli() || !haveTool(bin)) return;
    const agentPort = await freePort();
    promPort = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'hostprobe-prom-'));
    agent = startAgent([`--web.listen-address=127.0.0.1:${agentPort}`, '--poll.interval=500ms']);
    await waitFor(
      async () => ((await httpGet(`http://127.0.0.1:${agentPort}/readyz`)).status === 200 ? true : undefined),
      30_000,
      'agent ready',
    );
    prom = startPrometheus(bin.path, dir, promPort, [{ job: 'node', target: `127.0.0.1:${agentPort}` }]);
    // Enough scrapes for rate() over a 5 s window.
    await waitFor(
      async () => {
        const r = await promQuery(promPort, 'count_over_time(up{job="node"}[1m])');
        return Number(r[0]?.value[1] ?? 0) >= 6 ? true : undefined;
      },
      60_000,
      'six scrapes',
    );
  }, 90_000);

  afterAll(async () => {
    await Promise.all([prom?.stop(), agent?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const one = async (q: string): Promise<number> => {
    const r = await promQuery(promPort, q);
    expect(r.length, q).toBe(1);
    return Number(r[0]?.value[1]);
  };

  it('the target is up and every scrape was clean', async () => {
    if (!prom) return;
    const targets = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/targets`)).json()) as {
      data: { activeTargets: { health: string; lastError: string; labels: Record<string, string> }[] };
    };
    const t = targets.data.activeTargets.find((x) => x.labels.job === 'node');
    expect(t?.health).toBe('up');
    expect(t?.lastError).toBe('');
    expect(await one('min_over_time(up{job="node"}[1m])')).toBe(1);
    expect(await one('scrape_samples_scraped{job="node"}')).toBeGreaterThan(300);
    // Every collector succeeded in every scrape.
    expect(await one('min(min_over_time(node_scrape_collector_success[1m]))')).toBe(1);
  });

  it("answers the dashboard's template variables from node_uname_info", async () => {
    if (!prom) return;
    const r = await promQuery(promPort, 'node_uname_info{job="node"}');
    expect(r).toHaveLength(1);
    expect(r[0]?.metric.nodename).toBeTruthy();
    const byNode = await promQuery(promPort, `node_uname_info{job="node",nodename="${r[0]?.metric.nodename}"}`);
    expect(byNode[0]?.metric.instance).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('serves the headline panels', async () => {
    if (!prom) return;
    // CPU cores and CPU busy.
    expect(await one('count(count(node_cpu_seconds_total{job="node"}) by (cpu))')).toBe(cpus().length);
    const busy = await one('100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle",job="node"}[5s])))');
    expect(busy).toBeGreaterThanOrEqual(0);
    expect(busy).toBeLessThanOrEqual(100);
    // RAM used and the basic memory panel.
    const ramUsed = await one('100 * (1 - node_memory_MemAvailable_bytes{job="node"} / node_memory_MemTotal_bytes{job="node"})');
    expect(ramUsed).toBeGreaterThan(0);
    expect(ramUsed).toBeLessThan(100);
    expect(
      await one(
        'node_memory_MemTotal_bytes{job="node"} - node_memory_MemFree_bytes{job="node"} - (node_memory_Cached_bytes{job="node"} + node_memory_Buffers_bytes{job="node"} + node_memory_SReclaimable_bytes{job="node"})',
      ),
    ).toBeGreaterThan(0);
    // Root filesystem and uptime.
    const rootUsed = await one(
      '100 - ((node_filesystem_avail_bytes{job="node",mountpoint="/",fstype!="rootfs"} * 100) / node_filesystem_size_bytes{job="node",mountpoint="/",fstype!="rootfs"})',
    );
    expect(rootUsed).toBeGreaterThan(0);
    expect(rootUsed).toBeLessThan(100);
    expect(await one('node_time_seconds{job="node"} - node_boot_time_seconds{job="node"}')).toBeGreaterThan(0);
    expect(await one('node_load1{job="node"}')).toBeGreaterThanOrEqual(0);
  });

  it('serves the rate() panels and the node-mixin alert inputs', async () => {
    if (!prom) return;
    for (const q of [
      'rate(node_network_receive_bytes_total{job="node"}[5s])',
      'rate(node_network_transmit_packets_total{job="node"}[5s])',
      'rate(node_network_receive_errs_total{job="node"}[5s])',
      'rate(node_network_receive_drop_total{job="node"}[5s])',
      'rate(node_disk_io_time_seconds_total{job="node",device=~"[a-z]+|nvme[0-9]+n[0-9]+|mmcblk[0-9]+"}[5s])',
      'rate(node_disk_io_time_weighted_seconds_total{job="node"}[5s])',
      'rate(node_disk_read_bytes_total{job="node"}[5s])',
      'rate(node_context_switches_total{job="node"}[5s])',
      'rate(node_intr_total{job="node"}[5s])',
      'rate(node_vmstat_pgmajfault{job="node"}[5s])',
      'node_filesystem_files_free{job="node",fstype!~"tmpfs"} / node_filesystem_files{job="node"}',
      'node_filesystem_readonly{job="node"}',
      'node_filefd_allocated{job="node"} / node_filefd_maximum{job="node"}',
      'node_network_up{job="node"}',
      'node_network_mtu_bytes{job="node"}',
      'node_tcp_connection_states{job="node",state="established"}',
      'node_netstat_Tcp_CurrEstab{job="node"}',
      'node_sockstat_TCP_inuse{job="node"}',
      'process_cpu_seconds_total{job="node"}',
      'process_resident_memory_bytes{job="node"}',
      'process_open_fds{job="node"} / process_max_fds{job="node"}',
      'process_virtual_memory_bytes{job="node"} / process_virtual_memory_max_bytes{job="node"}',
    ]) {
      const r = await promQuery(promPort, q);
      expect(r.length, q).toBeGreaterThan(0);
      for (const s of r) expect(Number.isFinite(Number(s.value[1])), `${q} ${JSON.stringify(s)}`).toBe(true);
    }
  });

  it('counters never go backwards between scrapes', async () => {
    if (!prom) return;
    const r = await promQuery(
      promPort,
      'resets(node_cpu_seconds_total{job="node"}[1m]) > 0 or resets(node_network_receive_bytes_total{job="node"}[1m]) > 0',
    );
    expect(r).toEqual([]);
  });
});
