/**
 * `hostprobe [flags]`: runs the agent until SIGTERM or SIGINT; SIGHUP reloads the config.
 * A config or flag that does not validate exits with status 2 before anything starts.
 *
 * Signals: SIGHUP before the agent is ready is queued (src/cli/signals.ts) and runs one
 * reload once it is; SIGUSR1 is ignored (no inspector); SIGTERM/SIGINT, at any time, stop
 * gracefully and the process exits within 2 s whatever a collector is stuck on.
 */
import { Agent } from '../agent/agent.js';
import { buildInfo } from '../contract/build-info.js';
import { agentFlagsHelp, FlagError, parseAgentFlags } from '../config/flags.js';
import { ConfigError } from '../config/load.js';
import { DEFAULT_PORT } from '../config/schema.js';
import { addon } from '../native/addon.js';
import { releaseHangups, releaseStops, setInspectorSignalLog } from './signals.js';

/** After SIGTERM/SIGINT the graceful stop gets this long; then the process exits regardless. */
const STOP_GRACE_MS = 1500;
/** Then this long for stdout and stderr to drain (the exit comes within 2 s of the signal). */
const FLUSH_MS = 300;

/**
 * Exits once stdout and stderr are flushed (at most FLUSH_MS), with _exit(2) from the addon:
 * process.exit() joins libuv's pool threads and never returns while one is stuck in a read
 * (a hung FUSE or NFS mount).
 */
function exitNow(code: number): void {
  const hard = addon.exitImmediately as ((c: number) => never) | undefined;
  const exit = (): void => {
    if (hard) hard(code);
    process.exit(code);
  };
  let pending = 2;
  const flushed = (): void => {
    if (--pending === 0) exit();
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
  setTimeout(exit, FLUSH_MS);
}

export const summary = 'run the agent (the default)';

function agentUsage(): string {
  return `Usage: hostprobe [flags]

Polls the host on an interval and serves the latest poll on a Prometheus endpoint,
node_exporter compatible (default http://0.0.0.0:${DEFAULT_PORT}/metrics), and pushes it over
OTLP when configured. Without --config.file the built-in defaults apply.
SIGHUP reloads the config as a transaction (a reload that fails anywhere keeps the
running config and listener); SIGTERM/SIGINT stop it within 2 s; SIGUSR1 is ignored.

Flags (node_exporter's names where they overlap; they override the config file):
${agentFlagsHelp()}
  -h, --help                                    show this help
      --version                                 print the version
`;
}

export async function runAgent(argv: string[]): Promise<number> {
  let flags;
  try {
    flags = parseAgentFlags(argv);
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`hostprobe: ${e.message}\n(see hostprobe --help)\n`);
      return 2;
    }
    throw e;
  }
  if (flags.help) {
    process.stdout.write(agentUsage());
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`hostprobe ${buildInfo().version}\n`);
    return 0;
  }
  if (flags.positional.length) {
    process.stderr.write(`hostprobe: unexpected argument ${JSON.stringify(flags.positional[0])} (see hostprobe --help)\n`);
    return 2;
  }
  const agent = new Agent({ ...(flags.configFile !== undefined ? { configFile: flags.configFile } : {}), overrides: flags.overrides });
  setInspectorSignalLog((m) => agent.logger.warn(m));
  for (const w of flags.warnings) agent.logger.warn(w);

  // SIGTERM/SIGINT from now on, also while starting: stop once started, exit within 2 s.
  let stopping = false;
  let started: Promise<unknown> = Promise.resolve();
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    agent.logger.info('shutting down', { signal });
    setTimeout(() => {
      agent.logger.warn('shutdown did not finish in time (a read that does not return?), exiting now', {
        signal,
        grace: `${STOP_GRACE_MS}ms`,
      });
      exitNow(0);
    }, STOP_GRACE_MS);
    void started
      .catch(() => undefined)
      .then(() => agent.stop())
      .catch((e: unknown) => agent.logger.error('error while stopping', { err: (e as Error).message }))
      .finally(() => exitNow(0));
  };
  releaseStops(stop);

  try {
    started = agent.start();
    await started;
  } catch (e) {
    if (stopping) return new Promise<number>(() => undefined);
    if (e instanceof ConfigError) {
      process.stderr.write(`hostprobe: ${e.message}\n`);
      await agent.stop().catch(() => undefined);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(`hostprobe: cannot start: ${err.code ? `${err.code}: ` : ''}${err.message}\n`);
    await agent.stop().catch(() => undefined);
    return 1;
  }
  const queued = releaseHangups(() => {
    if (stopping) return;
    agent.logger.info('SIGHUP: reloading the config');
    void agent.reload();
  });
  if (queued > 0 && !stopping) {
    agent.logger.info('SIGHUP received while starting: reloading the config', { signals: queued });
    void agent.reload();
  }
  // The process ends in stop() (exitNow).
  return new Promise<number>(() => undefined);
}
