// Real snapshots for the OTLP tests: the agent's own poller and collectors on this host,
// configured from YAML text through the agent's config loader (the otlp: section included).
import { checkConfigText } from '../../src/config/load.js';
import type { AgentConfig } from '../../src/config/types.js';
import type { OtlpConfig } from '../../src/config/otlp.js';
import { Poller } from '../../src/agent/poller.js';
import { COLLECTORS } from '../../src/collectors/index.js';
import { nullLogger, type Logger } from '../../src/logger.js';

export async function configFrom(yaml: string, env: NodeJS.ProcessEnv = process.env): Promise<AgentConfig> {
  const { config, issues } = await checkConfigText(yaml, 'test.yaml', { env });
  if (!config) throw new Error(`config does not validate:\n${issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`);
  return config;
}

export function otlpOf(config: AgentConfig): OtlpConfig {
  return config.otlp as OtlpConfig;
}

export async function startPoller(config: AgentConfig, logger: Logger = nullLogger, clock?: () => number): Promise<Poller> {
  const p = new Poller({ config, logger, table: COLLECTORS, skipRuntime: true, ...(clock ? { clock } : {}) });
  await p.init();
  return p;
}

/** A logger that keeps its records, for "logged once" checks. */
export function recordingLogger(): Logger & { records: { level: string; msg: string; fields?: Record<string, unknown> }[] } {
  const records: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const mk = (base: Record<string, unknown>): Logger => ({
    debug: (msg, fields) => void records.push({ level: 'debug', msg, fields: { ...base, ...fields } }),
    info: (msg, fields) => void records.push({ level: 'info', msg, fields: { ...base, ...fields } }),
    warn: (msg, fields) => void records.push({ level: 'warn', msg, fields: { ...base, ...fields } }),
    error: (msg, fields) => void records.push({ level: 'error', msg, fields: { ...base, ...fields } }),
    with: (fields) => mk({ ...base, ...fields }),
    setLevel: () => undefined,
    isEnabled: () => true,
  });
  return Object.assign(mk({}), { records });
}
