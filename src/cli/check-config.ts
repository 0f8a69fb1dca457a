/** `hostprobe check-config FILE`: the agent's validation, without starting. Exit 0 valid, 2 invalid. */
import { FlagError, parseAgentFlags } from '../config/flags.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { validateRoots } from '../config/roots-check.js';
import { loadWebConfig } from '../config/webconfig.js';

export const summary = 'validate a config file without starting (exit 2 when invalid)';

const USAGE = `Usage: hostprobe check-config FILE [flags]

Validates FILE exactly as the agent does at start-up (the web config it names, or the
one given with --web.config.file, and the procfs, sysfs and rootfs paths), then exits: 0 when valid, 2 with one line per
problem (file:line:column: key.path: what is wrong; expected ...; did you mean ...?).
The agent's other flags are accepted and validated too.

Options:
  -q, --quiet   print nothing when the config is valid
  -h, --help    show this help
`;

export async function run(argv: string[]): Promise<number> {
  let quiet = false;
  const rest: string[] = [];
  for (const a of argv) {
    if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (a === '-q' || a === '--quiet') quiet = true;
    else rest.push(a);
  }
  let flags;
  try {
    flags = parseAgentFlags(rest);
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`hostprobe check-config: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const file = flags.positional[0] ?? flags.configFile;
  if (!file || flags.positional.length > 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    const { config } = await loadConfig(file, { overrides: flags.overrides });
    // The roots as the agent checks them at start: a procfs without stat, a sysfs that is not one.
    validateRoots(config, flags.overrides, file);
    if (config.http.web_config_file) await loadWebConfig(config.http.web_config_file);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (!quiet) process.stdout.write(`${file}: OK\n`);
  return 0;
}
