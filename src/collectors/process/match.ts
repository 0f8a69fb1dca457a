/**
 * process-exporter's `process_names` matching and naming (its config/config.go semantics):
 * - one item's selectors (comm, exe, cmdline) are ANDed; the comm and exe lists are ORed;
 *   every cmdline regex must match `argv.join(' ')` (unanchored, Go's MatchString);
 * - comm is compared exactly with /proc/<pid>/comm (at most 15 bytes);
 * - an exe entry without '/' is compared with basename(argv[0]); an entry with '/' must
 *   have the same basename AND equal argv[0];
 * - the group name is a template over .Comm, .ExeBase, .ExeFull (argv[0], or comm when the
 *   command line is empty), .Username (effective uid), .PID, .StartTime and .Matches.<name>
 *   (named captures of the cmdline regexes); default `{{.ExeBase}}`.
 * The first item that matches names the process.
 */
import { compileRegex } from '../../config/spec.js';
import type { ProcessGroupConfig } from '../../config/types.js';

/** What a matcher sees of one process. */
export interface ProcAttrs {
  readonly comm: string;
  readonly cmdline: readonly string[];
  readonly pid: number;
  /** Unix seconds. */
  readonly startTime: number;
  /** Resolved lazily: only templates that use .Username ask for it. */
  username(): string;
}

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'field'; readonly field: 'Comm' | 'ExeBase' | 'ExeFull' | 'Username' | 'PID' | 'StartTime' }
  | { readonly kind: 'match'; readonly name: string };

const FIELDS = new Set(['Comm', 'ExeBase', 'ExeFull', 'Username', 'PID', 'StartTime']);

/** Parses a Go-template-like name; throws for a field hostprobe does not support. */
export function parseTemplate(src: string): readonly Part[] {
  const parts: Part[] = [];
  const re = /\{\{-?\s*([^}]*?)\s*-?\}\}/g;
  let last = 0;
  for (let m = re.exec(src); m !== null; m = re.exec(src)) {
    if (m.index > last) parts.push({ kind: 'text', text: src.slice(last, m.index) });
    last = m.index + m[0].length;
    const expr = m[1] as string;
    const f = /^\.([A-Za-z]+)$/.exec(expr);
    const mt = /^\.Matches\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr) ?? /^index\s+\.Matches\s+"([^"]+)"$/.exec(expr);
    if (f && FIELDS.has(f[1] as string)) parts.push({ kind: 'field', field: f[1] as 'Comm' });
    else if (mt) parts.push({ kind: 'match', name: mt[1] as string });
    else throw new Error(`unsupported template expression {{${expr}}} in group name ${JSON.stringify(src)}`);
  }
  if (last < src.length) parts.push({ kind: 'text', text: src.slice(last) });
  return parts;
}

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

/** One compiled `process_names` item. */
export class GroupMatcher {
  readonly #comm: ReadonlySet<string> | undefined;
  /** basename → full path ('' = any path). */
  readonly #exe: ReadonlyMap<string, string[]> | undefined;
  readonly #cmdline: readonly RegExp[];
  readonly #template: readonly Part[];
  /** Whether the name depends on the username (so the scan must read uids). */
  readonly usesUsername: boolean;

  constructor(c: ProcessGroupConfig) {
    if (!c.comm?.length && !c.exe?.length && !c.cmdline?.length) {
      throw new Error(`process group ${JSON.stringify(c.name ?? '{{.ExeBase}}')}: no matchers (give comm, exe or cmdline)`);
    }
    this.#comm = c.comm?.length ? new Set(c.comm) : undefined;
    if (c.exe?.length) {
      const m = new Map<string, string[]>();
      for (const e of c.exe) {
        const base = basename(e);
        const list = m.get(base) ?? [];
        list.push(e.includes('/') ? e : '');
        m.set(base, list);
      }
      this.#exe = m;
    }
    this.#cmdline = (c.cmdline ?? []).map((r) => compileRegex(r));
    this.#template = parseTemplate(c.name ?? '{{.ExeBase}}');
    this.usesUsername = this.#template.some((p) => p.kind === 'field' && p.field === 'Username');
  }

  /** The group name when `p` matches, else undefined. */
  match(p: ProcAttrs): string | undefined {
    if (this.#comm && !this.#comm.has(p.comm)) return undefined;
    if (this.#exe) {
      const argv0 = p.cmdline[0];
      if (argv0 === undefined) return undefined;
      const paths = this.#exe.get(basename(argv0));
      if (!paths || !paths.some((full) => full === '' || full === argv0)) return undefined;
    }
    let matches: Record<string, string> | undefined;
    if (this.#cmdline.length) {
      const joined = p.cmdline.join(' ');
      for (const re of this.#cmdline) {
        const m = re.exec(joined);
        if (!m) return undefined;
        if (m.groups) {
          matches ??= {};
          for (const [k, v] of Object.entries(m.groups)) if (v !== undefined) matches[k] = v;
        }
      }
    }
    return this.#name(p, matches ?? {});
  }

  #name(p: ProcAttrs, matches: Readonly<Record<string, string>>): string {
    let s = '';
    for (const part of this.#template) {
      if (part.kind === 'text') s += part.text;
      else if (part.kind === 'match') s += matches[part.name] ?? '';
      else s += field(p, part.field);
    }
    return s;
  }
}

function field(p: ProcAttrs, f: 'Comm' | 'ExeBase' | 'ExeFull' | 'Username' | 'PID' | 'StartTime'): string {
  const argv0 = p.cmdline[0];
  switch (f) {
    case 'Comm':
      return p.comm;
    case 'ExeBase':
      return argv0 === undefined ? p.comm : basename(argv0);
    case 'ExeFull':
      return argv0 ?? p.comm;
    case 'Username':
      return p.username();
    case 'PID':
      return String(p.pid);
    case 'StartTime':
      return new Date(Math.round(p.startTime * 1000)).toISOString();
  }
}

/** The ordered `process_names` list: the first matching item names the process. */
export class Matchers {
  readonly #items: readonly GroupMatcher[];
  readonly usesUsername: boolean;

  constructor(groups: readonly ProcessGroupConfig[]) {
    this.#items = groups.map((g) => new GroupMatcher(g));
    this.usesUsername = this.#items.some((m) => m.usesUsername);
  }

  get size(): number {
    return this.#items.length;
  }

  match(p: ProcAttrs): string | undefined {
    for (const m of this.#items) {
      const name = m.match(p);
      if (name !== undefined) return name;
    }
    return undefined;
  }
}

/** /proc/<pid>/comm from a psutil-style name (which may be extended past 15 bytes from the cmdline). */
export function commOf(name: string): string {
  const b = Buffer.from(name, 'utf8');
  if (b.length <= 15) return name;
  let end = 15;
  while (end > 0 && ((b[end] ?? 0) & 0xc0) === 0x80) end--;
  return b.subarray(0, end).toString('utf8');
}
