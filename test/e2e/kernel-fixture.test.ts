// hostprobe over node_exporter 1.12.1's own fixture files (test/fixtures/kernel-ne: its
// proc/stat, proc/cpuinfo, proc/schedstat, proc/sys/kernel/hung_task_detect_count and the cpu
// part of its sys.ttar), with the cpu.info flags of its end-to-end-test.sh, serves the
// kernel_hung, schedstat, stat.softirq and cpu info/flag/bug/isolated/throttle families exactly as
// node_exporter's collector/fixtures/e2e-output.txt has them (the lines of those families,
// copied to test/fixtures/kernel-ne/e2e-output.prom): same HELP, TYPE, label sets and values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { haveCli, parseFamilies, runCli, type Family } from '../helpers/agent.js';
import { FIXTURES } from '../helpers/tools.js';

const FIX = join(FIXTURES, 'kernel-ne');
const FAMILIES =
  /^node_(kernel_hung_|schedstat_|cpu_isolated|cpu_core_throttles|cpu_package_throttles|cpu_info|cpu_flag_info|cpu_bug_info|softirqs_total)/;
// end-to-end-test.sh's cpu.info filters.
const BUGS = '^(cpu_meltdown|spectre_.*|mds)$';
const FLAGS = '^(aes|avx.?|constant_tsc)$';

function samples(f: Family | undefined): string[] {
  return (f?.samples ?? []).map((s) => `${JSON.stringify(Object.entries(s.labels).sort())} ${s.value}`).sort();
}

describe("kernel families over node_exporter's fixtures", () => {
  it('match e2e-output.txt sample for sample', () => {
    if (!haveCli()) return;
    const r = runCli([
      'metrics',
      `--path.procfs=${join(FIX, 'proc')}`,
      `--path.sysfs=${join(FIX, 'sys')}`,
      '--collector.disable-defaults',
      '--collector.kernel_hung',
      '--collector.schedstat',
      '--collector.cpu',
      '--collector.stat',
      '--collector.stat.softirq',
      '--collector.cpu.info',
      `--collector.cpu.info.bugs-include=${BUGS}`,
      `--collector.cpu.info.flags-include=${FLAGS}`,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const ours = new Map([...parseFamilies(r.stdout)].filter(([n]) => FAMILIES.test(n)));
    const theirs = parseFamilies(readFileSync(join(FIX, 'e2e-output.prom'), 'utf8'));
    expect(theirs.size).toBe(11);
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [name, f] of theirs) {
      const o = ours.get(name);
      expect(o?.help, name).toBe(f.help);
      expect(o?.type, name).toBe(f.type);
      expect(samples(o), name).toEqual(samples(f));
    }
  });

  it('--no-collector.<name> turns each part off', () => {
    if (!haveCli()) return;
    const base = [`--path.procfs=${join(FIX, 'proc')}`, `--path.sysfs=${join(FIX, 'sys')}`];
    const r = runCli([
      'metrics',
      ...base,
      '--no-collector.kernel_hung',
      '--no-collector.schedstat',
      '--no-collector.timex',
      '--no-collector.selinux',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/^node_(kernel_hung|schedstat|timex|selinux)_/m);
    expect(r.stdout).toMatch(/^node_cpu_isolated\{/m);
    const on = runCli(['metrics', ...base]);
    expect(on.stdout).toMatch(/^node_kernel_hung_tasks_total 42$/m);
    expect(on.stdout).toMatch(/^node_schedstat_timeslices_total\{cpu="1"\} /m);
    expect(on.stdout).toMatch(/^node_timex_sync_status [01]$/m);
    expect(on.stdout).toMatch(/^node_selinux_enabled 0$/m);
  });

  it('cpu.info is off by default; an include regex alone turns it on, serving only what matches', () => {
    if (!haveCli()) return;
    const base = [
      'metrics',
      `--path.procfs=${join(FIX, 'proc')}`,
      `--path.sysfs=${join(FIX, 'sys')}`,
      '--collector.disable-defaults',
      '--collector.cpu',
    ];
    const off = runCli(base);
    expect(off.status, off.stderr).toBe(0);
    expect(off.stdout).not.toMatch(/^node_cpu_(info|flag_info|bug_info)\{/m);
    expect(off.stdout).not.toMatch(/^node_softirqs_total\{/m);
    const flagsOnly = runCli([...base, '--collector.cpu.info.flags-include=^aes$']);
    expect(flagsOnly.status, flagsOnly.stderr).toBe(0);
    const fams = parseFamilies(flagsOnly.stdout);
    expect(fams.get('node_cpu_info')?.samples.length).toBe(8);
    expect(samples(fams.get('node_cpu_flag_info'))).toEqual(['[["flag","aes"]] 1']);
    expect(fams.has('node_cpu_bug_info')).toBe(false);
  });
});
