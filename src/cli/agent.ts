/**
 * `hostprobe [flags]`: runs the agent until SIGTERM or SIGINT; SIGHUP reloads the config.
 * A config or flag that does not validate exits with status 2 before anything starts.
 */
import { Agent } from '../agent/agent.js';
import { buildInfo } from '../agent/build-info.js';
import { agentFlagsHelp, FlagError, parseAgentFlags } from '../config/flags.js';
import { ConfigError } from '../config/load.js';
import { DEFAULT_PORT } from '../config/schema.js';

export const summary = 'run the agent (the default)';

export function agentUsage(): string {
  return `Usage: hostprobe [flags]

Polls the host on an interval and serves the latest poll on a Prometheus endpoint,
node_exporter compatible (default http://0.0.0.0:${DEFAULT_PORT}/metrics), and pushes it over
OTLP when configured. Without --config.file the built-in defaults apply.
SIGHUP reloads the config (a config that does not validate keeps the running one).

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
  for (const w of flags.warnings) agent.logger.warn(w);
  try {
    await agent.start();
  } catch (e) {
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
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      agent.logger.info('shutting down', { signal });
      void agent.stop().finally(() => resolve(0));
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => {
      agent.logger.info('SIGHUP: reloading the config');
      void agent.reload();
    });
  });
}
