/**
 * The running agent: config → poller → sinks (Prometheus render cache, OTLP push) → HTTP.
 * A reload (SIGHUP) is a transaction: the new config, web config (TLS material checked)
 * and, when the address changes, the new listener are prepared first; a failing step
 * undoes the steps before it, so the running listener, poller, sinks and labels stay as
 * they were. Only then are the poller, sinks and server switched.
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
import type { Sink } from '../contract/sink.js';
import { buildInfo } from '../contract/build-info.js';
import { errorLine, type CollectorEntry } from '../contract/collector.js';
import type { Faults } from './faults.js';
import { clockFromEnv, Poller } from './poller.js';
import { ReloadStatus } from './reload-status.js';
import { Scrapes } from './scrape.js';

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

/**
 * Loads the config and, when it names one, the web config, and checks the roots (a procfs
 * without stat, a sysfs that is not one: RootError, a ConfigError). Throws ConfigError.
 */
async function loadAll(opts: AgentOptions): Promise<{ config: AgentConfig; web?: WebConfig }> {
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
  /** Every sink fed from the poller: the Prometheus sink first, then the push sinks of the config. */
  sinks: readonly Sink[] = [];
  server: MetricsServer | undefined;
  private firstPollDone!: Promise<void>;
  private markFirstPoll!: () => void;
  private reloading: Promise<boolean> | undefined;
  private reloadAgain: Promise<boolean> | undefined;
  private stopping = false;
  /** The outcome of reloads, served as hostprobe_config_last_reload_*. */
  reloadStatus: ReloadStatus | undefined;

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
    this.logger.info('starting hostprobe', {
      version: bi.version,
      revision: bi.revision,
      node: bi.nodeVersion,
      config: this.opts.configFile ?? '<built-in default>',
    });
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

    const reloadStatus = new ReloadStatus(this.opts.clock ?? clockFromEnv(process.env.HOSTPROBE_TEST_CLOCK) ?? Date.now);
    this.reloadStatus = reloadStatus;
    this.prom = new PrometheusSink(renderOptions(config), this.logger, () => [
      ...reloadStatus.families(),
      ...this.sinks.flatMap((k) => k.selfMetrics()),
    ]);
    this.sinks = [this.prom, ...(await this.pushSinks(config))];
    this.poller.onSnapshot((s) => {
      for (const k of this.sinks) if (k.feed === 'every') k.onSnapshot(s);
      this.markFirstPoll();
    });
    this.poller.onPeriodicSnapshot((s) => {
      for (const k of this.sinks) if (k.feed === 'periodic') k.onSnapshot(s);
    });

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
      scrape: new Scrapes(this.poller, this.prom, this.opts.table ?? COLLECTORS, () => this.config, this.logger),
    };
  }

  /**
   * The sinks the config asks for besides the Prometheus one (the OTLP push when it is on).
   * Throws when one cannot be made.
   */
  private async pushSinks(config: AgentConfig): Promise<Sink[]> {
    const otlp = config.otlp;
    if (!otlp?.enabled) return [];
    // Imported when first enabled: an agent that does not push does not load the OTLP packages.
    const { createOtlpSink } = await import('../sinks/otlp/index.js');
    const sink = createOtlpSink(otlp, {
      version: buildInfo().version,
      rootfs: config.paths.rootfs,
      logger: this.logger,
      running: this.sinks,
    });
    return sink ? [sink] : [];
  }

  /** Resolves after the first complete poll. */
  firstPoll(): Promise<void> {
    return this.firstPollDone;
  }

  /**
   * Re-reads the config (SIGHUP) as a transaction (see the file comment); returns whether
   * the new one was applied. A reload asked for while one runs runs once after it (several
   * are coalesced into that one), so the last change to the files is always read.
   */
  reload(): Promise<boolean> {
    if (this.reloading) {
      this.reloadAgain ??= this.reloading.then(() => {
        this.reloadAgain = undefined;
        return this.reload();
      });
      return this.reloadAgain;
    }
    this.reloading = this.doReload().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async doReload(): Promise<boolean> {
    const ok = await this.reloadTransaction();
    if (ok) this.reloadStatus?.succeeded();
    else this.reloadStatus?.failed();
    // A poll now: the new config's readings, and the reload metrics, without waiting a poll_interval.
    if (!this.stopping) void this.poller.pollOnce();
    return ok;
  }

  private async reloadTransaction(): Promise<boolean> {
    const undo: (() => Promise<void> | void)[] = [];
    const fail = async (stage: string, e: unknown): Promise<false> => {
      for (const u of undo.reverse()) {
        try {
          await u();
        } catch (ue) {
          this.logger.error('config reload: undoing a step failed', { stage, err: errorLine(ue) });
        }
      }
      const msg = e instanceof ConfigError ? e.message : errorLine(e);
      this.logger.error('config reload failed, keeping the running config', { stage, err: msg });
      return false;
    };

    // 1. The config and web config, validated (the TLS material parsed and matched, the CA parsed).
    let next: { config: AgentConfig; web?: WebConfig };
    try {
      next = await loadAll(this.opts);
    } catch (e) {
      return fail('config', e);
    }
    const { config, web } = next;
    if (this.stopping) return fail('config', new Error('the agent is stopping'));

    // 2. The listener. A new address is bound next to the running one, which closes only at
    //    the commit; the same address takes the new TLS material in place, or (plain <-> TLS,
    //    another client certificate policy) is closed and bound again, with the old one
    //    bound back when that fails.
    const old = this.server;
    const oldHttp = this.config.http;
    const oldWeb = this.web;
    let serving = old;
    let closeOld = false;
    if (!config.http.enabled) {
      serving = undefined;
      closeOld = old !== undefined;
    } else {
      const change = old ? old.listenerChange(config.http, web) : 'new-address';
      if (change === 'new-address') {
        const s = new MetricsServer(config.http, web, this.serverDeps());
        try {
          const addr = await s.start();
          this.logger.info('listening', { address: `${addr.address}:${addr.port}`, path: config.http.path, tls: web?.tls !== undefined });
        } catch (e) {
          await s.close();
          return fail('listen', e);
        }
        undo.push(() => s.close());
        serving = s;
        closeOld = old !== undefined;
      } else if (change === 'in-place' && old) {
        try {
          old.applyInPlace(config.http, web);
        } catch (e) {
          return fail('tls', e);
        }
        undo.push(() => old.applyInPlace(oldHttp, oldWeb));
      } else if (change === 'rebind' && old) {
        const r = await this.rebind(old, config, web, oldHttp, oldWeb);
        if (!r.ok) return fail('listen', r.err);
        serving = r.server;
        undo.push(async () => {
          const back = await this.rebind(r.server, this.config, oldWeb, config.http, web);
          if (back.ok) this.server = back.server;
        });
      }
    }

    // 3. The push sinks (OTLP): the new ones are made before the running ones stop, so a
    //    sink that cannot be made leaves the running ones pushing.
    let pushing: Sink[];
    try {
      pushing = await this.pushSinks(config);
    } catch (e) {
      return fail('otlp', e);
    }
    undo.push(async () => {
      for (const k of pushing) await k.close();
    });

    // 4. Commit: nothing below refuses a validated config.
    if (this.stopping) return fail('commit', new Error('the agent is stopping'));
    this.server = serving;
    if (serving && serving === old) old.reconfigure(config.http, web);
    if (closeOld) await old?.close();
    const stopped = this.sinks.filter((k) => k !== this.prom);
    this.sinks = [this.prom, ...pushing];
    for (const k of stopped) await k.close();
    if (this.ownLogger) this.logger.setLevel(config.log.level);
    this.prom.setOptions(renderOptions(config));
    await this.poller.reconfigure(config);
    this.config = config;
    this.web = web;
    this.logger.info('config reloaded', { collectors: this.poller.enabledCollectors().join(',') });
    return true;
  }

  /**
   * Closes `from` and binds a server for `config` on the same address and port; when that
   * fails, binds one for the previous settings again (the port may have been taken in
   * between: then the listener is lost, and the log says so).
   */
  private async rebind(
    from: MetricsServer,
    config: AgentConfig,
    web: WebConfig | undefined,
    prevHttp: AgentConfig['http'],
    prevWeb: WebConfig | undefined,
  ): Promise<{ ok: true; server: MetricsServer } | { ok: false; err: unknown }> {
    await from.close();
    const s = new MetricsServer(config.http, web, this.serverDeps());
    try {
      const addr = await s.start();
      this.logger.info('listening', { address: `${addr.address}:${addr.port}`, path: config.http.path, tls: web?.tls !== undefined });
      return { ok: true, server: s };
    } catch (e) {
      await s.close();
      const back = new MetricsServer(prevHttp, prevWeb, this.serverDeps());
      try {
        await back.start();
        this.server = back;
      } catch (e2) {
        this.server = undefined;
        this.logger.error('the listener could not be bound again: not serving HTTP', { err: errorLine(e2) });
      }
      return { ok: false, err: e };
    }
  }

  /** Stops polling, pushing and serving. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.server?.close();
    await this.poller?.stop();
    for (const k of this.sinks) await k.close();
  }
}
