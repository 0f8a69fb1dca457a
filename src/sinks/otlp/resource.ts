/**
 * The OTLP Resource hostprobe sends: who is reporting (service.*) about which host
 * (host.*, os.*, k8s.node.name), from the snapshot's host reading, so that in a
 * DaemonSet (with `--path.rootfs=/host`) it describes the node, not the container:
 *
 * | attribute | source |
 * |---|---|
 * | service.name | `hostprobe` (OTEL_SERVICE_NAME or config overrides) |
 * | service.version | hostprobe's version |
 * | service.instance.id | k8s.node.name when known, else host.name (Prometheus' OTLP receiver makes it `instance`) |
 * | host.name | uname nodename (host collector), else os.hostname() |
 * | host.id | `<rootfs>/etc/machine-id` (fallback `<rootfs>/var/lib/dbus/machine-id`) |
 * | host.arch | uname machine mapped to the conventions' values (x86_64 → amd64, aarch64 → arm64) |
 * | os.type, os.description, os.name, os.version, os.build_id | `linux`; os-release PRETTY_NAME (+ kernel release), NAME, VERSION_ID, BUILD_ID |
 * | k8s.node.name | K8S_NODE_NAME or NODE_NAME in the environment (Downward API) |
 *
 * Precedence, lowest first: detected < the config's static labels < OTEL_RESOURCE_ATTRIBUTES
 * < OTEL_SERVICE_NAME < `otlp.resource_attributes` in the config.
 */
import { readRegularFileSync } from '../../internal/bounded-read.js';
import { hostname, machine, release } from 'node:os';
import { join } from 'node:path';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { Snapshot } from '../../contract/snapshot.js';

export interface ResourceOptions {
  /** hostprobe's version. */
  version: string;
  /** Root file system for machine-id when the snapshot has none. */
  rootfs: string;
  /** Attributes from OTEL_RESOURCE_ATTRIBUTES (parsed). */
  envAttributes: Readonly<Record<string, string>>;
  /** `otlp.resource_attributes` from the config (highest precedence). */
  configAttributes: Readonly<Record<string, string>>;
  /** OTEL_SERVICE_NAME, when set. */
  serviceName?: string;
  /** The process environment (for K8S_NODE_NAME / NODE_NAME). */
  env?: NodeJS.ProcessEnv;
}

const ARCH: Readonly<Record<string, string>> = {
  x86_64: 'amd64',
  amd64: 'amd64',
  aarch64: 'arm64',
  arm64: 'arm64',
  armv6l: 'arm32',
  armv7l: 'arm32',
  armv8l: 'arm32',
  arm: 'arm32',
  i386: 'x86',
  i486: 'x86',
  i586: 'x86',
  i686: 'x86',
  ia32: 'x86',
  x64: 'amd64',
  ppc: 'ppc32',
  ppc64: 'ppc64',
  ppc64le: 'ppc64',
  s390x: 's390x',
  ia64: 'ia64',
};

/** The conventions' host.arch value for a uname machine / Node arch string. */
export function hostArch(m: string): string {
  return ARCH[m] ?? m;
}

/** Reads the machine id under `rootfs`; undefined when neither file exists. */
export function readMachineId(rootfs: string): string | undefined {
  for (const p of ['etc/machine-id', 'var/lib/dbus/machine-id']) {
    try {
      // Never blocks (a FIFO is refused) and never reads more than a few KiB.
      const id = readRegularFileSync(join(rootfs, p), 4096).toString('utf8').trim();
      if (id) return id;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** The detected attributes (before user overrides), from a snapshot. */
export function detectAttributes(
  snapshot: Snapshot,
  opts: ResourceOptions,
  machineId: (rootfs: string) => string | undefined = readMachineId,
): Record<string, string> {
  const host = snapshot.readings.host;
  const env = opts.env ?? process.env;
  const uname = host?.uname;
  const os = host?.os;
  const attrs: Record<string, string> = {};
  attrs['service.name'] = 'hostprobe';
  attrs['service.version'] = opts.version;
  const hostName = uname?.nodename || hostname();
  attrs['host.name'] = hostName;
  const id = host?.machineId ?? machineId(opts.rootfs);
  if (id) attrs['host.id'] = id;
  attrs['host.arch'] = hostArch(uname?.machine ?? machine());
  attrs['os.type'] = 'linux';
  const kernel = uname?.release ?? release();
  attrs['os.description'] = os?.prettyName ? `${os.prettyName} (Linux ${kernel})` : `Linux ${kernel}`;
  if (os?.name) attrs['os.name'] = os.name;
  if (os?.versionId) attrs['os.version'] = os.versionId;
  if (os?.buildId) attrs['os.build_id'] = os.buildId;
  const node = env.K8S_NODE_NAME || env.NODE_NAME;
  if (node) attrs['k8s.node.name'] = node;
  attrs['service.instance.id'] = node || hostName;
  return attrs;
}

/** Builds (and caches while its inputs stay the same) the Resource for a snapshot. */
export class ResourceCache {
  private key = '';
  private resource: Resource | undefined;
  private readonly opts: ResourceOptions;

  constructor(opts: ResourceOptions) {
    this.opts = opts;
  }

  /** machine-id read from rootfs when the host collector does not provide it: read once. */
  private machineId: string | undefined | null = null;

  get(snapshot: Snapshot): Resource {
    const attrs: Record<string, string> = detectAttributes(snapshot, this.opts, (rootfs) => {
      if (this.machineId === null) this.machineId = readMachineId(rootfs);
      return this.machineId;
    });
    for (const [k, v] of Object.entries(snapshot.labels)) attrs[k] = v;
    for (const [k, v] of Object.entries(this.opts.envAttributes)) attrs[k] = v;
    // OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES (SDK spec).
    if (this.opts.serviceName) attrs['service.name'] = this.opts.serviceName;
    for (const [k, v] of Object.entries(this.opts.configAttributes)) attrs[k] = v;
    const key = JSON.stringify(attrs);
    if (this.resource === undefined || key !== this.key) {
      this.key = key;
      this.resource = resourceFromAttributes(attrs);
    }
    return this.resource;
  }
}
