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
import type { RuntimeFamily, Snapshot } from './snapshot.js';
import { buildInfo } from './build-info.js';
import { errorLine, type CollectorEntry } from './collector.js';
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

interface OtlpHandle {
  close(): Promise<void>;
}

interface OtlpModule {
  startOtlpSink(
    config: { otlp: unknown; paths: { rootfs: string } },
    source: { onSnapshot(l: (s: import('./snapshot.js').Snapshot) => void): () => void },
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

    const reloadStatus = new ReloadStatus(this.opts.clock ?? clockFromEnv(process.env.HOSTPROBE_TEST_CLOCK) ?? Date.now);
    this.reloadStatus = reloadStatus;
    this.prom = new PrometheusSink(renderOptions(config), this.logger, () => [...reloadStatus.families(), ...(this.otlpMod?.otlpSelfMetricFamilies() ?? [])]);
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
      scrape: new Scrapes(this.poller, this.prom, this.opts.table ?? COLLECTORS, () => this.config, this.logger),
    };
  }

  private async startOtlp(config: AgentConfig): Promise<void> {
    const o = config.otlp as { enabled?: boolean } | undefined;
    if (!o?.enabled) return;
    this.otlpMod ??= (await import('../sinks/otlp/index.js')) as unknown as OtlpModule;
    this.otlp = this.otlpMod.startOtlpSink(config, this.periodicSource(), this.logger, { version: buildInfo().version });
  }

  /** The push follows the periodic polls, not the scrapes' (docs/agent.md, "How it works"), at start and after a reload. */
  private periodicSource(): { onSnapshot(l: (s: Snapshot) => void): () => void } {
    const poller = this.poller;
    return { onSnapshot: (l) => poller.onPeriodicSnapshot(l) };
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

    // 3. The OTLP push: the new sink is made before the running one stops (it takes over
    //    from it), so a sink that cannot be made leaves the running one pushing.
    const oldOtlp = this.otlp;
    let newOtlp: OtlpHandle | undefined;
    try {
      newOtlp = await this.makeOtlp(config);
    } catch (e) {
      return fail('otlp', e);
    }

    // 4. Commit: nothing below refuses a validated config.
    if (this.stopping) {
      // The new sink has taken over the push: it is the one stop() closes.
      if (newOtlp) {
        await oldOtlp?.close();
        this.otlp = newOtlp;
      }
      return fail('commit', new Error('the agent is stopping'));
    }
    this.server = serving;
    if (serving && serving === old) old.reconfigure(config.http, web);
    if (closeOld) await old?.close();
    this.otlp = newOtlp;
    if (oldOtlp && !newOtlp) await this.otlpMod?.stopOtlpSink();
    else if (oldOtlp) await oldOtlp.close();
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

  /** The OTLP sink of `config` (undefined when the push is off); it takes over from the running one. */
  private async makeOtlp(config: AgentConfig): Promise<OtlpHandle | undefined> {
    const o = config.otlp as { enabled?: boolean } | undefined;
    if (!o?.enabled) return undefined;
    this.otlpMod ??= (await import('../sinks/otlp/index.js')) as unknown as OtlpModule;
    return this.otlpMod.startOtlpSink(config, this.periodicSource(), this.logger, { version: buildInfo().version });
  }

  /** Stops polling, pushing and serving. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.server?.close();
    await this.poller?.stop();
    if (this.otlp) await this.otlpMod?.stopOtlpSink();
  }
}
