/**
 * Shared output helpers for the psutil-style CLI commands (`hostprobe free`, `df`,
 * `ifconfig`, `netstat`, `ps`, `top`): where output goes, human-readable sizes, and
 * aligned text tables. Nothing here reads the system; the commands get their data from
 * the library's public API only.
 */

/** Something text can be written to (process.stdout, or a buffer in tests). */
export interface TextSink {
  write(chunk: string): unknown;
  /** True when the sink is a terminal. */
  isTTY?: boolean;
  /** Terminal width in characters, when known. */
  columns?: number;
  /** Terminal height in lines, when known. */
  rows?: number;
}

/** A readable terminal, for commands that take keys (top's `q`). */
export interface KeySource {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/** Where a command writes and reads. Defaults to the process's own streams. */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  stdin?: KeySource;
  /** Aborts long-running commands (top) from outside, e.g. tests. */
  signal?: AbortSignal;
}

/** The real streams of this process. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
}

/** An in-memory CliIo for tests and embedding: everything written is collected. */
export function bufferIo(opts: { isTTY?: boolean; columns?: number; rows?: number; signal?: AbortSignal } = {}): CliIo & {
  out(): string;
  err(): string;
} {
  let out = '';
  let err = '';
  const stdout: TextSink = {
    write(s: string) {
      out += s;
      return true;
    },
  };
  if (opts.isTTY !== undefined) stdout.isTTY = opts.isTTY;
  if (opts.columns !== undefined) stdout.columns = opts.columns;
  if (opts.rows !== undefined) stdout.rows = opts.rows;
  const io: CliIo & { out(): string; err(): string } = {
    stdout,
    stderr: {
      write(s: string) {
        err += s;
        return true;
      },
    },
    out: () => out,
    err: () => err,
  };
  if (opts.signal) io.signal = opts.signal;
  return io;
}

const SYMBOLS = ['K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'] as const;

/**
 * psutil's bytes2human: binary prefixes with one decimal and a one-letter suffix.
 * 10000 -> "9.8K", 100001221 -> "95.4M", 512 -> "512.0B".
 */
export function bytes2human(n: number): string {
  for (let i = SYMBOLS.length - 1; i >= 0; i--) {
    const prefix = 2 ** ((i + 1) * 10);
    if (Math.abs(n) >= prefix) return `${(n / prefix).toFixed(1)}${SYMBOLS[i]}`;
  }
  return `${n.toFixed(1)}B`;
}

/** Column alignment: '<' left, '>' right. */
export type Align = '<' | '>';

export interface Column {
  header: string;
  align?: Align;
  /** Minimum width (the header and the widest cell count too). */
  min?: number;
  /** Maximum width; longer cells are cut. */
  max?: number;
}

/**
 * Replaces control characters (C0, DEL, C1) with '?', as procps' ps and coreutils' df
 * do: a command line or a mount point may hold newlines, tabs or escape sequences, and
 * a text table must stay one row a line and must not drive the terminal.
 */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

function pad(s: string, width: number, align: Align): string {
  return align === '>' ? s.padStart(width) : s.padEnd(width);
}

/**
 * Renders rows as an aligned table with one space between columns (two before the
 * last one when `gap` is 2). The last column is never padded, so lines carry no
 * trailing blanks. Cells are made printable first. Returns the lines without a final
 * newline.
 */
export function table(columns: readonly Column[], rawRows: readonly (readonly string[])[], gap = 1): string[] {
  const rows = rawRows.map((r) => r.map(printable));
  const widths = columns.map((c, i) => {
    let w = Math.max(c.min ?? 0, c.header.length);
    for (const r of rows) w = Math.max(w, (r[i] ?? '').length);
    return c.max !== undefined ? Math.min(w, c.max) : w;
  });
  const sep = ' '.repeat(gap);
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => {
        let cell = cells[i] ?? '';
        const w = widths[i] ?? 0;
        if (c.max !== undefined && cell.length > c.max) cell = cell.slice(0, c.max);
        return i === columns.length - 1 && (c.align ?? '<') === '<' ? cell : pad(cell, w, c.align ?? '<');
      })
      .join(sep)
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)];
}

/** Cuts a line to the terminal width when writing to a terminal. */
export function fitWidth(line: string, sink: TextSink): string {
  if (sink.isTTY && sink.columns && sink.columns > 0 && line.length > sink.columns) return line.slice(0, sink.columns);
  return line;
}

/** Writes lines followed by newlines. */
export function writeLines(sink: TextSink, lines: readonly string[]): void {
  if (lines.length) sink.write(lines.join('\n') + '\n');
}

/** Pretty JSON, as printed by `--json`. */
export function writeJson(sink: TextSink, value: unknown): void {
  sink.write(JSON.stringify(value, null, 2) + '\n');
}

/** "8 days, 21:15:40" / "21:15:40", like Python's str(timedelta) without the fraction. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const rest = s % 86400;
  const hh = Math.floor(rest / 3600);
  const mm = Math.floor((rest % 3600) / 60);
  const ss = rest % 60;
  const clock = `${hh}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
  if (days === 0) return clock;
  return `${days} day${days === 1 ? '' : 's'}, ${clock}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/**
 * ps's START column for a process created at `created` (epoch seconds), seen at `now`:
 * "HH:MM" when less than 24 hours ago, "MonDD" within the year, else the year.
 */
export function formatStart(created: number, now: number): string {
  const d = new Date(created * 1000);
  const age = now - created;
  if (age < 24 * 3600) return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  if (age < 365 * 24 * 3600) return `${MONTHS[d.getMonth()]}${String(d.getDate()).padStart(2, '0')}`;
  return String(d.getFullYear());
}

/** ps's TIME column: cumulative CPU seconds as "M:SS" (minutes unbounded). */
export function formatCpuTime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** top's TIME+ column: "M:SS.hh" (hundredths). */
export function formatCpuTimePlus(seconds: number): string {
  const cs = Math.max(0, Math.floor(seconds * 100));
  const m = Math.floor(cs / 6000);
  const s = Math.floor((cs % 6000) / 100);
  const h = cs % 100;
  return `${m}:${String(s).padStart(2, '0')}.${String(h).padStart(2, '0')}`;
}

/** A percentage bar like top.py's: `[||||      ]` of `width` cells for 0..100. */
export function bar(percent: number, width = 40): string {
  const p = Math.min(100, Math.max(0, Number.isFinite(percent) ? percent : 0));
  const n = Math.floor((p / 100) * width);
  return `[${'|'.repeat(n)}${' '.repeat(width - n)}]`;
}

/** Formats an error for a one-line message. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
