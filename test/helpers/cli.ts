// Runs a CLI command in-process with its output captured, the way the `hostprobe` entry
// point calls it (run(argv) -> exit status), and small parsers for the tables it prints.
import { bufferIo, type CliIo } from '../../src/cli/format.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

type Command = { run(argv: string[], io?: CliIo): Promise<number> };

/** Runs `command` with `argv`, capturing stdout and stderr. */
export async function runCli(
  command: Command,
  argv: string[],
  opts: { isTTY?: boolean; columns?: number; rows?: number; signal?: AbortSignal } = {},
): Promise<CliResult> {
  const io = bufferIo(opts);
  const code = await command.run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** Splits a table's lines into whitespace-separated cells (header first). */
export function cells(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s+/));
}

/** |a - b| <= tol. */
export function near(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol;
}
