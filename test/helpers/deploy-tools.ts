// The tools and files the deployment tests use: helm, kubeconform and the offline schemas
// installed by .ci/install.d/60-deploy-tools.sh, and the chart's renders.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT, tool, type ToolStatus } from './tools.js';

export const INSTALL = 'bash .ci/install.d/60-deploy-tools.sh';
export const CHART = join(REPO_ROOT, 'deploy', 'helm', 'hostprobe');
export const CI_DIR = join(CHART, 'ci');
export const PLAIN_DIR = join(REPO_ROOT, 'deploy', 'kubernetes');
export const DOCKERFILE = join(REPO_ROOT, 'deploy', 'docker', 'Dockerfile');
export const UNIT = join(REPO_ROOT, 'deploy', 'systemd', 'hostprobe.service');
export const TOOLS_DIR = process.env.HOSTPROBE_DEPLOY_TOOLS ?? join(homedir(), '.cache', 'hostprobe', 'deploy-tools');
/** The Kubernetes versions the renders are validated against (the chart's floor and the newest). */
export const K8S_VERSIONS = ['1.25.0', '1.37.0'] as const;

const gobin = join(homedir(), 'go', 'bin');

export const helmTool = (): ToolStatus => tool('helm', INSTALL, [join(gobin, 'helm')]);
export const kubeconformTool = (): ToolStatus => tool('kubeconform', INSTALL, [join(gobin, 'kubeconform')]);
export const dockerfileUtilsTool = (): ToolStatus =>
  tool('dockerfile-utils', INSTALL, [join(TOOLS_DIR, 'npm', 'node_modules', '.bin', 'dockerfile-utils')]);

/** A directory installed by the install script, as a ToolStatus (so haveTool() applies). */
function dirStatus(name: string, path: string, probe: string): ToolStatus {
  return existsSync(join(path, probe)) ? { path, reason: '' } : { path: null, reason: `${name} not found at ${path} (${INSTALL})` };
}

export const k8sSchemas = (): ToolStatus =>
  dirStatus('Kubernetes JSON schemas', join(TOOLS_DIR, 'k8s-schemas'), `v${K8S_VERSIONS[1]}-local-strict/daemonset-apps-v1.json`);
export const crdSchemas = (): ToolStatus =>
  dirStatus('prometheus-operator CRD schemas', join(TOOLS_DIR, 'crd-schemas'), 'servicemonitor_v1.json');

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function runTool(cmd: string, args: readonly string[], env: Record<string, string> = {}): RunResult {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      HELM_CACHE_HOME: helmHome('cache'),
      HELM_CONFIG_HOME: helmHome('config'),
      HELM_DATA_HOME: helmHome('data'),
      ...env,
    },
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

// helm writes nothing for template/lint, but keep it away from the user's ~/.config anyway.
let helmRoot: string | undefined;
function helmHome(kind: string): string {
  helmRoot ??= mkdtempSync(join(tmpdir(), 'hostprobe-helm-'));
  return join(helmRoot, kind);
}

/** The ci/*-values.yaml cases, by file name. */
export function ciValueFiles(): string[] {
  return readdirSync(CI_DIR)
    .filter((f) => f.endsWith('-values.yaml'))
    .sort();
}

/** `helm template` of the chart; throws with helm's message when it fails. */
export function render(helm: string, opts: { values?: string[]; set?: string[]; namespace?: string } = {}): string {
  const args = ['template', 'hostprobe', CHART, '--namespace', opts.namespace ?? 'monitoring'];
  for (const v of opts.values ?? []) args.push('-f', v);
  for (const s of opts.set ?? []) args.push('--set', s);
  const r = runTool(helm, args);
  if (r.status !== 0) throw new Error(`helm ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** The objects of a multi-document YAML stream (empty documents dropped). */
export function objects(text: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`YAML error: ${doc.errors[0]?.message ?? ''}`);
    const v = doc.toJS() as K8sObject | null;
    if (v) out.push(v);
  }
  return out;
}

export function find(objs: readonly K8sObject[], kind: string): K8sObject[] {
  return objs.filter((o) => o.kind === kind);
}

export interface KubeconformResource {
  filename: string;
  kind: string;
  name: string;
  version: string;
  /** statusValid, statusInvalid, statusError, statusSkipped, statusEmpty */
  status: string;
  msg: string;
}

export interface KubeconformResult extends RunResult {
  resources: KubeconformResource[];
  summary: { valid: number; invalid: number; errors: number; skipped: number };
}

/**
 * Strict, offline kubeconform against one Kubernetes version, over YAML streams given by
 * name (one process for all of them, so each kind's schema is compiled once). Every
 * resource is listed (-verbose), with `filename` = `<dir>/<name>.yaml`.
 */
export function kubeconform(bin: string, streams: Record<string, string>, k8sVersion: string): KubeconformResult {
  const dir = mkdtempSync(join(tmpdir(), 'hostprobe-kubeconform-'));
  const files = Object.entries(streams).map(([name, text]) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, text);
    return file;
  });
  const r = runTool(bin, [
    '-strict',
    '-summary',
    '-verbose',
    '-output',
    'json',
    '-kubernetes-version',
    k8sVersion,
    '-schema-location',
    join(TOOLS_DIR, 'k8s-schemas', '{{.NormalizedKubernetesVersion}}-local{{.StrictSuffix}}', '{{.ResourceKind}}{{.KindSuffix}}.json'),
    '-schema-location',
    join(TOOLS_DIR, 'crd-schemas', '{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'),
    ...files,
  ]);
  const parsed = JSON.parse(r.stdout || '{}') as { resources?: KubeconformResource[]; summary?: Partial<KubeconformResult['summary']> };
  const s = parsed.summary ?? {};
  return {
    ...r,
    resources: parsed.resources ?? [],
    summary: { valid: s.valid ?? 0, invalid: s.invalid ?? 0, errors: s.errors ?? 0, skipped: s.skipped ?? 0 },
  };
}
