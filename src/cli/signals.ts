/**
 * Signals before a command's own handlers exist, for every hostprobe command.
 *
 * - SIGUSR1: Node.js opens its inspector (an unauthenticated debugger on 127.0.0.1:9229)
 *   on SIGUSR1 unless the process listens for the signal itself. Every command listens
 *   and logs that the signal is ignored. (A SIGUSR1 in the first milliseconds, while Node
 *   loads this module, can still open it: run `node --disable-sigusr1` to close that too.)
 * - SIGHUP (the agent only): its default action ends the process, so a reload asked for
 *   while the agent starts would kill it. holdHangups() queues them from the first line of
 *   the CLI; releaseHangups() hands over to the agent's handler once it is ready.
 * - SIGTERM, SIGINT (the agent only): remembered from the first line too, so that the
 *   agent's bounded stop (src/cli/agent.ts) applies however early they come.
 */

let usr1Log: (message: string) => void = (m) => process.stderr.write(`hostprobe: ${m}\n`);

/** Ignores SIGUSR1 (see above); `log` receives the message (default: stderr). */
export function guardInspectorSignal(): void {
  if (process.listenerCount('SIGUSR1') > 0) return;
  process.on('SIGUSR1', () => usr1Log('SIGUSR1 ignored: hostprobe does not open the Node.js inspector on a signal'));
}

/** Where the SIGUSR1 message goes (the agent's logger once it has one). */
export function setInspectorSignalLog(log: (message: string) => void): void {
  usr1Log = log;
}

let queued = 0;
const queue = (): void => {
  queued++;
};

/** Queues SIGHUPs until releaseHangups(). */
export function holdHangups(): void {
  if (!process.listeners('SIGHUP').includes(queue)) process.on('SIGHUP', queue);
}

/**
 * Installs the real SIGHUP handler, then stops queueing (so there is never a moment
 * without a listener, when a SIGHUP would end the process). Returns how many SIGHUPs
 * arrived while they were held.
 */
export function releaseHangups(handler: () => void): number {
  process.on('SIGHUP', handler);
  process.off('SIGHUP', queue);
  const n = queued;
  queued = 0;
  return n;
}

let stopSignal: NodeJS.Signals | undefined;
const queueStop = (signal: NodeJS.Signals): void => {
  stopSignal ??= signal;
};

/**
 * The agent: SIGTERM and SIGINT from the first line of the CLI are remembered (instead of
 * Node's default, which resets the terminal and ends the process without the agent's
 * bounded stop) until releaseStops().
 */
export function holdStops(): void {
  if (!process.listeners('SIGTERM').includes(queueStop)) {
    process.on('SIGTERM', queueStop);
    process.on('SIGINT', queueStop);
  }
}

/** Installs the real handler, then stops remembering; calls it at once for a signal that came before. */
export function releaseStops(handler: (signal: NodeJS.Signals) => void): void {
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  process.off('SIGTERM', queueStop);
  process.off('SIGINT', queueStop);
  const s = stopSignal;
  stopSignal = undefined;
  if (s) handler(s);
}
