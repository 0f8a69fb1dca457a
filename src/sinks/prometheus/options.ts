/** The Prometheus-side choices node_exporter makes with flags, taken from the agent config. */
import { compileRegex } from '../../config/spec.js';
import type { AgentConfig } from '../../config/types.js';

export interface PromRenderOptions {
  /** Serve node_cpu_guest_seconds_total (--collector.cpu.guest). */
  readonly cpuGuest: boolean;
  /** node_exporter --collector.vmstat.fields. */
  readonly vmstatFields: RegExp;
  /** node_exporter --collector.netstat.fields. */
  readonly netstatFields: RegExp;
  /** node_exporter --collector.netclass.ignore-invalid-speed. */
  readonly ignoreInvalidSpeed: boolean;
  /** node_exporter --collector.rapl.enable-zone-label (default false). */
  readonly raplZoneLabel?: boolean;
}

export function renderOptions(config: AgentConfig): PromRenderOptions {
  const c = config.collectors;
  return {
    cpuGuest: c.cpu.cpu.guest,
    vmstatFields: compileRegex(c.mem.vmstat.fields || '^$'),
    netstatFields: compileRegex(c.net.netstat.fields || '^$'),
    ignoreInvalidSpeed: c.nic.ignore_invalid_speed,
    raplZoneLabel: c.hardware.rapl.enable_zone_label,
  };
}

const verdicts = new WeakMap<RegExp, Map<string, boolean>>();

/**
 * `re.test(name)`, remembered per compiled filter and name: the vmstat and netstat filters
 * see the same few hundred kernel field names on every poll. (The filters have no g/y flag,
 * so a test has no state.)
 */
export function fieldKept(re: RegExp, name: string): boolean {
  let m = verdicts.get(re);
  if (!m) verdicts.set(re, (m = new Map()));
  let ok = m.get(name);
  if (ok === undefined) {
    ok = re.test(name);
    if (m.size < 10000) m.set(name, ok);
  }
  return ok;
}
