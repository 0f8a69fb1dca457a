// The Prometheus catalog (src/sinks/prometheus/catalog.ts) is what docs/agent.md's table is
// generated from, so it must be what is served: every family rendered from the agent's
// fixture trees, and from this host's processes with groups, threads and top-N on, is in
// the catalog (a fixed family by name, a kernel-named one by its pattern) with the same
// type, help and label names.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../../src/contract/snapshot.js';
import { promCatalog, type CatalogFamily } from '../../../../src/sinks/prometheus/catalog.js';
import { renderOptions, renderText } from '../../../../src/sinks/prometheus/index.js';
import { parseFamilies } from '../../../helpers/agent.js';
import { FIXTURES } from '../../../helpers/tools.js';
import { configFrom, startPoller } from '../../../helpers/otlp-agent.js';

const FIX = join(FIXTURES, 'agent-e2e');
/** The runtime's own families, which name themselves (docs/agent.md says so). */
const RUNTIME = /^(process_|nodejs_|hostprobe_otlp_)/;

const expositions: string[] = [];

async function render(yaml: string): Promise<{ snap: Snapshot; text: string }> {
  const config = await configFrom(yaml);
  const poller = await startPoller(config);
  try {
    const snap = await poller.pollOnce();
    return { snap, text: renderText(snap, renderOptions(config)) };
  } finally {
    await poller.stop();
  }
}

beforeAll(async () => {
  const fixture = await render(`paths:\n  procfs: ${FIX}/proc\n  sysfs: ${FIX}/sys\n  rootfs: ${FIX}/root\n`);
  expositions.push(fixture.text);
  const host = await render(
    `collectors:\n  process:\n    enabled: true\n    threads: true\n    top: {count: 3, by: memory}\n    groups:\n      - name: all\n        cmdline: ['.']\n`,
  );
  expect(host.snap.readings.process?.groups?.length).toBe(1);
  expositions.push(host.text);
});

function patternRegex(name: string): RegExp {
  return new RegExp('^' + name.replace(/<[^>]+>/g, '[A-Za-z0-9_]+') + '$');
}

describe('the Prometheus catalog', () => {
  const rows = promCatalog();

  it('names every family once', () => {
    const names = rows.map((r) => r.family.name);
    expect(names.length).toBeGreaterThan(150);
    expect(new Set(names).size).toBe(names.length);
    for (const r of rows) expect(r.family.collector, r.family.name).toMatch(/^(cpu|mem|disk|net|nic|host|hardware|process|textfile|self)$/);
  });

  it('holds every family served, with its type, help and labels', () => {
    const fixed = new Map<string, CatalogFamily>(rows.filter((r) => !r.pattern).map((r) => [r.family.name, r.family]));
    const patterns = rows.filter((r) => r.pattern).map((r) => ({ family: r.family, re: patternRegex(r.family.name) }));
    const seen = new Set<string>();
    for (const text of expositions) {
      for (const fam of parseFamilies(text).values()) {
        if (RUNTIME.test(fam.name)) continue;
        const def = fixed.get(fam.name);
        if (def) {
          expect([fam.type, fam.help], fam.name).toEqual([def.type, def.help]);
          for (const s of fam.samples) expect(Object.keys(s.labels).sort(), fam.name).toEqual([...def.labels].sort());
          seen.add(def.name);
          continue;
        }
        const p = patterns.find((x) => x.re.test(fam.name));
        expect(p, `${fam.name} is not in the catalog`).toBeDefined();
        expect(fam.type, fam.name).toBe(p!.family.type);
        for (const s of fam.samples) expect(Object.keys(s.labels), fam.name).toEqual([]);
        seen.add(p!.family.name);
      }
    }
    // The renders covered the collectors' families widely (not an empty pass).
    for (const name of [
      'node_cpu_seconds_total',
      'node_memory_<Field>_bytes',
      'node_disk_info',
      'node_network_receive_bytes_total',
      'node_network_up',
      'node_os_info',
      'namedprocess_namegroup_thread_cpu_seconds_total',
      'hostprobe_process_top_memory_bytes',
      'node_processes_threads_state',
    ]) {
      expect(seen, name).toContain(name);
    }
    expect(seen.size).toBeGreaterThan(100);
  });
});
