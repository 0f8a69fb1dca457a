/**
 * A thin layer over node:util parseArgs shared by the psutil-style commands: strict
 * parsing, `--help`, and the usage-error convention (message on stderr, exit status 2).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIo } from './format.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Exit status for a usage error (bad flag, bad value), as with most Unix tools. */
export const EXIT_USAGE = 2;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** The outcome of parsing: arguments to run with, or an exit status to return now. */
export type ParseOutcome = { ok: true; args: ParsedArgs } | { ok: false; code: number };

/**
 * Parses `argv` strictly against `options` (plus `--help`). On `--help` prints `usage`
 * to stdout and returns code 0; on a bad flag prints the message and a hint to stderr
 * and returns code 2.
 */
export function parseCommandArgs(
  command: string,
  argv: readonly string[],
  options: OptionSpec,
  usage: string,
  io: CliIo,
  opts: { allowPositionals?: boolean; helpShort?: boolean } = {},
): ParseOutcome {
  const help = { type: 'boolean' as const, ...(opts.helpShort === false ? {} : { short: 'h' }) };
  let parsed: ParsedArgs;
  try {
    const r = parseArgs({
      args: [...argv],
      options: { ...options, help },
      strict: true,
      allowPositionals: opts.allowPositionals ?? false,
    });
    parsed = { values: r.values as ParsedArgs['values'], positionals: r.positionals };
  } catch (e) {
    return usageError(command, e instanceof Error ? e.message : String(e), io);
  }
  if (parsed.values.help === true) {
    io.stdout.write(usage.endsWith('\n') ? usage : usage + '\n');
    return { ok: false, code: 0 };
  }
  return { ok: true, args: parsed };
}

/** Prints a usage error and returns the outcome carrying exit status 2. */
export function usageError(command: string, message: string, io: CliIo): { ok: false; code: number } {
  io.stderr.write(`hostprobe ${command}: ${message}\nTry 'hostprobe ${command} --help' for more information.\n`);
  return { ok: false, code: EXIT_USAGE };
}

/** Reads a positive number option (seconds, counts); undefined when absent. */
export function numberOption(
  command: string,
  name: string,
  raw: unknown,
  io: CliIo,
  opts: { integer?: boolean; min?: number } = {},
): number | undefined | { ok: false; code: number } {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const min = opts.min ?? 0;
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || n < min || (opts.integer && !Number.isInteger(n))) {
    return usageError(command, `option --${name} expects ${opts.integer ? 'an integer' : 'a number'} >= ${min}, got '${String(raw)}'`, io);
  }
  return n;
}

/** True when a numberOption result is a usage error rather than a value. */
export function isFailure(v: unknown): v is { ok: false; code: number } {
  return typeof v === 'object' && v !== null && (v as { ok?: unknown }).ok === false;
}
