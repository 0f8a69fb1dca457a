// conntrack, softnet, arp and udp_queues over node_exporter 1.12.1's own fixture files
// (test/fixtures/net-stack, copied from its collector/fixtures/proc): node_exporter 1.12.1
// itself is run over the same tree with the flags of its end-to-end-test.sh for these
// collectors, and `hostprobe metrics` with the same flags must give the same families,
// sample for sample (names, label sets, values, HELP, TYPE).
//
// node_exporter reads <procfs>/net/...; hostprobe, given a procfs that is not /proc, reads
// <procfs>/1/net/... (the host's namespace); the tree has proc/net -> 1/net for both, and the
// proc/stat and sys/class/ hostprobe's root check wants.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, haveTool, tool } from '../helpers/tools.js';
import {
  freePort,
  haveCli,
  httpGet,
  parseFamilies,
  runCli,
  sampleKey,
  startDaemon,
  waitFor,
  type Daemon,
  type Family,
} from '../helpers/agent.js';

const PROCFS = join(FIXTURES, 'net-stack', 'proc');
const FLAGS = [
  `--path.procfs=${PROCFS}`,
  `--path.sysfs=${join(FIXTURES, 'net-stack', 'sys')}`,
  '--collector.disable-defaults',
  '--collector.conntrack',
  '--collector.softnet',
  '--collector.arp',
  '--collector.udp_queues',
  // As node_exporter's end-to-end-test.sh.
  '--collector.arp.device-exclude=nope',
  '--no-collector.arp.netlink',
];
const FAMILIES = /^node_(nf_conntrack_|softnet_|arp_entries|udp_queues)/;

function view(fams: Map<string, Family>): Record<string, { help?: string; type?: string; samples: string[] }> {
  const out: Record<string, { help?: string; type?: string; samples: string[] }> = {};
  for (const f of fams.values()) {
    if (!FAMILIES.test(f.name)) continue;
    out[f.name] = { help: f.help, type: f.type, samples: f.samples.map((s) => `${sampleKey(s)} ${s.value}`).sort() };
  }
  return out;
}

describe("net-stack families over node_exporter 1.12.1's fixtures", () => {
  let ne: Daemon | undefined;
  let neText = '';

  beforeAll(async () => {
    const bin = tool('node_exporter', 'go install github.com/prometheus/node_exporter@v1.12.1', [
      join(homedir(), 'go', 'bin', 'node_exporter'),
    ]);
    if (!haveTool(bin)) return;
    const port = await freePort();
    ne = startDaemon(bin.path, [`--web.listen-address=127.0.0.1:${port}`, ...FLAGS.filter((f) => !f.startsWith('--path.sysfs'))]);
    neText = await waitFor(
      async () => {
        const r = await httpGet(`http://127.0.0.1:${port}/metrics`);
        return r.status === 200 ? r.body : undefined;
      },
      30_000,
      'node_exporter',
    );
  });

  afterAll(async () => {
    await ne?.stop();
  });

  it('node_exporter 1.12.1 itself is the reference', () => {
    if (!ne) return;
    expect(neText).toMatch(/node_exporter_build_info\{[^}]*version="1\.12\.1"/);
    for (const c of ['conntrack', 'softnet', 'arp', 'udp_queues'])
      expect(neText).toContain(`node_scrape_collector_success{collector="${c}"} 1`);
  });

  it('hostprobe serves the same families, sample for sample', () => {
    if (!ne || !haveCli()) return;
    const r = runCli(['metrics', ...FLAGS]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const expected = view(parseFamilies(neText));
    expect(Object.keys(expected).sort()).toHaveLength(19);
    expect(view(parseFamilies(r.stdout))).toEqual(expected);
  });
});
