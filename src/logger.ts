/**
 * A small structured logger: one line per record on stderr, logfmt (the format
 * node_exporter's slog uses) or JSON. Levels: debug < info < warn < error.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'logfmt' | 'json';

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose records all carry `fields` (e.g. `{ collector: 'disk' }`). */
  with(fields: LogFields): Logger;
  /** Changes the level of this logger and every logger derived from it. */
  setLevel(level: LogLevel): void;
  isEnabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go (default: process.stderr). */
  write?: (line: string) => void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function logfmtValue(v: unknown): string {
  let s: string;
  if (v instanceof Error) s = v.message;
  else if (typeof v === 'string') s = v;
  else if (v === undefined) s = '';
  else if (typeof v === 'object' && v !== null) s = JSON.stringify(v);
  else s = String(v);
  return /^[^\s"=\\]+$/.test(s) ? s : JSON.stringify(s);
}

interface Shared {
  level: number;
  format: LogFormat;
  write: (line: string) => void;
}

class LoggerImpl implements Logger {
  constructor(
    private readonly shared: Shared,
    private readonly base: LogFields,
  ) {}

  private log(level: LogLevel, msg: string, fields?: LogFields): void {
    if (RANK[level] < this.shared.level) return;
    const time = new Date().toISOString();
    const all: Record<string, unknown> = { ...this.base, ...fields };
    let line: string;
    if (this.shared.format === 'json') {
      const o: Record<string, unknown> = { time, level, msg };
      for (const [k, v] of Object.entries(all)) o[k] = v instanceof Error ? v.message : v;
      line = JSON.stringify(o);
    } else {
      line = `time=${time} level=${level} msg=${logfmtValue(msg)}`;
      for (const [k, v] of Object.entries(all)) line += ` ${k}=${logfmtValue(v)}`;
    }
    this.shared.write(line + '\n');
  }

  debug(msg: string, fields?: LogFields): void {
    this.log('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.log('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.log('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.log('error', msg, fields);
  }
  with(fields: LogFields): Logger {
    return new LoggerImpl(this.shared, { ...this.base, ...fields });
  }
  setLevel(level: LogLevel): void {
    this.shared.level = RANK[level];
  }
  isEnabled(level: LogLevel): boolean {
    return RANK[level] >= this.shared.level;
  }
}

/** Creates a root logger. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  return new LoggerImpl(
    {
      level: RANK[opts.level ?? 'info'],
      format: opts.format ?? 'logfmt',
      write: opts.write ?? ((line) => void process.stderr.write(line)),
    },
    {},
  );
}

/** A logger that drops everything (tests, `hostprobe metrics`). */
export const nullLogger: Logger = createLogger({ level: 'error', write: () => {} });
