/**
 * Loads the agent's configuration: the YAML file (or the built-in default), `${ENV}`
 * expansion, validation with located messages against the one spec (the `otlp:` section
 * included, with the OTEL_* environment below it), then the command-line overrides.
 */
import { readFile } from 'node:fs/promises';
import { CONFIG_SPEC } from './schema.js';
import type { Override } from './flags.js';
import type { AgentConfig } from './types.js';
import { ConfigError, validateConfigText, type ConfigIssue } from './validate.js';

export { ConfigError, formatIssue, type ConfigIssue } from './validate.js';

/** The name used in messages for the built-in default. */
export const BUILTIN = '<built-in default>';

export interface LoadOptions {
  /** Environment for `${VAR}` expansion (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Command-line overrides, applied after the file. */
  overrides?: readonly Override[];
}

export interface LoadedConfig {
  readonly config: AgentConfig;
  /** The file it came from (undefined = built-in default). */
  readonly file?: string;
}

function setIn(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = obj;
  for (const seg of path.slice(0, -1)) {
    const next = cur[seg];
    if (typeof next !== 'object' || next === null) cur[seg] = {};
    cur = cur[seg] as Record<string, unknown>;
  }
  cur[path[path.length - 1] as string] = value;
}

/**
 * Validates config text. Returns the issues (empty when valid) and the normalised config.
 * `file` is only used in messages.
 */
export async function checkConfigText(
  text: string,
  file: string,
  opts: LoadOptions = {},
): Promise<{ config?: AgentConfig; issues: readonly ConfigIssue[] }> {
  const r = validateConfigText(text, CONFIG_SPEC, { file, ...(opts.env ? { env: opts.env } : {}) });
  if (r.issues.length) return { issues: r.issues };
  const cfg = r.value;
  // node_exporter: setting an include filter while the exclude is left at its default clears the exclude.
  const clearDefault = (section: string[], include: string, exclude: string): void => {
    const key = [...section, exclude].join('.');
    let o: unknown = cfg;
    for (const s of section) o = (o as Record<string, unknown>)[s];
    const rec = o as Record<string, unknown>;
    if (rec[include] !== '' && !r.explicit.has(key)) rec[exclude] = '';
  };
  clearDefault(['collectors', 'disk', 'filesystem'], 'mount_points_include', 'mount_points_exclude');
  clearDefault(['collectors', 'disk', 'filesystem'], 'fs_types_include', 'fs_types_exclude');
  clearDefault(['collectors', 'disk', 'diskstats'], 'device_include', 'device_exclude');
  for (const o of opts.overrides ?? []) setIn(cfg, o.path, o.value);
  return { config: cfg as unknown as AgentConfig, issues: [] };
}

/**
 * Loads and validates the config file (or the built-in default when `file` is undefined).
 * Throws ConfigError (exit status 2 in the CLI) when it does not validate.
 */
export async function loadConfig(file: string | undefined, opts: LoadOptions = {}): Promise<LoadedConfig> {
  let text = '';
  if (file !== undefined) {
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new ConfigError(
        [{ file, line: 1, col: 1, path: '', message: `cannot read the config file: ${err.code ?? ''} ${err.message}`.trim() }],
        'cannot load configuration:',
      );
    }
  }
  const { config, issues } = await checkConfigText(text, file ?? BUILTIN, opts);
  if (!config) throw new ConfigError(issues);
  return file === undefined ? { config } : { config, file };
}

/** The built-in default config. */
export async function defaultConfig(): Promise<AgentConfig> {
  return (await loadConfig(undefined)).config;
}
