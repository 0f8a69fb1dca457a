// The shared CLI formatting helpers, checked against psutil's bytes2human and the
// layouts of ps/top, which are fixed by those tools' documented formats.
import { describe, expect, it } from 'vitest';
import {
  bar,
  bufferIo,
  bytes2human,
  fitWidth,
  formatCpuTime,
  formatCpuTimePlus,
  formatStart,
  formatUptime,
  printable,
  table,
} from '../../src/cli/format.js';
import { EXIT_USAGE, numberOption, isFailure, parseCommandArgs } from '../../src/cli/args.js';

describe('bytes2human', () => {
  it('matches psutil._common.bytes2human', () => {
    // The examples from psutil's own docstring.
    expect(bytes2human(10000)).toBe('9.8K');
    expect(bytes2human(100001221)).toBe('95.4M');
    expect(bytes2human(0)).toBe('0.0B');
    expect(bytes2human(1023)).toBe('1023.0B');
    expect(bytes2human(1024)).toBe('1.0K');
    expect(bytes2human(1024 ** 3 * 1.5)).toBe('1.5G');
    expect(bytes2human(1024 ** 4 * 3)).toBe('3.0T');
  });
});

describe('table', () => {
  it('aligns columns to the widest cell and leaves no trailing blanks', () => {
    const lines = table(
      [{ header: 'A' }, { header: 'Num', align: '>' }, { header: 'Last' }],
      [
        ['x', '1', 'end'],
        ['longer', '12345', ''],
      ],
    );
    expect(lines).toEqual(['A        Num Last', 'x          1 end', 'longer 12345']);
  });
  it('cuts cells to max', () => {
    expect(table([{ header: 'N', max: 3 }, { header: 'X' }], [['abcdef', 'y']])).toEqual(['N   X', 'abc y']);
  });
  it('keeps one row a line: control characters become ? as in procps ps', () => {
    const lines = table([{ header: 'PID' }, { header: 'COMMAND' }], [['1', 'bash -c a\nb\tc\u001b[31mred\u007f\u0085']]);
    expect(lines).toEqual(['PID COMMAND', '1   bash -c a?b?c?[31mred??']);
    expect(printable('héllo wörld ✓')).toBe('héllo wörld ✓');
  });
});

describe('time formats', () => {
  it('formats uptime like str(timedelta)', () => {
    expect(formatUptime(59)).toBe('0:00:59');
    expect(formatUptime(3600 + 62)).toBe('1:01:02');
    expect(formatUptime(86400 + 5)).toBe('1 day, 0:00:05');
    expect(formatUptime(8 * 86400 + 21 * 3600 + 15 * 60 + 40)).toBe('8 days, 21:15:40');
  });
  it("formats ps's START and TIME", () => {
    const now = Date.UTC(2026, 10, 20, 12, 0, 0) / 1000;
    const recent = now - 3600;
    const d = new Date(recent * 1000);
    expect(formatStart(recent, now)).toBe(`${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`);
    expect(formatStart(now - 3 * 86400, now)).toMatch(/^[A-Z][a-z]{2}\d{2}$/);
    expect(formatStart(now - 400 * 86400, now)).toBe(String(new Date((now - 400 * 86400) * 1000).getFullYear()));
    expect(formatCpuTime(0)).toBe('0:00');
    expect(formatCpuTime(61.9)).toBe('1:01');
    expect(formatCpuTime(7200)).toBe('120:00');
    expect(formatCpuTimePlus(3.456)).toBe('0:03.45');
    expect(formatCpuTimePlus(125.5)).toBe('2:05.50');
  });
  it('draws bars of 40 cells', () => {
    expect(bar(0)).toBe(`[${' '.repeat(40)}]`);
    expect(bar(50)).toBe(`[${'|'.repeat(20)}${' '.repeat(20)}]`);
    expect(bar(150)).toBe(`[${'|'.repeat(40)}]`);
  });
  it('cuts lines to the terminal width only on a TTY', () => {
    expect(fitWidth('abcdef', { write: () => true, isTTY: true, columns: 3 })).toBe('abc');
    expect(fitWidth('abcdef', { write: () => true, isTTY: false, columns: 3 })).toBe('abcdef');
  });
});

describe('argument parsing', () => {
  it('prints usage on --help and returns 0', () => {
    const io = bufferIo();
    const r = parseCommandArgs('x', ['--help'], {}, 'usage: hostprobe x', io);
    expect(r).toEqual({ ok: false, code: 0 });
    expect(io.out()).toBe('usage: hostprobe x\n');
  });
  it('rejects unknown flags with status 2 and a message', () => {
    const io = bufferIo();
    const r = parseCommandArgs('x', ['--nope'], { json: { type: 'boolean' } }, 'usage', io);
    expect(r).toEqual({ ok: false, code: EXIT_USAGE });
    expect(io.err()).toContain("Unknown option '--nope'");
    expect(io.err()).toContain('hostprobe x --help');
  });
  it('validates numbers', () => {
    const io = bufferIo();
    expect(numberOption('x', 'interval', '0.5', io)).toBe(0.5);
    expect(isFailure(numberOption('x', 'interval', 'abc', io))).toBe(true);
    expect(isFailure(numberOption('x', 'n', '1.5', io, { integer: true }))).toBe(true);
    expect(io.err()).toContain("option --interval expects a number >= 0, got 'abc'");
  });
});
