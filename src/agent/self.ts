/**
 * The agent's own process metrics, under prom-client's default-metric names and meanings
 * (`process_cpu_seconds_total`, `process_resident_memory_bytes`, `process_open_fds`,
 * `nodejs_heap_size_used_bytes`, ...), plus `process_virtual_memory_max_bytes`, which
 * node_exporter's Go client has and the "Node Exporter Full" dashboard queries.
 *
 * They are read here rather than through prom-client's collectDefaultMetrics(): that one
 * also keeps an event-loop delay monitor that wakes the process every 10 ms and a GC
 * histogram, which together cost more CPU than a whole poll of the host. What is read:
 * process.cpuUsage(), process.memoryUsage(), /proc/self/status (VmRSS, VmSize, VmData as
 * prom-client), the number of /proc/self/fd entries, and /proc/self/limits (refreshed once
 * a minute). These are the agent's own procfs files, in memory, and never block.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { RuntimeFamily } from '../contract/snapshot.js';

const START_TIME_SECONDS = Math.round(Date.now() / 1000 - process.uptime());
const [MAJOR = '0', MINOR = '0', PATCH = '0'] = process.version.slice(1).split('.');

interface Limits {
  maxFds?: number;
  maxAddressSpace?: number;
  readAt: number;
}
let limits: Limits = { readAt: 0 };

function limitValue(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(name));
  const soft = line?.slice(26).trim().split(/\s+/)[0];
  if (soft === undefined) return undefined;
  // Go's client reports "unlimited" as the max uint64 (1.8446744073709552e+19 as a float).
  return soft === 'unlimited' ? 18446744073709552000 : Number(soft);
}

function readLimits(now: number): Limits {
  if (now - limits.readAt < 60_000) return limits;
  try {
    const text = readFileSync('/proc/self/limits', 'utf8');
    const maxFds = limitValue(text, 'Max open files');
    const maxAddressSpace = limitValue(text, 'Max address space');
    limits = { readAt: now, ...(maxFds !== undefined ? { maxFds } : {}), ...(maxAddressSpace !== undefined ? { maxAddressSpace } : {}) };
  } catch {
    limits = { readAt: now };
  }
  return limits;
}

function statusKb(text: string, key: string): number | undefined {
  const i = text.indexOf(`\n${key}:`);
  if (i < 0) return undefined;
  const m = /^\s*(\d+)/.exec(text.slice(i + key.length + 2, i + key.length + 40));
  return m ? Number(m[1]) * 1024 : undefined;
}

function gauge(name: string, help: string, value: number | undefined, labels: Record<string, string> = {}): RuntimeFamily | undefined {
  return value === undefined || !Number.isFinite(value) ? undefined : { name, help, type: 'gauge', values: [{ labels, value }] };
}

function counter(name: string, help: string, value: number): RuntimeFamily {
  return { name, help, type: 'counter', values: [{ labels: {}, value }] };
}

/** The runtime metric families at this moment. */
export async function readRuntimeFamilies(): Promise<RuntimeFamily[]> {
  const now = Date.now();
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    // not Linux procfs: the status-based gauges are left out
  }
  let openFds: number | undefined;
  try {
    openFds = readdirSync('/proc/self/fd').length - 1; // minus the directory's own fd
  } catch {
    openFds = undefined;
  }
  const lim = readLimits(now);
  const user = cpu.user / 1e6;
  const system = cpu.system / 1e6;
  const out: (RuntimeFamily | undefined)[] = [
    counter('process_cpu_user_seconds_total', 'Total user CPU time spent in seconds.', user),
    counter('process_cpu_system_seconds_total', 'Total system CPU time spent in seconds.', system),
    counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', user + system),
    gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', START_TIME_SECONDS),
    gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', statusKb(status, 'VmRSS') ?? mem.rss),
    gauge('process_virtual_memory_bytes', 'Virtual memory size in bytes.', statusKb(status, 'VmSize')),
    gauge('process_heap_bytes', 'Process heap size in bytes.', statusKb(status, 'VmData')),
    gauge('process_open_fds', 'Number of open file descriptors.', openFds),
    gauge('process_max_fds', 'Maximum number of open file descriptors.', lim.maxFds),
    gauge('process_virtual_memory_max_bytes', 'Maximum amount of virtual memory available in bytes.', lim.maxAddressSpace),
    gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', mem.heapTotal),
    gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', mem.heapUsed),
    gauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', mem.external),
    gauge('nodejs_version_info', 'Node.js version info.', 1, { version: process.version, major: MAJOR, minor: MINOR, patch: PATCH }),
  ];
  return out.filter((f): f is RuntimeFamily => f !== undefined);
}
