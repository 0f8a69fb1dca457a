/**
 * The running agent: config → poller → sinks (Prometheus render cache, OTLP push) → HTTP.
 * SIGHUP-style reloads validate the new config first and keep the running one when it
 * does not validate.
 */
import type { AddressInfo } from 'node:net';
import type { Override } from '../config/flags.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { validateRoots } from '../config/roots-check.js';
import type { AgentConfig } from '../config/types.js';
import { loadWebConfig, type WebConfig } from '../config/webconfig.js';
import { COLLECTORS } from '../collectors/index.js';
import { MetricsServer } from '../http/server.js';
import { createLogger, type Logger } from '../logger.js';
import { PrometheusSink, renderOptions } from '../sinks/prometheus/index.js';
import type { RuntimeFamily } from './snapshot.js';
import { buildInfo } from './build-info.js';
import { errorLine, type CollectorEntry } from './collector.js';
import type { Faults } from './faults.js';
import { Poller } from './poller.js';

export interface AgentOptions {
  /** The YAML file; undefined = built-in defaults. */
  configFile?: string;
  /** Command-line overrides, re-applied on every reload. */
  overrides?: readonly Override[];
  /** A logger to use instead of one built from the config (tests). */
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
  /** Test-only. */
  faults?: Faults;
  table?: readonly CollectorEntry[];
  clock?: () => number;
}

interface OtlpHandle {
  close(): Promise<void>;
}

interface OtlpModule {
  startOtlpSink(
    config: { otlp: unknown; paths: { rootfs: string } },
    source: { onSnapshot(l: (s: import('./snapshot.js').Snapshot) => void): void },
    logger: Logger,
    opts: { version: string },
  ): OtlpHandle | undefined;
  stopOtlpSink(): Promise<void>;
  otlpSelfMetricFamilies(): RuntimeFamily[];
}

/**
 * Loads the config and, when it names one, the web config, and checks the roots (a procfs
 * without stat, a sysfs that is not one: RootError, a ConfigError). Throws ConfigError.
 */
export async function loadAll(opts: AgentOptions): Promise<{ config: AgentConfig; web?: WebConfig }> {
  const { config } = await loadConfig(opts.configFile, { ...(opts.env ? { env: opts.env } : {}), overrides: opts.overrides ?? [] });
  validateRoots(config, opts.overrides ?? [], opts.configFile);
  if (!config.http.web_config_file) return { config };
  return { config, web: await loadWebConfig(config.http.web_config_file) };
}

export class Agent {
  config!: AgentConfig;
  private web: WebConfig | undefined;
  readonly logger: Logger;
  private readonly ownLogger: boolean;
  poller!: Poller;
  prom!: PrometheusSink;
  server: MetricsServer | undefined;
  private otlpMod: OtlpModule | undefined;
  private otlp: OtlpHandle | undefined;
  private firstPollDone!: Promise<void>;
  private markFirstPoll!: () => void;
  private reloading: Promise<boolean> | undefined;

  constructor(private readonly opts: AgentOptions) {
    this.ownLogger = !opts.logger;
    this.logger = opts.logger ?? createLogger();
    this.firstPollDone = new Promise((resolve) => (this.markFirstPoll = resolve));
  }

  /** Loads the config, starts polling and serving. Throws ConfigError on a bad config, other errors on listen failures. */
  async start(): Promise<AddressInfo | undefined> {
    const { config, web } = await loadAll(this.opts);
    this.config = config;
    this.web = web;
    if (this.ownLogger) {
      this.logger.setLevel(config.log.level);
    }
    const bi = buildInfo();
    this.logger.info('starting hostprobe', { version: bi.version, revision: bi.revision, node: bi.nodeVersion, config: this.opts.configFile ?? '<built-in default>' });
    if (typeof process.getuid === 'function' && process.getuid() === 0) {
      this.logger.warn('hostprobe is designed to run as an unprivileged user, root is not required');
    }

    this.poller = new Poller({
      config,
      logger: this.logger,
      table: this.opts.table ?? COLLECTORS,
      ...(this.opts.faults ? { faults: this.opts.faults } : {}),
      ...(this.opts.clock ? { clock: this.opts.clock } : {}),
    });
    await this.poller.init();
    this.logger.info('enabled collectors', { collectors: this.poller.enabledCollectors().join(',') });

    this.prom = new PrometheusSink(renderOptions(config), this.logger, () => this.otlpMod?.otlpSelfMetricFamilies() ?? []);
    await this.prom.init();
    this.poller.onSnapshot((s) => {
      this.prom.update(s);
      this.markFirstPoll();
    });
    await this.startOtlp(config);

    let addr: AddressInfo | undefined;
    if (config.http.enabled) {
      this.server = new MetricsServer(config.http, web, this.serverDeps());
      addr = await this.server.start();
      this.logger.info('listening', { address: `${addr.address}:${addr.port}`, path: config.http.path, tls: web?.tls !== undefined });
    }
    this.poller.start();
    return addr;
  }

  private serverDeps(): ConstructorParameters<typeof MetricsServer>[2] {
    return {
      rendered: () => this.prom.latest,
      firstPoll: () => this.firstPollDone,
      landing: () => {
        const s = this.poller.latest;
        return {
          build: buildInfo(),
          pollIntervalSeconds: this.config.poll_interval,
          ...(s ? { lastPoll: { timestamp: s.timestamp, seq: s.seq, durationSeconds: s.durationSeconds, collectors: s.collectors } } : {}),
        };
      },
      logger: this.logger,
    };
  }

  private async startOtlp(config: AgentConfig): Promise<void> {
    const o = config.otlp as { enabled?: boolean } | undefined;
    if (!o?.enabled) return;
    this.otlpMod ??= (await import('../sinks/otlp/index.js')) as unknown as OtlpModule;
    this.otlp = this.otlpMod.startOtlpSink(config, this.poller, this.logger, { version: buildInfo().version });
  }

  /** Resolves after the first complete poll. */
  firstPoll(): Promise<void> {
    return this.firstPollDone;
  }

  /**
   * Re-reads the config (SIGHUP). A config that does not validate is logged and the
   * running one kept; returns whether the new one was applied.
   */
  reload(): Promise<boolean> {
    this.reloading ??= this.doReload().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async doReload(): Promise<boolean> {
    let next: { config: AgentConfig; web?: WebConfig };
    try {
      next = await loadAll(this.opts);
    } catch (e) {
      const msg = e instanceof ConfigError ? e.message : errorLine(e);
      this.logger.error('config reload failed, keeping the running config', { err: msg });
      return false;
    }
    const { config, web } = next;
    try {
      if (this.ownLogger) this.logger.setLevel(config.log.level);
      await this.poller.reconfigure(config);
      this.prom.setOptions(renderOptions(config));
      if (this.otlp) {
        await this.otlpMod?.stopOtlpSink();
        this.otlp = undefined;
      }
      await this.startOtlp(config);
      if (this.server && config.http.enabled && !this.server.needsRestart(config.http, web)) {
        this.server.reconfigure(config.http, web);
      } else {
        await this.server?.close();
        this.server = undefined;
        if (config.http.enabled) {
          const s = new MetricsServer(config.http, web, this.serverDeps());
          const addr = await s.start();
          this.server = s;
          this.logger.info('listening', { address: `${addr.address}:${addr.port}`, path: config.http.path });
        }
      }
      this.config = config;
      this.web = web;
      this.logger.info('config reloaded', { collectors: this.poller.enabledCollectors().join(',') });
      void this.poller.pollOnce();
      return true;
    } catch (e) {
      this.logger.error('config reload failed while applying it', { err: errorLine(e) });
      return false;
    }
  }

  /** Stops polling, pushing and serving. */
  async stop(): Promise<void> {
    await this.server?.close();
    await this.poller?.stop();
    if (this.otlp) await this.otlpMod?.stopOtlpSink();
  }
}
