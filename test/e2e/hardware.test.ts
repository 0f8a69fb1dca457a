// The hardware collector (node_exporter's hwmon, thermal_zone, powersupplyclass) end to end:
// `hostprobe metrics` over node_exporter 1.12.1's own fixture tree (test/fixtures/hardware-ne)
// with the flags of its end-to-end-test.sh must print node_exporter's e2e-output.txt lines for
// these families byte for byte (same HELP, TYPE, label sets, values and order); node_exporter
// 1.12.1 run over the same tree must print the same; absent classes give no series and no
// failure, as node_exporter treats them; on this machine both serve the same (no) families.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, haveTool, tool } from '../helpers/tools.js';
import { type Daemon, freePort, haveCli, httpGet, parseFamilies, runCli, startDaemon, waitFor } from '../helpers/agent.js';

const FIX = join(FIXTURES, 'hardware-ne');
const PROC = join(FIXTURES, 'agent-e2e', 'proc');
const COLLECTORS = [
  '--collector.disable-defaults',
  '--collector.hwmon',
  '--collector.thermal_zone',
  '--collector.powersupplyclass',
  '--collector.rapl',
  '--collector.dmi',
  '--collector.edac',
  '--collector.watchdog',
];
/** The fixture's sysfs relative to the repository (the CLI runs there): node_rapl_*'s path label holds it as given. */
const REL_SYS = 'test/fixtures/hardware-ne/sys';
const E2E_FLAGS = ['--collector.hwmon.chip-include=(applesmc|asus_nb_wmi|coretemp|hwmon4|ieee80211|nct6779)'];
const OURS = /^(?:# (?:HELP|TYPE) )?node_(?:hwmon|thermal_zone|cooling_device|power_supply|rapl|dmi|edac|watchdog)_/;

function lines(text: string): string[] {
  return text.split('\n').filter((l) => OURS.test(l));
}

function nodeExporter(): ReturnType<typeof tool> {
  return tool('node_exporter', 'go install github.com/prometheus/node_exporter@v1.12.1', [join(homedir(), 'go', 'bin', 'node_exporter')]);
}

/** node_exporter's text for `flags`, from one scrape of a daemon started for it. */
async function scrapeNodeExporter(bin: string, flags: string[]): Promise<string> {
  const port = await freePort();
  const d: Daemon = startDaemon(bin, [`--web.listen-address=127.0.0.1:${port}`, ...flags]);
  try {
    return await waitFor(
      async () => {
        const r = await httpGet(`http://127.0.0.1:${port}/metrics`);
        return r.status === 200 ? r.body : undefined;
      },
      30_000,
      'node_exporter',
    );
  } finally {
    await d.stop();
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'hp-hw-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("hardware families on node_exporter's fixture tree", () => {
  const paths = [`--path.procfs=${PROC}`, `--path.sysfs=${REL_SYS}`];
  let ours = '';

  beforeAll(() => {
    if (!haveCli()) return;
    const r = runCli(['metrics', ...paths, ...COLLECTORS, ...E2E_FLAGS]);
    expect(r.status, r.stderr).toBe(0);
    ours = r.stdout;
  });

  it("prints node_exporter's e2e-output.txt lines for hwmon, thermal_zone, powersupplyclass, rapl, dmi, edac and watchdog exactly", () => {
    if (!haveCli()) return;
    const want = readFileSync(join(FIX, 'e2e-output.txt'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.replace('path="collector/fixtures/sys/', `path="${REL_SYS}/`));
    expect(want.length).toBeGreaterThan(300);
    for (const f of [
      'node_rapl_package_joules_total',
      'node_dmi_info',
      'node_edac_channel_uncorrectable_errors_total',
      'node_watchdog_info',
      'node_hwmon_temp_celsius',
      'node_thermal_zone_temp',
      'node_power_supply_info',
    ]) {
      expect(want).toContain(`# TYPE ${f} ${f.endsWith('_total') ? 'counter' : 'gauge'}`);
    }
    expect(lines(ours)).toEqual(want);
    expect(ours).toContain('node_scrape_collector_success{collector="hardware"} 1');
  });

  it('prints what node_exporter 1.12.1 prints over the same tree with the same flags', async () => {
    const bin = nodeExporter();
    if (!haveCli() || !haveTool(bin)) return;
    const theirs = await scrapeNodeExporter(bin.path, [...paths, ...COLLECTORS, ...E2E_FLAGS]);
    expect(theirs).toContain('node_exporter_build_info{');
    expect(theirs).toMatch(/version="1\.12\.1"/);
    expect(lines(ours)).toEqual(lines(theirs));
  });

  it('the chip and sensor filters, the ignored supplies and the --no-collector switches select as node_exporter does', async () => {
    const bin = nodeExporter();
    if (!haveCli() || !haveTool(bin)) return;
    const flags = [
      ...paths,
      '--collector.disable-defaults',
      '--collector.hwmon',
      '--collector.powersupplyclass',
      '--collector.hwmon.chip-exclude=^platform_coretemp_1$',
      '--collector.hwmon.sensor-include=^(platform_coretemp_0;temp[12]|nct6779;fan.*)$',
      '--collector.powersupply.ignored-supplies=^AC$',
    ];
    const r = runCli(['metrics', ...flags]);
    expect(r.status, r.stderr).toBe(0);
    const theirs = await scrapeNodeExporter(bin.path, flags);
    const got = lines(r.stdout);
    expect(got).toEqual(lines(theirs));
    expect(got.some((l) => l.startsWith('node_hwmon_fan_rpm{chip="nct6779"'))).toBe(true);
    expect(got.some((l) => l.includes('platform_coretemp_1'))).toBe(false);
    expect(got.some((l) => l.includes('power_supply="AC"'))).toBe(false);
    expect(got.some((l) => l.startsWith('node_thermal_zone_temp'))).toBe(false);
    // node_exporter's own collector names switch the parts off one by one.
    const off = runCli(['metrics', ...paths, '--no-collector.thermal_zone', '--no-collector.powersupplyclass']);
    expect(off.status, off.stderr).toBe(0);
    const offLines = lines(off.stdout);
    expect(offLines.some((l) => l.startsWith('node_hwmon_temp_celsius{'))).toBe(true);
    expect(
      offLines.some(
        (l) => l.startsWith('node_thermal_zone_') || l.startsWith('node_cooling_device_') || l.startsWith('node_power_supply_'),
      ),
    ).toBe(false);
  });
});

describe('--collector.rapl.enable-zone-label', () => {
  it('serves one node_rapl_joules_total{rapl_zone} family, as node_exporter 1.12.1', async () => {
    const bin = nodeExporter();
    if (!haveCli() || !haveTool(bin)) return;
    const flags = [
      `--path.procfs=${PROC}`,
      `--path.sysfs=${REL_SYS}`,
      '--collector.disable-defaults',
      '--collector.rapl',
      '--collector.rapl.enable-zone-label',
    ];
    const r = runCli(['metrics', ...flags]);
    expect(r.status, r.stderr).toBe(0);
    const got = lines(r.stdout);
    expect(got).toContain(
      `node_rapl_joules_total{index="0",path="${REL_SYS}/class/powercap/intel-rapl:0",rapl_zone="package"} 240422.366267`,
    );
    expect(got).toEqual(lines(await scrapeNodeExporter(bin.path, flags)));
  });
});

describe('long values', () => {
  it('a label or DMI string above 128 bytes is cut where node_exporter 1.12.1 cuts it, inside a UTF-8 sequence too; invalid UTF-8 is replaced as it does', async () => {
    const bin = nodeExporter();
    if (!haveCli() || !haveTool(bin)) return;
    const sys = join(tmp, 'long', 'sys');
    cpSync(join(FIX, 'sys'), sys, { recursive: true, verbatimSymlinks: true });
    writeFileSync(join(sys, 'devices', 'platform', 'coretemp.0', 'hwmon', 'hwmon0', 'temp1_label'), `${'éé '.repeat(40)}\n`);
    writeFileSync(join(sys, 'class', 'dmi', 'id', 'product_name'), `${'x'.repeat(200)}\n`);
    // Invalid UTF-8: a run of two bad bytes and a lone one, each one U+FFFD in node_exporter.
    writeFileSync(join(sys, 'class', 'dmi', 'id', 'board_name'), Buffer.from([0x41, 0xff, 0xfe, 0x42, 0xc3, 0x0a]));
    const flags = [`--path.procfs=${PROC}`, `--path.sysfs=${sys}`, '--collector.disable-defaults', '--collector.hwmon', '--collector.dmi'];
    const r = runCli(['metrics', ...flags]);
    expect(r.status, r.stderr).toBe(0);
    const got = lines(r.stdout);
    expect(got.some((l) => l.includes('label="éé éé '))).toBe(true);
    expect(got.some((l) => l.includes('board_name="A\u{fffd}B\u{fffd}"'))).toBe(true);
    expect(got).toEqual(lines(await scrapeNodeExporter(bin.path, flags)));
  });
});

describe('absent and broken inputs', () => {
  it('no class/hwmon, power_supply, thermal, powercap, dmi or watchdog: no series, and the collector succeeds (node_exporter: no data)', () => {
    if (!haveCli()) return;
    const sys = join(tmp, 'empty', 'sys');
    mkdirSync(join(sys, 'class'), { recursive: true });
    const r = runCli(['metrics', `--path.procfs=${PROC}`, `--path.sysfs=${sys}`, ...COLLECTORS]);
    expect(r.status, r.stderr).toBe(0);
    expect(lines(r.stdout)).toEqual([]);
    expect(r.stdout).toContain('node_scrape_collector_success{collector="hardware"} 1');
  });

  it('a power supply attribute that is not a number fails the collector, naming the file; the other parts still serve', () => {
    if (!haveCli()) return;
    const sys = join(tmp, 'bad', 'sys');
    cpSync(join(FIX, 'sys'), sys, { recursive: true, verbatimSymlinks: true });
    writeFileSync(join(sys, 'class', 'power_supply', 'BAT0', 'capacity'), 'eighty\n');
    const r = runCli(['metrics', `--path.procfs=${PROC}`, `--path.sysfs=${sys}`, '--log.level=debug', ...COLLECTORS]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('node_scrape_collector_success{collector="hardware"} 0');
    expect(r.stderr).toMatch(/BAT0\/capacity/);
    expect(r.stdout).toContain('node_thermal_zone_temp{type="cpu-thermal",zone="0"} 12.376');
    expect(r.stdout).not.toContain('node_power_supply_');
  });
});

describe('on this machine', () => {
  it('serves the hardware families node_exporter 1.12.1 serves with its defaults (none where the host has no sensors)', async () => {
    const bin = nodeExporter();
    if (!haveCli() || !haveTool(bin)) return;
    const r = runCli(['metrics']);
    expect(r.status, r.stderr).toBe(0);
    const theirs = await scrapeNodeExporter(bin.path, []);
    const names = (text: string): string[] => [...parseFamilies(text).keys()].filter((n) => OURS.test(n)).sort();
    expect(names(r.stdout)).toEqual(names(theirs));
    expect(r.stdout).toContain('node_scrape_collector_success{collector="hardware"} 1');
  });
});
