// Also: node_processes_max_{processes,threads} are required, as node_exporter has them.
// Group CPU counters are summed in clock ticks (integers) and converted once, so they never
// step back: summed as float seconds, members of 0.1 + 0.2 + 0.29 s give 0.5900000000000001,
// and when the 0.1 s member exits the group reads base 0.1 + (0.2 + 0.29) = 0.59, which
// Prometheus takes for a counter reset. Two procfs trees made from the agent-process-poll1
// fixture: three single-threaded workers (10, 20 and 29 ticks of user time), then the first
// one gone.
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProcessReading } from '../../../src/contract/snapshot.js';
import { create } from '../../../src/collectors/process.js';
import { checkConfigText } from '../../../src/config/load.js';
import { clockTicks } from '../../../src/cpu.js';
import { nullLogger } from '../../../src/logger.js';
import { FIXTURES } from '../../helpers/tools.js';
import { processCollectContext } from '../../helpers/agent.js';

const SRC = join(FIXTURES, 'agent-process-poll1', 'proc');
const tmp = mkdtempSync(join(tmpdir(), 'hp-intsum-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A procfs tree with single-threaded `worker` processes: pid -> user ticks. */
function tree(name: string, workers: Record<number, number>): string {
  const root = join(tmp, name);
  cpSync(SRC, root, { recursive: true });
  for (const pid of ['100', '101', '200', '201']) rmSync(join(root, pid), { recursive: true, force: true });
  for (const [pid, ticks] of Object.entries(workers)) {
    const dir = join(root, pid);
    cpSync(join(SRC, '101'), dir, { recursive: true });
    const f = readFileSync(join(dir, 'stat'), 'utf8').split(' ');
    f[0] = pid;
    f[13] = String(ticks); // utime
    f[14] = '0'; // stime
    writeFileSync(join(dir, 'stat'), f.join(' '));
    writeFileSync(join(dir, 'status'), readFileSync(join(dir, 'status'), 'utf8').replace(/^(Tgid|Pid):\t101$/gm, `$1:\t${pid}`));
  }
  return root;
}

describe('process group counters', () => {
  it('are exact sums of ticks and do not step back when a member exits', async () => {
    expect(clockTicks()).toBe(100); // USER_HZ on Linux
    const { config } = await checkConfigText(
      'collectors:\n  process:\n    enabled: true\n    groups:\n      - name: worker\n        comm: [worker]\n',
      'test.yaml',
    );
    if (!config) throw new Error('config');
    const c = await create(config.collectors.process, nullLogger);
    const poll = async (procfs: string): Promise<ProcessReading> => {
      const failures: string[] = [];
      const r = await c.collect(processCollectContext(config, procfs, failures));
      expect(failures).toEqual([]);
      return r;
    };
    const first = await poll(tree('a', { 101: 10, 102: 20, 103: 29 }));
    const w1 = first.groups?.find((g) => g.name === 'worker');
    expect(w1?.numProcs).toBe(3);
    expect(w1?.cpuUserSeconds).toBe(0.59);
    const second = await poll(tree('b', { 102: 20, 103: 29 }));
    const w2 = second.groups?.find((g) => g.name === 'worker');
    expect(w2?.numProcs).toBe(2);
    expect(w2?.cpuUserSeconds).toBe(0.59);
    const third = await poll(tree('c', { 102: 21, 103: 29 }));
    expect(third.groups?.find((g) => g.name === 'worker')?.cpuUserSeconds).toBe(0.6);
  });
});

describe('node_processes limits', () => {
  it('a missing pid_max or a malformed threads-max fails the processes part with the paths', async () => {
    const { config } = await checkConfigText('collectors:\n  process:\n    enabled: true\n', 'test.yaml');
    if (!config) throw new Error('config');
    const c = await create(config.collectors.process, nullLogger);
    const root = join(tmp, 'limits');
    cpSync(SRC, root, { recursive: true });
    unlinkSync(join(root, 'sys', 'kernel', 'pid_max'));
    writeFileSync(join(root, 'sys', 'kernel', 'threads-max'), 'lots\n');
    const failures: string[] = [];
    const r = await c.collect(processCollectContext(config, root, failures, (e) => (e as Error).message));
    expect(failures).toEqual([
      `processes: cannot read ${root}/sys/kernel/pid_max and ${root}/sys/kernel/threads-max: missing or not an integer`,
    ]);
    expect(r.summary).toBeUndefined();
  });
});
