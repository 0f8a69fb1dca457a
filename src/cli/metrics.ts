/** `hostprobe metrics [flags]`: one poll with the agent's config and flags, the exposition on stdout. */
import { buildExposition, renderOptions } from '../sinks/prometheus/index.js';
import { Poller } from '../agent/poller.js';
import { COLLECTORS } from '../collectors/index.js';
import { FlagError, parseAgentFlags } from '../config/flags.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { validateRoots } from '../config/roots-check.js';
import { createLogger } from '../logger.js';

export const summary = 'poll once and print the /metrics exposition to stdout';

const USAGE = `Usage: hostprobe metrics [flags]

Runs one poll with the same config and flags as the agent (--config.file, --path.*,
--collector.*, ...) and prints the exposition to stdout, then exits (status 0 even when a
collector failed: see node_scrape_collector_success; status 2 on a bad config or a root
that is not what it claims: a --path.procfs without stat, a --path.sysfs that is not
sysfs). Logs go to stderr.

Options:
      --openmetrics   print OpenMetrics instead of the Prometheus text format
  -h, --help          show this help
`;

function write(s: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(s, (e) => (e ? reject(e) : resolve())));
}

export async function run(argv: string[]): Promise<number> {
  let openMetrics = false;
  const rest: string[] = [];
  for (const a of argv) {
    if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (a === '--openmetrics') openMetrics = true;
    else rest.push(a);
  }
  let flags;
  try {
    flags = parseAgentFlags(rest);
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`hostprobe metrics: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (flags.positional.length) {
    process.stderr.write(USAGE);
    return 2;
  }
  // node_exporter flags hostprobe accepts but does not use: said once each, as the agent logs them.
  for (const w of flags.warnings) process.stderr.write(`hostprobe metrics: ${w}\n`);
  let config;
  try {
    config = (await loadConfig(flags.configFile, { overrides: flags.overrides })).config;
    validateRoots(config, flags.overrides, flags.configFile);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`hostprobe: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const logger = createLogger({ level: config.log.level === 'debug' ? 'debug' : 'error', format: config.log.format });
  const poller = new Poller({ config, logger, table: COLLECTORS });
  await poller.init();
  const snap = await poller.pollOnce();
  const x = buildExposition(snap, renderOptions(config));
  await write(openMetrics ? x.renderOpenMetrics() : x.renderText());
  await poller.stop();
  return 0;
}
