// Preloaded into the soaked agent (`node --expose-gc --require probe.cjs dist/cli/main.js`)
// by bench/soak/run.mjs, over the IPC channel the soak opens; it changes nothing else.
// On {type: 'sample'} it forces two full GCs and answers with the V8 heap after them and
// the event-loop delay since the previous sample (perf_hooks.monitorEventLoopDelay, 10 ms
// resolution; the agent itself keeps no such monitor because of its wake-ups, see
// src/agent/self.ts). Without an IPC channel (not started by the soak) it does nothing.
'use strict';
const { monitorEventLoopDelay } = require('node:perf_hooks');

if (typeof process.send === 'function') {
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  process.on('message', (m) => {
    if (!m || m.type !== 'sample') return;
    const gc = globalThis.gc;
    if (typeof gc === 'function') {
      gc();
      gc();
    }
    const mem = process.memoryUsage();
    const ms = (ns) => ns / 1e6;
    process.send({
      type: 'sample',
      id: m.id,
      gc: typeof gc === 'function',
      heapUsed: mem.heapUsed,
      heapTotal: mem.heapTotal,
      external: mem.external,
      arrayBuffers: mem.arrayBuffers,
      rss: mem.rss,
      eld: { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max), count: eld.count },
    });
    eld.reset();
  });
  // The channel must not keep the agent alive once it stops (SIGTERM ends the process anyway).
  process.channel?.unref();
}
