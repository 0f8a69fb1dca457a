#!/usr/bin/env node
/**
 * The `hostprobe` command: with no subcommand (or only flags) it runs the agent;
 * `check-config`, `metrics` and the psutil-style utilities are subcommands. Each module is
 * imported only when its command runs.
 *
 * Exit status: 0 success, 1 runtime failure, 2 usage or configuration error.
 */
// First: refuses an old Node with one line before anything else runs.
import './node-version.js';
import { buildInfo } from '../contract/build-info.js';
import { isSea } from '../sea.js';
import { agentPackagesProblem } from './agent-deps.js';
import { setProcessName } from './process-name.js';
import { guardInspectorSignal, holdHangups, holdStops } from './signals.js';

interface CommandModule {
  run(argv: string[]): Promise<number>;
  summary?: string;
}

/** Our own subcommands (in this directory). */
const OWN: Readonly<Record<string, { summary: string }>> = {
  'check-config': { summary: 'validate a config file without starting (exit 2 when invalid)' },
  metrics: { summary: 'poll once and print the /metrics exposition to stdout' },
};

/** The psutil-style utilities, in src/cli/commands/<name>.ts. */
const UTILITIES = ['ifconfig', 'free', 'df', 'ps', 'netstat', 'top'] as const;

/**
 * Each command's module, imported when it runs. Literal specifiers, so that the bundler of
 * the single-file binary (scripts/build-sea.mjs) finds and includes every one, and the
 * compiler checks each module's exports against CommandModule.
 */
const IMPORTS: Readonly<Record<string, () => Promise<CommandModule>>> = {
  'check-config': () => import('./check-config.js'),
  metrics: () => import('./metrics.js'),
  ifconfig: () => import('./commands/ifconfig.js'),
  free: () => import('./commands/free.js'),
  df: () => import('./commands/df.js'),
  ps: () => import('./commands/ps.js'),
  netstat: () => import('./commands/netstat.js'),
  top: () => import('./commands/top.js'),
};

async function loadCommand(name: string): Promise<CommandModule> {
  const load = IMPORTS[name];
  if (!load) throw new CommandUnavailable(`the '${name}' command is not available in this build (no import for it)`);
  return load();
}

class CommandUnavailable extends Error {}

async function utilitySummary(name: string): Promise<string> {
  try {
    const m = await loadCommand(name);
    return m.summary ?? '';
  } catch {
    return '(not available in this build)';
  }
}

async function mainHelp(): Promise<string> {
  const lines = [
    'Usage: hostprobe [flags]                 run the agent (its flags: hostprobe agent --help)',
    '       hostprobe <command> [args]',
    '',
    'Commands:',
    `  ${'agent'.padEnd(14)}run the agent (the default when no command is given)`,
  ];
  for (const [name, c] of Object.entries(OWN)) lines.push(`  ${name.padEnd(14)}${c.summary}`);
  for (const name of UTILITIES) lines.push(`  ${name.padEnd(14)}${await utilitySummary(name)}`);
  lines.push('', 'Every command takes --help. hostprobe --version prints the version.', '');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  guardInspectorSignal();
  const agent = first === undefined || first.startsWith('-') || first === 'agent';
  // The agent: a SIGHUP while it starts is a reload for when it is ready, not the end.
  if (agent && first !== '--version' && first !== '-v' && first !== '--help' && first !== '-h') {
    holdHangups();
    holdStops();
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    const b = buildInfo();
    process.stdout.write(`hostprobe ${b.version} (revision ${b.revision}, node ${b.nodeVersion}, ${b.goos}/${b.goarch})\n`);
    return 0;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(await mainHelp());
    return 0;
  }
  // The single-file binary unpacks its native addon first: a TMPDIR where that cannot
  // happen is one clear error at start, not every collector failing afterwards.
  if (isSea()) {
    try {
      await import('../native/addon.js');
    } catch (e) {
      process.stderr.write(`${(e as Error).message}\n`);
      return 1;
    }
  }
  // A library-only install (`npm install hostprobe`) has no agent packages: say so in one line.
  const needsAgentPackages = agent ? 'agent' : first === 'check-config' || first === 'metrics' ? first : null;
  const problem = needsAgentPackages ? agentPackagesProblem(needsAgentPackages) : null;
  if (problem) {
    process.stderr.write(`${problem}\n`);
    return 1;
  }
  if (agent) {
    setProcessName();
    const { runAgent } = await import('./agent.js');
    return runAgent(first === 'agent' ? rest : argv);
  }
  if (!OWN[first] && !(UTILITIES as readonly string[]).includes(first)) {
    process.stderr.write(`hostprobe: unknown command ${JSON.stringify(first)}\n\n${await mainHelp()}`);
    return 2;
  }
  let cmd: CommandModule;
  try {
    cmd = await loadCommand(first);
  } catch (e) {
    if (e instanceof CommandUnavailable) {
      process.stderr.write(`hostprobe: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  return cmd.run(rest);
}

/** Exits once everything written to stdout and stderr has been flushed (pipes are asynchronous). */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exitAfterFlush, (e: unknown) => {
  process.stderr.write(`hostprobe: ${(e as Error)?.stack ?? String(e)}\n`);
  exitAfterFlush(1);
});
