// `hostprobe metrics`: one poll on this host, the exposition on stdout, promtool-clean
// (the acceptance check `hostprobe metrics | promtool check metrics`), and the same
// families the running agent serves.
import { describe, expect, it } from 'vitest';
import { haveTool, tool } from '../helpers/tools.js';
import { haveCli, parseFamilies, promtoolCheck, promtoolOk, runCli } from '../helpers/agent.js';

describe('hostprobe metrics', () => {
  it('prints one poll of this host that promtool accepts', () => {
    if (!haveCli()) return;
    const r = runCli(['metrics']);
    expect(r.status).toBe(0);
    const fams = parseFamilies(r.stdout);
    for (const name of [
      'node_cpu_seconds_total',
      'node_memory_MemTotal_bytes',
      'node_filesystem_avail_bytes',
      'node_disk_read_bytes_total',
      'node_network_receive_bytes_total',
      'node_network_up',
      'node_uname_info',
      'node_time_seconds',
      'node_load1',
      'node_boot_time_seconds',
      'node_scrape_collector_success',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'hostprobe_build_info',
    ]) {
      expect(fams.has(name), name).toBe(true);
    }
    for (const s of fams.get('node_scrape_collector_success')?.samples ?? []) expect(s.value, s.labels.collector).toBe(1);
    const promtool = tool('promtool', 'apt-get install prometheus');
    if (!haveTool(promtool)) return;
    expect(promtoolOk(promtoolCheck(promtool.path, r.stdout))).toBeUndefined();
  });

  it('takes the agent flags and prints OpenMetrics on request', () => {
    if (!haveCli()) return;
    const r = runCli(['metrics', '--openmetrics', '--collector.disable-defaults', '--collector.loadavg', '--collector.uname']);
    expect(r.status).toBe(0);
    expect(r.stdout.endsWith('# EOF\n')).toBe(true);
    expect(r.stdout).toContain('# TYPE node_load1 gauge\n');
    expect(r.stdout).not.toContain('node_cpu_seconds');
    expect(r.stdout).toMatch(/node_scrape_collector_success\{collector="host"\} 1/);
  });

  it("runs the process collector when enabled by node_exporter's flag, next to the others", () => {
    if (!haveCli()) return;
    const r = runCli(['metrics', '--collector.disable-defaults', '--collector.loadavg', '--collector.processes']);
    expect(r.status).toBe(0);
    const fams = parseFamilies(r.stdout);
    const ok = Object.fromEntries((fams.get('node_scrape_collector_success')?.samples ?? []).map((s) => [s.labels.collector, s.value]));
    expect(ok).toEqual({ cpu: 1, process: 1 });
    expect(fams.get('node_processes_pids')?.samples[0]?.value).toBeGreaterThan(0);
    expect(fams.has('node_load1')).toBe(true);
  });
});
