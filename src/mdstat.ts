/**
 * Linux software RAID: `<procfs>/mdstat`, read with one bounded read and parsed the way
 * node_exporter 1.12's `mdadm` collector reads it (prometheus/procfs' MDStat): one entry per
 * md device with its activity state, disk counts, size and sync progress.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError, ParseError } from './errors.js';
import { readRegularFileSync } from './internal/bounded-read.js';
import { resolveRoots, type Roots } from './roots.js';

/** The read limit of the agent's other /proc files; mdstat with thousands of arrays stays far below it. */
const MDSTAT_LIMIT = 16 * 1024 * 1024;

/** One md device of /proc/mdstat. */
export interface MdStat {
  /** `md0`. */
  name: string;
  /** The personality (`raid1`), `unknown` when the line names none the kernel lists. */
  type: string;
  /**
   * `active`, `inactive`, ... as the kernel prints it; `recovering`, `resyncing`,
   * `checking` or `reshaping` while a sync runs.
   */
  activityState: string;
  /** Disks in use (`[n/m]`'s m; all members for raid0 and linear; 0 when inactive). */
  disksActive: number;
  /** Disks the array needs (`[n/m]`'s n). */
  disksTotal: number;
  /** Members marked `(F)`. */
  disksFailed: number;
  /** Missing members (`_` in `[UU_]`). */
  disksDown: number;
  /** Members marked `(S)`. */
  disksSpare: number;
  /** Size in 1 KiB blocks. */
  blocksTotal: number;
  /** Blocks synced: the total when no sync runs, 0 when it is pending or delayed. */
  blocksSynced: number;
  /** Blocks the running sync covers (the total when none runs). */
  blocksToBeSynced: number;
  /** Sync progress in percent, 0 when none runs. */
  blocksSyncedPct: number;
  /** Estimated minutes to the end of the sync, 0 when none runs. */
  blocksSyncedFinishMinutes: number;
  /** Sync speed in KiB/s as printed, 0 when none runs. */
  blocksSyncedSpeed: number;
}

const PERSONALITIES = 'Personalities : ';
const STATUS_RE = /(\d+) blocks .*\[(\d+)\/(\d+)\] \[([U_]+)\]/;

function int(s: string, what: string, path: string, line: number): number {
  if (!/^\d+$/.test(s)) throw new ParseError(`${path}: line ${line}: ${what} is not a number: ${JSON.stringify(s)}`, { path });
  return Number(s);
}

function float(s: string, what: string, path: string, line: number): number {
  const t = s.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) throw new ParseError(`${path}: line ${line}: ${what} is not a number: ${JSON.stringify(s)}`, { path });
  return Number(t);
}

function count(s: string, sub: string): number {
  return s.split(sub).length - 1;
}

/**
 * Parses mdstat text. `path` names the file in errors (with the 1-based line).
 *
 * @throws ParseError when a device's lines are not mdstat's.
 */
export function parseMdstat(text: string, path = 'mdstat'): MdStat[] {
  const out: MdStat[] = [];
  const lines = text.split('\n');
  const known = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith(' ') || line.startsWith('unused')) continue;
    if (known.size === 0 && line.startsWith(PERSONALITIES)) {
      for (const w of line.slice(PERSONALITIES.length).trim().split(/\s+/)) if (w.length >= 2) known.add(w.slice(1, -1));
      continue;
    }
    const no = i + 1;
    const f = line.trim().split(/\s+/);
    if (f.length < 3) throw new ParseError(`${path}: line ${no}: expected "<md> : <state> ...", got ${JSON.stringify(line)}`, { path });
    const name = f[0]!;
    let state = f[2]!;
    const isRaid = (w: string | undefined): boolean => w !== undefined && known.has(w) && !/[([]/.test(w);
    const type = isRaid(f[3]) ? f[3]! : isRaid(f[4]) ? f[4]! : 'unknown';
    if (lines.length <= i + 3) throw new ParseError(`${path}: line ${no}: too few lines for md device ${name}`, { path });
    const status = lines[i + 1]!;
    const sf = status.trim().split(/\s+/);
    const size = int(sf[0] ?? '', `size of ${name}`, path, no + 1);
    let active: number;
    let total: number;
    let down = 0;
    if (line.includes('raid0') || line.includes('linear')) {
      active = total = count(line, '[');
    } else if (line.includes('inactive')) {
      active = total = 0;
    } else {
      const m = STATUS_RE.exec(status);
      if (!m) throw new ParseError(`${path}: line ${no + 1}: no "[n/m] [U_]" status for ${name}: ${JSON.stringify(status)}`, { path });
      total = int(m[2]!, 'disks', path, no + 1);
      active = int(m[3]!, 'active disks', path, no + 1);
      down = count(m[4]!, '_');
    }
    let syncIdx = i + 2;
    if (lines[syncIdx]!.includes('bitmap')) syncIdx++;
    const sync = lines[syncIdx] ?? '';
    let synced = size;
    let toSync = size;
    let pct = 0;
    let finish = 0;
    let speed = 0;
    const running = ['recovery', 'reshape', 'resync', 'check'].some((w) => sync.includes(w));
    if (running) {
      state = sync.includes('recovery')
        ? 'recovering'
        : sync.includes('reshape')
          ? 'reshaping'
          : sync.includes('check')
            ? 'checking'
            : 'resyncing';
      if (sync.includes('PENDING') || sync.includes('DELAYED')) {
        synced = 0;
      } else {
        const sno = syncIdx + 1;
        const bad = (what: string): ParseError =>
          new ParseError(`${path}: line ${sno}: no ${what} in the sync line of ${name}: ${JSON.stringify(sync)}`, { path });
        const b = /\((\d+)\/(\d+)\)/.exec(sync);
        if (!b) throw bad('(synced/total) blocks');
        synced = int(b[1]!, 'synced blocks', path, sno);
        toSync = int(b[2]!, 'blocks to sync', path, sno);
        const p = /= (.+)%/.exec(sync);
        if (!p) throw bad('percentage');
        pct = float(p[1]!, 'percentage', path, sno);
        const fi = /finish=(.+)min/.exec(sync);
        if (!fi) throw bad('finish=');
        finish = float(fi[1]!, 'finish time', path, sno);
        const sp = /speed=(.+)[A-Z]/.exec(sync);
        if (!sp) throw bad('speed=');
        speed = float(sp[1]!, 'speed', path, sno);
      }
    }
    out.push({
      name,
      type,
      activityState: state,
      disksActive: active,
      disksTotal: total,
      disksFailed: count(line, '(F)'),
      disksDown: down,
      disksSpare: count(line, '(S)'),
      blocksTotal: size,
      blocksSynced: synced,
      blocksToBeSynced: toSync,
      blocksSyncedPct: pct,
      blocksSyncedFinishMinutes: finish,
      blocksSyncedSpeed: speed,
    });
  }
  return out;
}

/**
 * The md devices of `<procfs>/mdstat`.
 *
 * @throws NotFoundError when the file does not exist (no md driver loaded).
 * @throws ParseError when it is not mdstat's format.
 */
export function mdStat(options: { roots?: Partial<Roots> } = {}): MdStat[] {
  const path = join(resolveRoots(options.roots).procfs, 'mdstat');
  let text: string;
  try {
    text = readRegularFileSync(path, MDSTAT_LIMIT).toString('utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new NotFoundError(`${path} does not exist`, { code: 'ENOENT', path, cause: e });
    throw e;
  }
  return parseMdstat(text, path);
}

/** One md array of `<sysfs>/block/md<n>/md`. */
export interface MdRaid {
  /** `md0`. */
  device: string;
  /** `level` (`raid1`; `''` for an array being assembled). */
  level: string;
  /** `array_state` (`clean`, `active`, ...). */
  arrayState: string;
  /** `metadata_version`. */
  metadataVersion: string;
  /** `raid_disks`: members of the complete array; null for containers (imsm, ddf) or when empty. */
  disks: number | null;
  /** `uuid`. */
  uuid: string;
  /** The `dev-*` members with their `state`. */
  components: { device: string; state: string }[];
  /** `chunk_size` in bytes for striped levels, else 0. */
  chunkSize: number;
  /** `degraded` for redundant levels, else 0. */
  degradedDisks: number;
  /** `sync_action` for redundant levels, else `''`. */
  syncAction: string;
  /** `sync_completed` as a fraction, 0 when none runs or the level has none. */
  syncCompleted: number;
}

const SYSFS_ATTR_LIMIT = 64 * 1024;

function attr(dir: string, name: string): string {
  return readRegularFileSync(join(dir, name), SYSFS_ATTR_LIMIT).toString('utf8').trim();
}

function uintAttr(dir: string, name: string): number {
  const v = attr(dir, name);
  if (!/^\d+$/.test(v))
    throw new ParseError(`${join(dir, name)}: not an unsigned integer: ${JSON.stringify(v)}`, { path: join(dir, name) });
  return Number(v);
}

/**
 * The md arrays of `<sysfs>/block/md<n>/md`, read as prometheus/procfs' Mdraids: each file it
 * requires for the array's level must be there.
 *
 * @throws HostProbeError/UnreadableFileError naming the file when a required one is missing,
 *   ParseError when a number is not one.
 */
export function mdRaids(options: { roots?: Partial<Roots> } = {}): MdRaid[] {
  const block = join(resolveRoots(options.roots).sysfs, 'block');
  let names: string[];
  try {
    names = readdirSync(block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: MdRaid[] = [];
  for (const device of names.filter((n) => n.startsWith('md')).sort()) {
    const dir = join(block, device, 'md');
    if (!existsSync(dir)) continue;
    const level = attr(dir, 'level');
    const md: MdRaid = {
      device,
      level,
      arrayState: attr(dir, 'array_state'),
      metadataVersion: attr(dir, 'metadata_version'),
      disks: null,
      uuid: '',
      components: [],
      chunkSize: 0,
      degradedDisks: 0,
      syncAction: '',
      syncCompleted: 0,
    };
    if (level !== '' && level !== 'container' && level !== 'imsm' && level !== 'ddf') {
      const c = attr(dir, 'raid_disks');
      // "4" or, while reshaping, "4 (3)": the first number.
      const m = /^(\d+)(?: |$)/.exec(c);
      if (m) md.disks = Number(m[1]);
    }
    md.uuid = attr(dir, 'uuid');
    for (const d of readdirSync(dir)
      .filter((n) => n.startsWith('dev-'))
      .sort()) {
      md.components.push({ device: d.slice(4), state: attr(join(dir, d), 'state') });
    }
    if (['raid0', 'raid4', 'raid5', 'raid6', 'raid10'].includes(level)) md.chunkSize = uintAttr(dir, 'chunk_size');
    if (['raid1', 'raid4', 'raid5', 'raid6', 'raid10'].includes(level)) {
      md.degradedDisks = uintAttr(dir, 'degraded');
      md.syncAction = attr(dir, 'sync_action');
      const sc = attr(dir, 'sync_completed');
      if (sc !== 'none') {
        const m = /^(\d+) \/ (\d+)/.exec(sc);
        if (!m)
          throw new ParseError(`${join(dir, 'sync_completed')}: not "<done> / <total>": ${JSON.stringify(sc)}`, {
            path: join(dir, 'sync_completed'),
          });
        md.syncCompleted = Number(m[1]) / Number(m[2]);
      }
    }
    out.push(md);
  }
  return out;
}
