// /proc/mdstat parsing (src/mdstat.ts) on node_exporter 1.12.1's own fixture
// (test/fixtures/disk-mdstat/proc/mdstat, copied from its collector/fixtures/proc): the values
// node_exporter prints for it in e2e-output.txt, and a clear error naming file and line for
// malformed input.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotFoundError, ParseError } from '../../src/errors.js';
import { mdRaids, mdStat, parseMdstat } from '../../src/mdstat.js';
import { FIXTURES } from '../helpers/tools.js';

const PROC = join(FIXTURES, 'disk-mdstat', 'proc');
const SYS = join(FIXTURES, 'disk-mdstat', 'sys');

describe('mdStat on node_exporter fixture', () => {
  const md = new Map(mdStat({ roots: { procfs: PROC } }).map((m) => [m.name, m]));

  it('reads every md device of the file', () => {
    expect(md.size).toBe(17);
  });

  it('has node_exporter e2e-output.txt values', () => {
    // node_md_{disks_required,disks{active,failed,spare},blocks,blocks_synced,state} of e2e-output.txt.
    expect(md.get('md3')).toMatchObject({
      activityState: 'active',
      disksTotal: 8,
      disksActive: 8,
      disksFailed: 0,
      disksSpare: 2,
      blocksTotal: 5853468288,
      blocksSynced: 5853468288,
      type: 'raid6',
    });
    expect(md.get('md4')).toMatchObject({
      activityState: 'inactive',
      disksTotal: 0,
      disksActive: 0,
      disksFailed: 1,
      disksSpare: 1,
      blocksTotal: 4883648,
    });
    expect(md.get('md6')).toMatchObject({
      activityState: 'recovering',
      disksTotal: 2,
      disksActive: 1,
      disksFailed: 1,
      disksSpare: 1,
      disksDown: 1,
      blocksTotal: 195310144,
      blocksSynced: 16775552,
      blocksToBeSynced: 195310144,
      blocksSyncedPct: 8.5,
      blocksSyncedFinishMinutes: 17,
      blocksSyncedSpeed: 259783,
    });
    expect(md.get('md7')).toMatchObject({ activityState: 'active', disksTotal: 4, disksActive: 3, disksFailed: 1, disksSpare: 0 });
  });
});

describe('mdstat failures', () => {
  it('a missing file is NotFoundError naming the path', () => {
    expect(() => mdStat({ roots: { procfs: join(FIXTURES, 'disk-mdstat', 'nonexistent') } })).toThrow(NotFoundError);
  });

  it('a device without its status line is a ParseError naming file and line', () => {
    const text = 'Personalities : [raid1]\nmd0 : active raid1 sda1[0] sdb1[1]\n      248896 blocks [2/2]\n\nunused devices: <none>\n';
    expect(() => parseMdstat(text, '/proc/mdstat')).toThrow(ParseError);
    expect(() => parseMdstat(text, '/proc/mdstat')).toThrow(/\/proc\/mdstat: line 3: .*md0/);
  });

  it('a non-numeric size is a ParseError', () => {
    const text = 'Personalities : [raid1]\nmd0 : active raid1 sda1[0] sdb1[1]\n      lots blocks [2/2] [UU]\n\nunused devices: <none>\n';
    expect(() => parseMdstat(text, '/proc/mdstat')).toThrow(/\/proc\/mdstat: line 3: size of md0 is not a number/);
  });

  it('a sync line without its progress is a ParseError', () => {
    const text =
      'Personalities : [raid1]\nmd0 : active raid1 sda1[0] sdb1[1]\n      248896 blocks [2/1] [U_]\n      [>....]  recovery = x%\n\nunused devices: <none>\n';
    expect(() => parseMdstat(text, '/proc/mdstat')).toThrow(/\/proc\/mdstat: line 4: no \(synced\/total\) blocks in the sync line of md0/);
  });

  it('a file with no arrays is an empty list', () => {
    expect(parseMdstat('Personalities : \nunused devices: <none>\n')).toEqual([]);
  });
});

describe('mdRaids on node_exporter fixture', () => {
  it('has node_md_raid_disks and node_md_degraded of e2e-output.txt', () => {
    const r = mdRaids({ roots: { sysfs: SYS } });
    expect(r.map((m) => [m.device, m.disks, m.degradedDisks])).toEqual([
      ['md0', 2, 0],
      ['md1', 2, 0],
      ['md10', 4, 0],
      ['md4', 3, 0],
      ['md5', 3, 1],
      ['md6', 4, 1],
    ]);
    expect(r[0]).toMatchObject({ level: 'raid0', components: [{ device: 'sdg' }, { device: 'sdh' }] });
  });

  it('no <sysfs>/block is no arrays', () => {
    expect(mdRaids({ roots: { sysfs: join(FIXTURES, 'disk-mdstat', 'proc') } })).toEqual([]);
  });

  it('a missing required file or a bad number is an error naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostprobe-mdraid-'));
    try {
      cpSync(SYS, dir, { recursive: true, verbatimSymlinks: true });
      writeFileSync(join(dir, 'block', 'md1', 'md', 'degraded'), 'x\n');
      expect(() => mdRaids({ roots: { sysfs: dir } })).toThrow(/md1\/md\/degraded: not an unsigned integer/);
      rmSync(join(dir, 'block', 'md1', 'md', 'degraded'));
      expect(() => mdRaids({ roots: { sysfs: dir } })).toThrow(/md1\/md\/degraded/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
