// The optional inputs declared in code (OPTIONAL_INPUTS of each collector module) are the
// ones docs/agent.md "Failure semantics" lists, and the other way round.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OptionalInput } from '../../../src/contract/collector.js';
import * as cpu from '../../../src/collectors/cpu.js';
import * as disk from '../../../src/collectors/disk.js';
import * as hardware from '../../../src/collectors/hardware.js';
import * as host from '../../../src/collectors/host.js';
import * as mem from '../../../src/collectors/mem.js';
import * as net from '../../../src/collectors/net.js';
import * as nic from '../../../src/collectors/nic.js';
import * as proc from '../../../src/collectors/process.js';
import { REPO_ROOT } from '../../helpers/tools.js';

const CODE: Record<string, readonly OptionalInput[]> = {
  cpu: cpu.OPTIONAL_INPUTS,
  mem: mem.OPTIONAL_INPUTS,
  disk: disk.OPTIONAL_INPUTS,
  net: net.OPTIONAL_INPUTS,
  nic: nic.OPTIONAL_INPUTS,
  host: host.OPTIONAL_INPUTS,
  hardware: hardware.OPTIONAL_INPUTS,
  process: proc.OPTIONAL_INPUTS,
};

describe('optional inputs', () => {
  it('docs/agent.md lists exactly the paths the collectors declare', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'agent.md'), 'utf8');
    const start = doc.indexOf('| collector | part | optional input | when it is absent |');
    expect(start).toBeGreaterThan(0);
    const rows = doc
      .slice(start)
      .split('\n')
      .slice(2)
      .map((l) => l.trim())
      .filter((l, i, a) => l.startsWith('|') && a.slice(0, i).every((x) => x.startsWith('|')));
    const documented = new Set<string>();
    for (const row of rows) {
      const cells = row.split('|').map((c) => c.trim());
      const collector = (cells[1] ?? '').replace(/`/g, '');
      for (const m of (cells[3] ?? '').matchAll(/`([^`]+)`/g)) documented.add(`${collector} ${m[1]}`);
    }
    const declared = new Set<string>();
    for (const [collector, inputs] of Object.entries(CODE))
      for (const i of inputs) for (const p of i.paths) declared.add(`${collector} ${p}`);
    expect([...documented].sort()).toEqual([...declared].sort());
    expect(declared.size).toBeGreaterThan(10);
  });
});
