/**
 * The validated agent configuration, as TypeScript types inferred from the spec
 * (src/config/schema.ts, CONFIG_SPEC; src/config/spec.ts, Infer): keys mirror the YAML
 * file (snake_case); durations are seconds; regexes are their source text ('' = not set).
 * A key is optional only when it has no default (a collector's `timeout`).
 */
import type { CONFIG_SPEC } from './schema.js';
import type { Infer } from './spec.js';

export type { OtlpConfig } from './otlp.js';

export type AgentConfig = Infer<typeof CONFIG_SPEC>;

export type CollectorsConfig = AgentConfig['collectors'];
export type CpuCollectorConfig = CollectorsConfig['cpu'];
export type MemCollectorConfig = CollectorsConfig['mem'];
export type DiskCollectorConfig = CollectorsConfig['disk'];
export type NetCollectorConfig = CollectorsConfig['net'];
export type NicCollectorConfig = CollectorsConfig['nic'];
export type HostCollectorConfig = CollectorsConfig['host'];
export type HardwareCollectorConfig = CollectorsConfig['hardware'];
export type ProcessCollectorConfig = CollectorsConfig['process'];
export type TextfileCollectorConfig = CollectorsConfig['textfile'];
/** process-exporter's process_names item. */
export type ProcessGroupConfig = ProcessCollectorConfig['groups'][number];
export type HttpConfig = AgentConfig['http'];

/** What every collector has. */
export type CollectorBaseConfig = Pick<CpuCollectorConfig, 'enabled' | 'timeout'>;
/** A part of a collector that can be switched off. */
export type SwitchConfig = { readonly enabled: boolean };
