/**
 * Loads the agent's configuration: the YAML file (or the built-in default), `${ENV}`
 * expansion, validation with located messages, the `otlp:` section through its own
 * validator (src/config/otlp.ts), then the command-line overrides.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSea } from '../sea.js';
import { CONFIG_SPEC } from './schema.js';
import type { ConfigSection, SectionResult } from './section.js';
import type { Override } from './flags.js';
import type { AgentConfig } from './types.js';
import { ConfigError, validateConfigText, type ConfigIssue } from './validate.js';

export { ConfigError, formatIssue, type ConfigIssue } from './validate.js';

/** The name used in messages for the built-in default. */
export const BUILTIN = '<built-in default>';

let otlpSection: Promise<ConfigSection<unknown> | undefined> | undefined;

function isSection(v: unknown): v is ConfigSection<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { validate?: unknown }).validate === 'function';
}

/**
 * The OTLP section's validator from src/config/otlp.ts, when that module exists (see
 * src/config/section.ts for the accepted export names). Without it, `otlp:` is checked to
 * be a mapping and passed through.
 */
export function loadOtlpSection(): Promise<ConfigSection<unknown> | undefined> {
  otlpSection ??= (async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    // (The single-file binary has no files beside it: its bundle holds the module.)
    if (!isSea() && !existsSync(join(here, 'otlp.js')) && !existsSync(join(here, 'otlp.ts'))) return undefined;
    const mod = (await import('./otlp.js')) as Record<string, unknown>;
    for (const v of Object.values(mod)) if (isSection(v) && v.key === 'otlp') return v;
    const validate = (mod.validateOtlpConfig ?? mod.validateOtlp ?? mod.validate) as
      | ((v: unknown) => SectionResult<unknown> | unknown)
      | undefined;
    if (typeof validate !== 'function') return undefined;
    const defaults = mod.OTLP_DEFAULTS ?? mod.otlpDefaults ?? mod.DEFAULT_OTLP_CONFIG ?? mod.defaultOtlpConfig;
    return {
      key: 'otlp',
      defaults,
      validate(value: unknown): SectionResult<unknown> {
        const r = validate(value);
        if (typeof r === 'object' && r !== null && Array.isArray((r as SectionResult<unknown>).issues)) return r as SectionResult<unknown>;
        return { value: r, issues: [] };
      },
    };
  })();
  return otlpSection;
}

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
  const otlp = await loadOtlpSection();
  const r = validateConfigText(text, CONFIG_SPEC, {
    file,
    sections: { otlp },
    ...(opts.env ? { env: opts.env } : {}),
  });
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
