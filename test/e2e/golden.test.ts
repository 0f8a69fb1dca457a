// End-to-end golden test in node_exporter's style: the agent runs against the fixture trees
// test/fixtures/agent-e2e/{proc,sys,root}, its /metrics is compared with the checked-in
// exposition test/fixtures/e2e/expected.prom (UPDATE_GOLDEN=1 regenerates it), and
// `promtool check metrics` passes on it.
//
// What cannot come from the fixtures is made deterministic or filtered (docs/agent.md):
// - the clock: HOSTPROBE_TEST_CLOCK (test-only) fixes the poll time, TZ=UTC the zone;
// - uname(2) and adjtimex(2) are syscalls (node_uname_info and node_timex_* are dropped);
// - statfs of the mount points runs on the real file system that holds the fixture tree,
//   so node_filesystem_{size,free,avail}_bytes/files/files_free are replaced by 1;
// - durations, build info and the agent's own process and runtime metrics are dropped.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveTool, REPO_ROOT, tool } from '../helpers/tools.js';
import {
  freePort,
  haveCli,
  httpGet,
  parseFamilies,
  promtoolCheck,
  promtoolOk,
  startAgent,
  waitFor,
  type Daemon,
} from '../helpers/agent.js';

const FIX = 'test/fixtures/agent-e2e';
const GOLDEN = join(REPO_ROOT, 'test', 'fixtures', 'e2e', 'expected.prom');
const CLOCK = '1795000000.25';

const DROP =
  /^(node_scrape_collector_duration_seconds|hostprobe_poll_duration_seconds|hostprobe_build_info|node_uname_info|node_timex_|process_|nodejs_)/;
const STATFS_VALUES = /^(node_filesystem_(size_bytes|free_bytes|avail_bytes|files|files_free))\{/;

/** Applies the documented normalisation to a scraped exposition. */
export function normalise(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const name = line.startsWith('# ') ? (line.split(' ')[2] ?? '') : line;
    if (DROP.test(name)) continue;
    if (STATFS_VALUES.test(line)) {
      out.push(line.replace(/ \S+$/, ' 1'));
      continue;
    }
    out.push(line);
  }
  return out.join('\n');
}

describe('golden exposition over fixture trees', () => {
  let agent: Daemon | undefined;
  let port = 0;
  let scraped = '';

  beforeAll(async () => {
    if (!haveCli()) return;
    port = await freePort();
    agent = startAgent(
      [
        `--path.procfs=${FIX}/proc`,
        `--path.sysfs=${FIX}/sys`,
        `--path.rootfs=${FIX}/root`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--poll.interval=1h',
        // One poll: a scrape must not poll again (hostprobe_polls_total 1 in the golden file).
        '--web.max-snapshot-age=1h',
      ],
      { TZ: 'UTC', HOSTPROBE_TEST_CLOCK: CLOCK },
    );
    await waitFor(async () => ((await httpGet(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined), 30_000, 'readyz');
    const r = await httpGet(`http://127.0.0.1:${port}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    scraped = r.body;
  });

  afterAll(async () => {
    await agent?.stop();
  });

  it('matches test/fixtures/e2e/expected.prom', () => {
    if (!agent) return;
    const got = normalise(scraped);
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(join(REPO_ROOT, 'test', 'fixtures', 'e2e'), { recursive: true });
      writeFileSync(GOLDEN, got);
    }
    expect(got).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('every collector succeeded and the fixture edge cases are there', () => {
    if (!agent) return;
    const fams = parseFamilies(scraped);
    const ok = fams.get('node_scrape_collector_success')?.samples ?? [];
    expect(ok.map((s) => `${s.labels.collector}=${s.value}`).sort()).toEqual([
      'cpu=1',
      'disk=1',
      'hardware=1',
      'host=1',
      'mem=1',
      'net=1',
      'nic=1',
      'textfile=1',
    ]);
    // node_exporter's default exclusions: /proc, /sys, cgroup tmpfs, docker overlay and iso9660 are gone.
    const mps = (fams.get('node_filesystem_device_error')?.samples ?? []).map((s) => s.labels.mountpoint).sort();
    expect(mps).toEqual(['/', '/boot', '/mnt/gone', '/run', '/run/netns', '/srv/ro', '/srv/with space']);
    // A mount whose statfs fails: device_error 1 and no size series.
    const gone = fams.get('node_filesystem_device_error')?.samples.find((s) => s.labels.mountpoint === '/mnt/gone');
    expect(gone?.value).toBe(1);
    expect(gone?.labels.device_error).toBe('no such file or directory');
    expect(fams.get('node_filesystem_size_bytes')?.samples.some((s) => s.labels.mountpoint === '/mnt/gone')).toBe(false);
    // Partitions, loop and zram devices are excluded from diskstats; dm-* and whole disks are kept.
    const disks = (fams.get('node_disk_reads_completed_total')?.samples ?? []).map((s) => s.labels.device).sort();
    expect(disks).toEqual(['dm-0', 'nvme0n1', 'sda', 'vda']);
    // udev (<rootfs>/run/udev/data) and sysfs facts, as node_exporter labels them.
    const info = new Map((fams.get('node_disk_info')?.samples ?? []).map((s) => [s.labels.device, s.labels]));
    expect(info.get('nvme0n1')).toMatchObject({
      model: 'Samsung SSD 970 EVO Plus 1TB',
      serial: 'S4EWNX0R123456',
      wwn: 'eui.0025385b91b0a1b2',
      rotational: '0',
    });
    expect(info.get('sda')).toMatchObject({ serial: 'WD-WCC7K0123456', rotational: '1' }); // SCSI_IDENT_SERIAL first
    expect(info.get('vda')).toMatchObject({ serial: 'vd-boot-01', model: '' }); // virtio: ID_SERIAL
    expect(fams.get('node_disk_device_mapper_backing_device_info')?.samples.map((s) => s.labels)).toEqual([
      { device: 'dm-0', backing_device: 'nvme0n1p1' },
    ]);
    expect(fams.get('node_disk_ata_rotation_rate_rpm')?.samples.map((s) => s.value)).toEqual([5400]);
    // Unknown link speed is -125000 like node_exporter's default.
    const speed = Object.fromEntries((fams.get('node_network_speed_bytes')?.samples ?? []).map((s) => [s.labels.device, s.value]));
    expect(speed).toEqual({ eth0: -125000, veth1a2b3c: 1.25e9 });
    expect(fams.get('node_time_seconds')?.samples[0]?.value).toBe(Number(CLOCK));
    expect(fams.get('node_uname_info')?.samples[0]?.labels.nodename).toBeTruthy();
  });

  it('promtool check metrics passes on the golden file and on the live scrape', () => {
    const promtool = tool('promtool', 'apt-get install prometheus');
    if (!haveTool(promtool)) return;
    for (const text of [readFileSync(GOLDEN, 'utf8'), scraped].filter(Boolean)) {
      const r = promtoolCheck(promtool.path, text);
      expect(promtoolOk(r)).toBeUndefined();
    }
  });

  it('serves OpenMetrics when asked, with the same samples', async () => {
    if (!agent) return;
    const r = await httpGet(`http://127.0.0.1:${port}/metrics`, {
      Accept: 'application/openmetrics-text;version=1.0.0;q=0.6,text/plain;version=0.0.4;q=0.3',
    });
    expect(r.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(r.body.endsWith('# EOF\n')).toBe(true);
    expect(r.body).toContain('# TYPE node_cpu_seconds counter\n');
    expect(r.body).toContain('# TYPE node_vmstat_pgfault unknown\n');
    const sampleLines = (t: string): string[] =>
      t
        .split('\n')
        .filter((l) => l && !l.startsWith('#') && !DROP.test(l))
        .sort();
    expect(sampleLines(r.body)).toEqual(sampleLines(scraped));
  });
});
