/**
 * The host-metrics source behind the library integrations (hostprobe/prom-client,
 * hostprobe/otel): the agent's collectors and poller, configured from the same config
 * shape as hostprobe.yaml and validated by the same mechanism, polled on demand (one poll
 * per collection; collections that overlap share the poll in flight). No timer, no HTTP
 * server, no child process.
 */
import { stringify } from 'yaml';
import { Poller } from '../agent/poller.js';
import type { Snapshot } from '../contract/snapshot.js';
import { COLLECTORS } from '../collectors/index.js';
import { checkConfigText, ConfigError } from '../config/load.js';
import type { AgentConfig, ProcessGroupConfig } from '../config/types.js';
import { createLogger, type Logger } from '../logger.js';

/** Every key optional, recursively (arrays are taken whole). */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** The parts of hostprobe.yaml that matter to an embedded source (same keys, same checks). */
export type HostConfigInput = DeepPartial<Pick<AgentConfig, 'paths' | 'collectors' | 'collector_timeout'>>;

export interface HostSourceOptions {
  /**
   * Config in hostprobe.yaml's shape (`collectors`, `paths`, `collector_timeout`), validated
   * like the agent's config file: an unknown key or a bad value throws a ConfigError naming it.
   */
  config?: HostConfigInput;
  /**
   * process-exporter style groups (shorthand for `config.collectors.process.groups`), as
   * written in hostprobe.yaml: keys with defaults (an empty `cmdline`) may be left out.
   */
  processGroups?: readonly DeepPartial<ProcessGroupConfig>[];
  /** Where collector failures are logged (default: errors only, logfmt on stderr). */
  logger?: Logger;
}

/** Where messages about the options point. */
const OPTIONS_FILE = '<hostprobe integration options>';

/** Validates the options into a full agent config (defaults filled in). */
export async function resolveHostConfig(opts: HostSourceOptions): Promise<AgentConfig> {
  const raw: Record<string, unknown> = { ...(opts.config ?? {}) };
  if (opts.processGroups !== undefined) {
    const collectors = { ...((raw.collectors as Record<string, unknown> | undefined) ?? {}) };
    // Groups asked for are groups served: the process collector (off by default) is turned on
    // unless the config says otherwise.
    collectors.process = {
      enabled: true,
      ...((collectors.process as Record<string, unknown> | undefined) ?? {}),
      groups: opts.processGroups,
    };
    raw.collectors = collectors;
  }
  // The embedded source has no scrape endpoint and no push of its own.
  for (const k of Object.keys(raw)) {
    if (k !== 'paths' && k !== 'collectors' && k !== 'collector_timeout') {
      throw new ConfigError([
        { file: OPTIONS_FILE, line: 1, col: 1, path: k, message: `unknown option "${k}" (allowed: paths, collectors, collector_timeout)` },
      ]);
    }
  }
  // The textfile collector serves what scripts write, not host metrics of this process's host:
  // the integrations leave it off (its histograms and summaries have no place in them either).
  const collectors = { ...((raw.collectors as Record<string, unknown> | undefined) ?? {}) };
  if (collectors.textfile !== undefined) {
    throw new ConfigError([
      {
        file: OPTIONS_FILE,
        line: 1,
        col: 1,
        path: 'collectors.textfile',
        message: 'the textfile collector is not available in the library integrations (run the agent for *.prom files)',
      },
    ]);
  }
  collectors.textfile = { enabled: false };
  raw.collectors = collectors;
  const text = stringify(raw);
  const { config, issues } = await checkConfigText(text, OPTIONS_FILE, { env: {} });
  if (!config) throw new ConfigError(issues);
  return config;
}

/** The agent's poller run on demand. */
export class HostSource {
  private constructor(
    readonly config: AgentConfig,
    private readonly poller: Poller,
  ) {}

  /** Validates the options and creates the collectors (a collector that cannot be created is logged, as in the agent). */
  static async create(opts: HostSourceOptions = {}): Promise<HostSource> {
    const config = await resolveHostConfig(opts);
    const logger = opts.logger ?? createLogger({ level: 'error', format: 'logfmt' });
    const poller = new Poller({ config, logger, table: COLLECTORS, skipRuntime: true });
    await poller.init();
    return new HostSource(config, poller);
  }

  /** Polls every enabled collector once (joins a poll already in flight). */
  poll(): Promise<Snapshot> {
    return this.poller.pollOnce();
  }

  /** Waits for a poll in flight and releases the collectors. */
  close(): Promise<void> {
    return this.poller.stop();
  }
}
