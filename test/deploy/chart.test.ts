// The Helm chart (deploy/helm/hostprobe): helm lint and helm template for the defaults and
// every ci/*-values.yaml case, strict offline kubeconform on every render, the values
// schema, the security policy of the rendered DaemonSet, the agent's own acceptance of the
// config and flags the chart renders, and the golden plain manifests in deploy/kubernetes.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { checkConfigText } from '../../src/config/load.js';
import { parseAgentFlags } from '../../src/config/flags.js';
import { DEFAULT_PORT } from '../../src/config/schema.js';
import { REPO_ROOT, haveTool } from '../helpers/tools.js';
import {
  CHART,
  CI_DIR,
  K8S_VERSIONS,
  PLAIN_DIR,
  ciValueFiles,
  crdSchemas,
  find,
  helmTool,
  k8sSchemas,
  kubeconform,
  kubeconformTool,
  objects,
  render,
  runTool,
  type K8sObject,
  type KubeconformResult,
} from '../helpers/deploy-tools.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const helm = helmTool();
const kc = kubeconformTool();
const HAVE_HELM = haveTool(helm);
const HAVE_KC = HAVE_HELM && haveTool(kc) && haveTool(k8sSchemas()) && haveTool(crdSchemas());

const DEFAULTS = parseYaml(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Json;
const SCHEMA = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as Json;

/** The cases: the defaults, then every ci file. */
const CASES: { name: string; values: string[]; overrides: Json }[] = [
  { name: 'defaults', values: [], overrides: {} },
  ...ciValueFiles().map((f) => ({
    name: f,
    values: [join(CI_DIR, f)],
    overrides: (parseYaml(readFileSync(join(CI_DIR, f), 'utf8')) ?? {}) as Json,
  })),
];

/** Helm's merge of a values file over the defaults: maps merge, everything else replaces. */
function merge(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return over === undefined ? base : over;
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

const renders = new Map<string, K8sObject[]>();
const texts = new Map<string, string>();
function rendered(c: (typeof CASES)[number]): K8sObject[] {
  let objs = renders.get(c.name);
  if (!objs) {
    const text = render(helm.path as string, { values: c.values });
    texts.set(c.name, text);
    objs = objects(text);
    renders.set(c.name, objs);
  }
  return objs;
}

interface Probe {
  httpGet?: { path: string; port: string | number; scheme: string; host?: string };
  exec?: { command: string[] };
  tcpSocket?: { port: string | number };
  timeoutSeconds?: number;
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: Json }[];
  ports?: { name: string; containerPort: number; hostPort?: number; protocol?: string }[];
  securityContext?: Json;
  resources?: { requests?: Json; limits?: Json };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; mountPropagation?: string }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
}
interface PodSpec {
  hostNetwork: boolean;
  hostPID: boolean;
  hostIPC: boolean;
  automountServiceAccountToken: boolean;
  securityContext?: Json;
  containers: Container[];
  volumes: { name: string; hostPath?: { path: string }; configMap?: { name: string }; secret?: Json; projected?: Json }[];
  tolerations?: Json[];
}
function podSpec(ds: K8sObject): PodSpec {
  return ((ds.spec as Json).template as Json).spec as PodSpec;
}
function podAnnotations(ds: K8sObject): Record<string, string> {
  return (((ds.spec as Json).template as Json).metadata as Json).annotations as Record<string, string>;
}
function daemonSet(objs: K8sObject[]): K8sObject {
  const ds = find(objs, 'DaemonSet');
  expect(ds).toHaveLength(1);
  return ds[0] as K8sObject;
}

describe.skipIf(!HAVE_HELM)('chart: helm lint and template', () => {
  for (const c of CASES) {
    it(`helm lint --strict: ${c.name}`, () => {
      const args = ['lint', '--strict', CHART, ...c.values.flatMap((v) => ['-f', v])];
      const r = runTool(helm.path as string, args);
      expect(r.stderr + r.stdout, r.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
      expect(r.status).toBe(0);
      // Only the informational icon note is tolerated.
      const notes = r.stdout.split('\n').filter((l) => /^\[(INFO|WARNING|ERROR)\]/.test(l));
      expect(notes.filter((l) => !/icon is recommended/.test(l))).toEqual([]);
    });

    it(`helm template renders a DaemonSet and its ConfigMap: ${c.name}`, () => {
      const objs = rendered(c);
      const ds = daemonSet(objs);
      const cm = find(objs, 'ConfigMap').find((o) => o.metadata.name === ds.metadata.name);
      expect(cm, 'ConfigMap named like the DaemonSet').toBeDefined();
      const vol = podSpec(ds).volumes.find((v) => v.name === 'config');
      expect(vol?.configMap?.name).toBe(cm?.metadata.name);
    });
  }
});

describe.skipIf(!HAVE_KC)('chart: kubeconform -strict, offline schemas', () => {
  // One kubeconform run per Kubernetes version over every case's render.
  const results = new Map<string, KubeconformResult>();
  beforeAll(() => {
    const streams: Record<string, string> = {};
    for (const c of CASES) {
      rendered(c);
      streams[c.name] = texts.get(c.name) as string;
    }
    for (const v of K8S_VERSIONS) results.set(v, kubeconform(kc.path as string, streams, v));
  });

  for (const v of K8S_VERSIONS) {
    it(`kubeconform exits 0 on Kubernetes ${v}`, () => {
      const r = results.get(v) as KubeconformResult;
      expect(r.stderr).toBe('');
      expect(r.summary.invalid + r.summary.errors + r.summary.skipped, r.stdout).toBe(0);
      expect(r.status).toBe(0);
    });
    for (const c of CASES) {
      it(`every object of ${c.name} is valid on Kubernetes ${v}`, () => {
        const r = results.get(v) as KubeconformResult;
        const mine = r.resources.filter((x) => basename(x.filename) === `${c.name}.yaml`);
        const want = rendered(c)
          .map((o) => `${o.kind}/${o.metadata.name}`)
          .sort();
        expect(mine.map((x) => `${x.kind}/${x.name}`).sort()).toEqual(want);
        for (const x of mine) expect(`${x.kind}/${x.name}: ${x.status} ${x.msg}`).toBe(`${x.kind}/${x.name}: statusValid `);
      });
    }
  }

  it('kubeconform rejects an unknown field in a core object and in a CRD object (negative control)', () => {
    rendered(CASES.find((x) => x.name === 'monitors-values.yaml') as (typeof CASES)[number]);
    const text = (texts.get('monitors-values.yaml') as string)
      .replace(/^ {6}hostPID: true$/m, '      hostPDI: true')
      .replace(/^ {2}jobLabel:/m, '  jobLabell:');
    const r = kubeconform(kc.path as string, { bad: text }, K8S_VERSIONS[1]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/additional properties 'hostPDI' not allowed/);
    expect(r.stdout).toMatch(/additional properties 'jobLabell' not allowed/);
    expect(r.summary.invalid).toBe(2);
  });
});

describe.skipIf(!HAVE_HELM)('chart: security policy of every rendered DaemonSet', () => {
  for (const c of CASES) {
    it(`restricted-style pod and container, read-only host mounts: ${c.name}`, () => {
      const values = merge(DEFAULTS, c.overrides) as Json;
      const ds = daemonSet(rendered(c));
      const spec = podSpec(ds);
      // The agent, and kube-rbac-proxy beside it when enabled.
      const proxyOn = (values.kubeRBACProxy as { enabled: boolean }).enabled;
      expect(spec.containers.map((x) => x.name)).toEqual(proxyOn ? ['hostprobe', 'kube-rbac-proxy'] : ['hostprobe']);
      const ctr = spec.containers[0] as Container;

      // Pod: non-root, a numeric non-zero uid, RuntimeDefault seccomp, no API token.
      expect(spec.securityContext?.runAsNonRoot).toBe(true);
      expect(spec.securityContext?.runAsUser).toBeGreaterThan(0);
      expect((spec.securityContext?.seccompProfile as Json | undefined)?.type).toBe('RuntimeDefault');
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.hostIPC).toBe(false);

      // Every container: no privilege escalation, every capability dropped and none added, read-only root.
      const hostVolumes = new Map(spec.volumes.filter((v) => v.hostPath).map((v) => [v.name, v.hostPath?.path]));
      for (const c of spec.containers) {
        const sc = c.securityContext ?? {};
        expect(sc.allowPrivilegeEscalation, c.name).toBe(false);
        expect(sc.privileged ?? false, c.name).toBe(false);
        expect(sc.readOnlyRootFilesystem, c.name).toBe(true);
        expect(sc.runAsUser ?? spec.securityContext?.runAsUser, c.name).toBeGreaterThan(0);
        const caps = (sc.capabilities ?? {}) as { drop?: string[]; add?: string[] };
        expect(caps.drop, c.name).toContain('ALL');
        expect(caps.add ?? [], c.name).toEqual([]);
        expect(c.image, c.name).not.toMatch(/:latest$/);

        // Every hostPath volume is mounted read-only, never with Bidirectional propagation.
        for (const m of c.volumeMounts ?? []) {
          expect(m.mountPropagation, m.name).not.toBe('Bidirectional');
          if (hostVolumes.has(m.name)) expect(m.readOnly, `${c.name}: ${m.name} readOnly`).toBe(true);
        }
      }
      // ... and every Secret, ConfigMap or projected (API token) volume is mounted, read-only wherever it is.
      for (const v of spec.volumes.filter((x) => x.secret || x.configMap || x.projected)) {
        const mounts = spec.containers.flatMap((c) =>
          (c.volumeMounts ?? []).filter((m) => m.name === v.name).map((m) => ({ c: c.name, m })),
        );
        expect(mounts.length, `${v.name} mounted`).toBeGreaterThan(0);
        for (const { c, m } of mounts) expect(m.readOnly, `${c}: ${v.name}`).toBe(true);
      }
      // The API token only reaches kube-rbac-proxy, never the agent.
      expect((ctr.volumeMounts ?? []).map((m) => m.mountPath)).not.toContain('/var/run/secrets/kubernetes.io/serviceaccount');

      // The host mounts and the --path.* flags agree; / propagates host mounts into the pod.
      const mounts = values.hostMounts as Record<string, { enabled: boolean; hostPath: string; mountPath: string }>;
      const flag = { proc: '--path.procfs', sys: '--path.sysfs', root: '--path.rootfs' } as const;
      for (const [key, m] of Object.entries(mounts)) {
        const f = flag[key as keyof typeof flag];
        const arg = (ctr.args ?? []).find((a) => a.startsWith(`${f}=`));
        if (!m.enabled) {
          expect(arg, f).toBeUndefined();
          continue;
        }
        expect(arg).toBe(`${f}=${m.mountPath}`);
        const vm = ctr.volumeMounts?.find((x) => x.mountPath === m.mountPath);
        expect(vm, m.mountPath).toBeDefined();
        expect(hostVolumes.get(vm?.name as string)).toBe(m.hostPath);
        if (key === 'root') expect(vm?.mountPropagation).toBe('HostToContainer');
      }

      // Probes: liveness /healthz, readiness /readyz, on the named metrics port; with
      // kube-rbac-proxy on the agent's 127.0.0.1 (httpGet under hostNetwork, else exec).
      const probes = values.probes as Record<string, { enabled: boolean; path: string }>;
      const web = values.web as { port: number; tls: { enabled: boolean } };
      const portNames = (ctr.ports ?? []).map((p) => p.name);
      for (const [kind, field] of [
        ['liveness', 'livenessProbe'],
        ['readiness', 'readinessProbe'],
        ['startup', 'startupProbe'],
      ] as const) {
        const p = ctr[field];
        if (!probes[kind]?.enabled) {
          expect(p, kind).toBeUndefined();
          continue;
        }
        if (!proxyOn) {
          expect(p?.httpGet?.path).toBe(probes[kind]?.path);
          expect(portNames).toContain(p?.httpGet?.port);
          expect(p?.httpGet?.scheme).toBe(web.tls.enabled ? 'HTTPS' : 'HTTP');
        } else if (values.hostNetwork) {
          expect(p?.httpGet, kind).toEqual({ host: '127.0.0.1', path: probes[kind]?.path, port: web.port, scheme: 'HTTP' });
        } else {
          expect(p?.exec?.command.slice(0, 2), kind).toEqual([(values.image as { node: string }).node, '-e']);
          expect(p?.exec?.command[2], kind).toContain(`host:'127.0.0.1',port:${web.port},path:'${probes[kind]?.path}'`);
        }
      }
      if (c.name === 'defaults') {
        expect(ctr.livenessProbe?.httpGet?.path).toBe('/healthz');
        expect(ctr.readinessProbe?.httpGet?.path).toBe('/readyz');
        expect(ctr.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
        expect(ctr.resources?.limits?.memory).toEqual(expect.any(String));
        expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
        expect(spec.hostPID).toBe(true);
        expect(spec.hostNetwork).toBe(true);
        expect(ctr.ports?.[0]?.containerPort).toBe(DEFAULT_PORT);
      }
    });
  }
});

describe.skipIf(!HAVE_HELM)('chart: the agent accepts what the chart renders', () => {
  for (const c of CASES) {
    it(`the ConfigMap's config and the container's flags validate in the agent: ${c.name}`, async () => {
      const objs = rendered(c);
      const ds = daemonSet(objs);
      const ctr = podSpec(ds).containers.find((x) => x.name === 'hostprobe') as Container;
      const cm = find(objs, 'ConfigMap').find((o) => o.metadata.name === ds.metadata.name) as K8sObject;
      const text = (cm.data as Record<string, string>)['hostprobe.yaml'] as string;
      expect(text).toBeTruthy();

      // Flags: Kubernetes expands $(VAR) from the container's env; the agent must take them all, silently.
      const env = new Map((ctr.env ?? []).map((e) => [e.name, e.value ?? '10.0.0.7']));
      const args = (ctr.args ?? []).map((a) => a.replace(/\$\(([A-Z_]+)\)/g, (_, n: string) => env.get(n) ?? `$(${n})`));
      expect(args.join(' ')).not.toMatch(/\$\(/);
      const flags = parseAgentFlags(args);
      expect(flags.warnings).toEqual([]);
      expect(flags.positional).toEqual([]);
      const cfgMount = ctr.volumeMounts?.find((m) => m.name === 'config');
      expect(flags.configFile).toBe(`${cfgMount?.mountPath}/hostprobe.yaml`);

      // Config: files the chart mounts from Secrets (/etc/hostprobe/...) exist in the pod; make them here.
      const root = mkdtempSync(join(tmpdir(), 'hostprobe-chart-cfg-'));
      const localText = text.replace(/\/etc\/hostprobe\/([\w./-]+)/g, (_, rel: string) => {
        const p = join(root, rel);
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, 'secret-value\n');
        return p;
      });
      const r = await checkConfigText(localText, `${c.name}:hostprobe.yaml`, { env: {}, overrides: flags.overrides });
      expect(r.issues).toEqual([]);
      const cfg = r.config as unknown as Json;
      const values = merge(DEFAULTS, c.overrides) as Json;
      const web = values.web as { port: number; telemetryPath: string };
      expect((cfg.http as Json).port).toBe(web.port);
      expect((cfg.http as Json).path).toBe(web.telemetryPath);
      const otlp = values.otlp as { enabled: boolean; endpoint: string };
      expect((cfg.otlp as { enabled: boolean }).enabled).toBe(otlp.enabled);
    });
  }
});

describe('values.schema.json', () => {
  // Objects whose content is a Kubernetes or Prometheus Operator API type, passed through as
  // is (kubeconform validates them strictly in the renders), or the agent's own config (which
  // the agent validates, above).
  const PASS_THROUGH = new Set([
    'config',
    'definitions.monitor.tlsConfig',
    'definitions.monitor.basicAuth',
    'definitions.objectList.items',
    'podSecurityContext.seLinuxOptions',
    'podSecurityContext.appArmorProfile',
    'definitions.containerSecurityContext.seLinuxOptions',
    'definitions.containerSecurityContext.appArmorProfile',
    'affinity.nodeAffinity',
    'affinity.podAffinity',
    'affinity.podAntiAffinity',
    'extraEnv.items.valueFrom',
    'extraVolumes.items',
    'extraVolumeMounts.items',
    'extraManifests.items',
  ]);

  it('is draft-07 and closes every object (additionalProperties false or a typed map)', () => {
    expect(SCHEMA.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const open: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (!isObj(node)) return;
      const isObject = node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object'));
      if (isObject && !PASS_THROUGH.has(path)) {
        const ap = node.additionalProperties;
        if (!(ap === false || isObj(ap))) open.push(path || '<root>');
      }
      for (const [k, v] of Object.entries(node)) {
        if (k === 'properties' || k === 'definitions') {
          for (const [pk, pv] of Object.entries(v as Json))
            walk(pv, path ? `${path}.${pk}` : k === 'definitions' ? `definitions.${pk}` : pk);
        } else if (k === 'items') walk(v, `${path}.items`);
      }
    };
    walk(SCHEMA, '');
    expect(open).toEqual([]);
  });

  it('describes exactly the keys of values.yaml (every default documented, every key known)', () => {
    const defs = SCHEMA.definitions as Json;
    const missing: string[] = [];
    const extra: string[] = [];
    const resolve = (s: Json): Json => (typeof s.$ref === 'string' ? (defs[s.$ref.replace('#/definitions/', '')] as Json) : s);
    const walk = (schema: Json, value: unknown, path: string): void => {
      const s = resolve(schema);
      if (!isObj(s.properties) || !isObj(value)) return;
      const props = s.properties;
      for (const k of Object.keys(props)) {
        if (!(k in value)) missing.push(`${path}${k}`);
        else walk(props[k] as Json, value[k], `${path}${k}.`);
      }
      for (const k of Object.keys(value)) if (!(k in props)) extra.push(`${path}${k}`);
    };
    walk(SCHEMA, DEFAULTS, '');
    // Optional knobs without a default (set only when wanted).
    const optional = [
      'podSecurityContext.',
      'securityContext.',
      'kubeRBACProxy.containerSecurityContext.',
      'affinity.',
      'updateStrategy.rollingUpdate.maxSurge',
    ];
    expect(
      missing.filter((m) => !optional.some((o) => m.startsWith(o))),
      missing.join(', '),
    ).toEqual([]);
    expect(extra).toEqual([]);
  });

  it('the ci cases set every boolean of values.yaml both ways', () => {
    // Never flipped on purpose: the security posture (checked above for every case), and
    // options the agent has no use for.
    const NOT_TOGGLED: Record<string, string> = {
      hostIPC: 'the agent never needs the host IPC namespace',
      'serviceAccount.automountServiceAccountToken': 'the agent never calls the Kubernetes API',
      'securityContext.readOnlyRootFilesystem': 'security posture, same in every case',
      'securityContext.allowPrivilegeEscalation': 'security posture, same in every case',
      'securityContext.privileged': 'security posture, same in every case',
      'podSecurityContext.runAsNonRoot': 'security posture, same in every case',
      'kubeRBACProxy.containerSecurityContext.readOnlyRootFilesystem': 'security posture, same in every case',
      'kubeRBACProxy.containerSecurityContext.allowPrivilegeEscalation': 'security posture, same in every case',
    };
    const seen = new Map<string, Set<unknown>>();
    const collect = (v: unknown, path: string): void => {
      if (typeof v === 'boolean') {
        if (!seen.has(path)) seen.set(path, new Set());
        seen.get(path)?.add(v);
      } else if (isObj(v) && path.split('.')[0] !== 'config' && path !== 'collectors') {
        for (const [k, x] of Object.entries(v)) collect(x, path ? `${path}.${k}` : k);
      }
    };
    const boolPaths: string[] = [];
    const listBools = (v: unknown, path: string): void => {
      if (typeof v === 'boolean') boolPaths.push(path);
      else if (isObj(v) && path !== 'config') for (const [k, x] of Object.entries(v)) listBools(x, path ? `${path}.${k}` : k);
    };
    listBools(DEFAULTS, '');
    for (const c of CASES) collect(merge(DEFAULTS, c.overrides), '');
    const oneWay = boolPaths.filter((p) => !(p in NOT_TOGGLED) && (seen.get(p)?.size ?? 0) < 2);
    expect(boolPaths.length).toBeGreaterThan(20);
    expect(oneWay).toEqual([]);
    // hostUsers is tri-state: unset, true and false all rendered.
    const hostUsers = new Set(CASES.map((c) => JSON.stringify((merge(DEFAULTS, c.overrides) as Json).hostUsers)));
    expect([...hostUsers].sort()).toEqual(['false', 'null', 'true']);
  });
});

describe.skipIf(!HAVE_HELM)('values.schema.json rejects bad values', () => {
  const BAD: { what: string; values: string; message: RegExp }[] = [
    { what: 'a misspelt top-level key', values: 'hostNetwrok: true\n', message: /hostNetwrok/ },
    { what: 'a misspelt nested key', values: 'web:\n  tls:\n    enable: true\n', message: /enable/ },
    { what: 'an unknown pull policy', values: 'image:\n  pullPolicy: Sometimes\n', message: /pullPolicy/ },
    { what: 'a port out of range', values: 'web:\n  port: 70000\n', message: /port/ },
    { what: 'a string for a boolean', values: 'hostPID: "yes"\n', message: /hostPID/ },
    { what: 'OTLP on without an endpoint', values: 'otlp:\n  enabled: true\n', message: /endpoint/ },
    { what: 'an OTLP endpoint that is not a URL', values: 'otlp:\n  enabled: true\n  endpoint: collector:4318\n', message: /endpoint/ },
    { what: 'a duration without a unit', values: 'otlp:\n  interval: "60"\n', message: /interval/ },
    {
      what: 'Bidirectional mount propagation',
      values: 'hostMounts:\n  root:\n    enabled: true\n    hostPath: /\n    mountPath: /host/root\n    mountPropagation: Bidirectional\n',
      message: /mountPropagation/,
    },
    { what: 'TLS on without its Secret', values: 'web:\n  tls:\n    enabled: true\n', message: /secretName/ },
    { what: 'an unknown toleration field', values: 'tolerations:\n  - operator: Exists\n    effects: NoSchedule\n', message: /effects/ },
    { what: 'a non-flag extra argument', values: 'extraArgs: [debug]\n', message: /extraArgs/ },
    { what: 'a misspelt kubeRBACProxy key', values: 'kubeRBACProxy:\n  enabled: true\n  listenPort: 8443\n', message: /listenPort/ },
    { what: 'a non-flag kube-rbac-proxy argument', values: 'kubeRBACProxy:\n  extraArgs: [v=2]\n', message: /extraArgs/ },
    {
      what: 'a scraper of an unknown kind',
      values: 'kubeRBACProxy:\n  scrapers:\n    - kind: Pod\n      name: prometheus\n',
      message: /kind/,
    },
    { what: 'a kube-rbac-proxy image without a tag', values: 'kubeRBACProxy:\n  image:\n    tag: ""\n', message: /tag/ },
  ];
  const dir = mkdtempSync(join(tmpdir(), 'hostprobe-bad-values-'));
  for (const b of BAD) {
    it(`rejects ${b.what}`, () => {
      const f = join(dir, `${createHash('sha1').update(b.what).digest('hex')}.yaml`);
      writeFileSync(f, b.values);
      const t = runTool(helm.path as string, ['template', 'hostprobe', CHART, '-f', f]);
      expect(t.status).not.toBe(0);
      expect(t.stderr).toMatch(/values don't meet the specifications of the schema|schema/i);
      expect(t.stderr).toMatch(b.message);
      const l = runTool(helm.path as string, ['lint', '--strict', CHART, '-f', f]);
      expect(l.status).not.toBe(0);
    });
  }

  it('refuses kube-rbac-proxy combined with what it cannot serve (template checks)', () => {
    const refuse = (set: string[], message: RegExp): void => {
      const t = runTool(helm.path as string, ['template', 'hostprobe', CHART, ...set.flatMap((x) => ['--set', x])]);
      expect(t.status, set.join(' ')).not.toBe(0);
      expect(t.stderr).toMatch(message);
    };
    refuse(
      ['kubeRBACProxy.enabled=true', 'web.tls.enabled=true', 'web.tls.secretName=s'],
      /kubeRBACProxy.enabled and web.tls.enabled exclude each other/,
    );
    refuse(['kubeRBACProxy.enabled=true', 'kubeRBACProxy.port=9110'], /kubeRBACProxy.port must differ from web.port/);
    refuse(['kubeRBACProxy.enabled=true', 'podMonitor.enabled=true'], /PodMonitor with kubeRBACProxy needs a bearer token.*tokenSecret/);
    refuse(
      ['kubeRBACProxy.enabled=true', 'serviceMonitor.enabled=true', 'kubeRBACProxy.monitorAuth.bearerTokenFile='],
      /ServiceMonitor with kubeRBACProxy needs a bearer token/,
    );
    refuse(
      [
        'kubeRBACProxy.enabled=true',
        'serviceMonitor.enabled=true',
        'serviceMonitor.basicAuth.username.name=a',
        'serviceMonitor.basicAuth.username.key=u',
      ],
      /basicAuth cannot be combined with kubeRBACProxy/,
    );
  });

  it('refuses hostUsers: false with host namespaces (template check)', () => {
    const t = runTool(helm.path as string, ['template', 'hostprobe', CHART, '--set', 'hostUsers=false']);
    expect(t.status).not.toBe(0);
    expect(t.stderr).toMatch(/hostUsers: false .* cannot be combined/);
  });
});

describe.skipIf(!HAVE_HELM)('chart behaviour', () => {
  const h = (): string => helm.path as string;
  const checksum = (objs: K8sObject[]): string | undefined => podAnnotations(daemonSet(objs))['checksum/config'];

  it('checksum/config follows the config and only the config', () => {
    const base = checksum(objects(render(h())));
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(objects(render(h(), { set: ['config.poll_interval=30s'] })))).not.toBe(base);
    expect(checksum(objects(render(h(), { set: ['otlp.enabled=true', 'otlp.endpoint=http://c:4318'] })))).not.toBe(base);
    expect(checksum(objects(render(h(), { set: ['web.maxRequests=5', 'resources.requests.cpu=10m'] })))).toBe(base);
    // It is the sha256 of the rendered config (the ConfigMap's data without its comment line).
    const objs = objects(render(h()));
    const data = ((find(objs, 'ConfigMap')[0] as K8sObject).data as Record<string, string>)['hostprobe.yaml'] as string;
    const body = data
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n')
      .replace(/\n+$/, '');
    expect(createHash('sha256').update(body).digest('hex')).toBe(base);
  });

  it('optional resources appear only when enabled', () => {
    const kinds = (objs: K8sObject[]): string[] => objs.map((o) => o.kind).sort();
    expect(kinds(rendered(CASES[0] as (typeof CASES)[number]))).toEqual(['ConfigMap', 'DaemonSet', 'Service', 'ServiceAccount']);
    const byName = (n: string): K8sObject[] => rendered(CASES.find((c) => c.name === n) as (typeof CASES)[number]);
    expect(kinds(byName('monitors-values.yaml'))).toEqual([
      'ConfigMap',
      'DaemonSet',
      'PodMonitor',
      'PrometheusRule',
      'Service',
      'ServiceAccount',
      'ServiceMonitor',
    ]);
    expect(kinds(byName('minimal-values.yaml'))).toEqual(['ConfigMap', 'DaemonSet']);
    expect(kinds(byName('namespace-values.yaml'))).toContain('Namespace');
    expect(kinds(byName('isolated-values.yaml'))).toContain('NetworkPolicy');
    expect(kinds(byName('rbac-proxy-values.yaml'))).toEqual([
      'ClusterRole',
      'ClusterRole',
      'ClusterRoleBinding',
      'ClusterRoleBinding',
      'ConfigMap',
      'DaemonSet',
      'NetworkPolicy',
      'PodMonitor',
      'Service',
      'ServiceAccount',
      'ServiceMonitor',
    ]);
  });

  it('sizes the V8 heap from the memory limit', () => {
    const heapOf = (set: string[]): string | undefined =>
      (podSpec(daemonSet(objects(render(h(), { set })))).containers[0]?.command ?? []).find((a) => a.startsWith('--max-old-space-size='));
    expect(heapOf([])).toBe('--max-old-space-size=144'); // 75 % of 192Mi
    expect(heapOf(['resources.limits.memory=1Gi'])).toBe('--max-old-space-size=768');
    expect(heapOf(['resources.limits.memory=512M'])).toBe('--max-old-space-size=366'); // 512e6 B = 488 MiB
    expect(heapOf(['heapMiB=300'])).toBe('--max-old-space-size=300');
    expect(heapOf(['resources=null'])).toBeUndefined();
  });

  it('wires OTLP secrets as files of a mounted Secret, never into the ConfigMap', () => {
    const objs = rendered(CASES.find((c) => c.name === 'otlp-values.yaml') as (typeof CASES)[number]);
    const ds = daemonSet(objs);
    const spec = podSpec(ds);
    const cfg = parseYaml(((find(objs, 'ConfigMap')[0] as K8sObject).data as Record<string, string>)['hostprobe.yaml'] as string) as Json;
    const otlp = cfg.otlp as { endpoint: string; headers: Record<string, unknown>; tls: Record<string, string> };
    expect(otlp.endpoint).toBe('https://otel-collector.observability.svc:4318');
    expect(otlp.headers).toEqual({
      'x-tenant': 'node-metrics',
      authorization: { file: '/etc/hostprobe/otlp-headers/authorization' },
      'x-api-key': { file: '/etc/hostprobe/otlp-headers/api-key' },
    });
    expect(otlp.tls).toEqual({
      ca_file: '/etc/hostprobe/otlp-tls/ca.crt',
      cert_file: '/etc/hostprobe/otlp-tls/tls.crt',
      key_file: '/etc/hostprobe/otlp-tls/tls.key',
    });
    const headersVol = spec.volumes.find((v) => v.name === 'otlp-headers');
    expect(headersVol?.secret).toMatchObject({ secretName: 'otlp-credentials' });
    expect(((headersVol?.secret as Json).items as { key: string }[]).map((i) => i.key).sort()).toEqual(['api-key', 'authorization']);
    const ctr = spec.containers[0] as Container;
    expect(ctr.volumeMounts?.find((m) => m.name === 'otlp-headers')).toMatchObject({
      mountPath: '/etc/hostprobe/otlp-headers',
      readOnly: true,
    });
    expect(ctr.env?.find((e) => e.name === 'OTEL_RESOURCE_ATTRIBUTES')?.value).toBe('k8s.node.name=$(NODE_NAME),k8s.pod.name=$(POD_NAME)');
    // The NetworkPolicy lets DNS and the collector port out.
    const np = find(objs, 'NetworkPolicy')[0] as K8sObject;
    const egressPorts = ((np.spec as Json).egress as { ports: { port: number }[] }[]).flatMap((e) => e.ports.map((p) => p.port));
    expect(egressPorts).toEqual(expect.arrayContaining([53, 4318]));
  });

  it('the default alert rules query metrics the agent serves', () => {
    const objs = rendered(CASES.find((c) => c.name === 'otlp-values.yaml') as (typeof CASES)[number]);
    const rule = find(objs, 'PrometheusRule')[0] as K8sObject;
    const rules = (((rule.spec as Json).groups as Json[])[0] as { rules: { alert: string; expr: string }[] }).rules;
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining(['HostprobeDown', 'HostprobeCollectorFailing', 'HostprobeOtlpExportFailing']),
    );
    const src = readdirSync(join(REPO_ROOT, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(join(REPO_ROOT, 'src', f), 'utf8'))
      .join('\n');
    for (const r of rules) {
      for (const m of r.expr.match(/\b(node|hostprobe)_[a-z_]+/g) ?? []) expect(src, `${r.alert}: ${m}`).toContain(`'${m}'`);
      expect(r.expr).toMatch(/job="hostprobe"/);
    }
  });

  it('deploy/kubernetes is exactly the default render with the namespace (generate.sh)', () => {
    const out = mkdtempSync(join(tmpdir(), 'hostprobe-plain-'));
    const g = runTool('bash', [join(PLAIN_DIR, 'generate.sh'), out], { HELM: h() });
    expect(g.stderr).toBe('');
    expect(g.status).toBe(0);
    const yamlFiles = (d: string): string[] =>
      readdirSync(d)
        .filter((f) => f.endsWith('.yaml'))
        .sort();
    expect(yamlFiles(PLAIN_DIR)).toEqual(yamlFiles(out));
    expect(yamlFiles(out)).toEqual([
      '00-namespace.yaml',
      '10-serviceaccount.yaml',
      '20-configmap.yaml',
      '30-daemonset.yaml',
      '40-service.yaml',
    ]);
    for (const f of yamlFiles(out)) expect(readFileSync(join(PLAIN_DIR, f), 'utf8'), f).toBe(readFileSync(join(out, f), 'utf8'));

    // The same objects as the chart's default render, plus the labelled Namespace.
    const plain = yamlFiles(PLAIN_DIR).flatMap((f) => objects(readFileSync(join(PLAIN_DIR, f), 'utf8')));
    const ns = find(plain, 'Namespace')[0] as K8sObject;
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('privileged');
    const byKind = (a: K8sObject, b: K8sObject): number => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`);
    const chartDefault = objects(render(h(), { namespace: 'hostprobe' })).sort(byKind);
    expect(plain.filter((o) => o.kind !== 'Namespace').sort(byKind)).toEqual(chartDefault);
    for (const o of plain) if (o.kind !== 'Namespace') expect(o.metadata.namespace).toBe(ns.metadata.name);
  });

  it.skipIf(!HAVE_KC)('deploy/kubernetes passes kubeconform -strict', () => {
    const text = readdirSync(PLAIN_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => readFileSync(join(PLAIN_DIR, f), 'utf8'))
      .join('\n');
    for (const v of K8S_VERSIONS) {
      const r = kubeconform(kc.path as string, { plain: text }, v);
      expect(r.summary, r.stdout).toEqual({ valid: 5, invalid: 0, errors: 0, skipped: 0 });
      expect(r.status).toBe(0);
    }
  });
});

describe.skipIf(!HAVE_HELM)('chart: kube-rbac-proxy', () => {
  const h = (): string => helm.path as string;
  const rbacCase = (): K8sObject[] => rendered(CASES.find((c) => c.name === 'rbac-proxy-values.yaml') as (typeof CASES)[number]);
  const containers = (objs: K8sObject[]): Container[] => podSpec(daemonSet(objs)).containers;
  const byName = (objs: K8sObject[], name: string): Container => containers(objs).find((c) => c.name === name) as Container;
  type Endpoint = {
    port: string;
    path: string;
    scheme: string;
    tlsConfig?: Json;
    bearerTokenFile?: string;
    authorization?: Json;
    basicAuth?: Json;
  };
  const endpoint = (objs: K8sObject[], kind: 'ServiceMonitor' | 'PodMonitor'): Endpoint => {
    const m = find(objs, kind)[0] as K8sObject;
    const spec = m.spec as Json;
    return ((kind === 'ServiceMonitor' ? spec.endpoints : spec.podMetricsEndpoints) as Endpoint[])[0] as Endpoint;
  };
  const rules = (objs: K8sObject[], name: string): Json[] =>
    (objs.find((o) => o.kind === 'ClusterRole' && o.metadata.name === name)?.rules ?? []) as Json[];

  it('runs the agent on 127.0.0.1 only, with the proxy as the only listener of the pod', () => {
    const objs = rbacCase();
    const agent = byName(objs, 'hostprobe');
    const listen = (agent.args ?? []).filter((a) => a.startsWith('--web.listen-address='));
    expect(listen).toEqual(['--web.listen-address=127.0.0.1:9110']);
    expect(agent.ports ?? []).toEqual([]);
    expect((agent.env ?? []).map((e) => e.name)).not.toContain('HOST_IP');
    // ... which the agent's own flag parser reads as a loopback bind.
    const flags = parseAgentFlags(agent.args ?? []);
    expect(flags.overrides).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ['http', 'address'], value: '127.0.0.1' }),
        expect.objectContaining({ path: ['http', 'port'], value: 9110 }),
      ]),
    );

    const proxy = byName(objs, 'kube-rbac-proxy');
    expect(proxy.image).toBe('quay.io/brancz/kube-rbac-proxy@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210');
    expect(proxy.args).toEqual([
      '--secure-listen-address=[$(POD_IP)]:9443',
      '--upstream=http://127.0.0.1:9110/',
      '--allow-paths=/metrics',
      '--tls-cert-file=/etc/kube-rbac-proxy/tls/tls.crt',
      '--tls-private-key-file=/etc/kube-rbac-proxy/tls/tls.key',
      '--tls-min-version=VersionTLS13',
    ]);
    expect(proxy.env).toEqual([{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }]);
    expect(proxy.ports).toEqual([{ name: 'https-proxy', containerPort: 9443, protocol: 'TCP', hostPort: 9443 }]);
    expect(proxy.readinessProbe?.tcpSocket?.port).toBe('https-proxy');
    expect(proxy.resources).toEqual({ requests: { cpu: '5m', memory: '20Mi' }, limits: { memory: '48Mi' } });

    // The API token is projected into the proxy alone; the pod does not automount it.
    const spec = podSpec(daemonSet(objs));
    expect(spec.automountServiceAccountToken).toBe(false);
    const token = spec.volumes.find((v) => v.name === 'kube-rbac-proxy-token');
    const sources = (token?.projected as { sources: Json[] }).sources;
    expect(sources.map((x) => Object.keys(x)[0])).toEqual(['serviceAccountToken', 'configMap', 'downwardAPI']);
    expect(proxy.volumeMounts).toEqual([
      { name: 'kube-rbac-proxy-token', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
      { name: 'kube-rbac-proxy-tls', mountPath: '/etc/kube-rbac-proxy/tls', readOnly: true },
    ]);
    expect(spec.volumes.find((v) => v.name === 'kube-rbac-proxy-tls')?.secret).toMatchObject({ secretName: 'hostprobe-proxy-tls' });
    expect(podAnnotations(daemonSet(objs))['kubectl.kubernetes.io/default-container']).toBe('hostprobe');
  });

  it('points the Service and both monitors at the proxy port over https with a bearer token', () => {
    const objs = rbacCase();
    const svc = find(objs, 'Service')[0] as K8sObject;
    expect((svc.spec as { ports: Json[] }).ports).toEqual([
      { name: 'https-proxy', port: 9443, targetPort: 'https-proxy', protocol: 'TCP' },
    ]);
    for (const kind of ['ServiceMonitor', 'PodMonitor'] as const) {
      const ep = endpoint(objs, kind);
      expect(ep.port, kind).toBe('https-proxy');
      expect(ep.scheme, kind).toBe('https');
      expect(ep.path, kind).toBe('/metrics');
      expect(ep.authorization, kind).toEqual({ type: 'Bearer', credentials: { name: 'prometheus-scrape-token', key: 'token' } });
      expect(ep.bearerTokenFile, kind).toBeUndefined();
      expect(ep.tlsConfig, kind).toEqual({
        ca: { secret: { name: 'hostprobe-proxy-tls', key: 'ca.crt' } },
        serverName: 'hostprobe.monitoring.svc',
      });
    }
    // The NetworkPolicy opens the proxy's port (not the agent's) and lets the proxy reach the API server.
    const np = find(objs, 'NetworkPolicy')[0] as K8sObject;
    const npSpec = np.spec as { ingress: { ports: Json[] }[]; egress: { ports: { port: number }[]; to?: Json[] }[] };
    expect(npSpec.ingress.flatMap((r) => r.ports)).toEqual([{ port: 'https-proxy', protocol: 'TCP' }]);
    const api = npSpec.egress.find((r) => r.ports.some((p) => p.port === 6443));
    expect(api?.to).toEqual([{ ipBlock: { cidr: '10.96.0.0/12' } }]);
  });

  it("creates the proxy's review permissions and the scrapers' role", () => {
    const objs = rbacCase();
    expect(rules(objs, 'hostprobe-kube-rbac-proxy')).toEqual([
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    ]);
    expect(rules(objs, 'hostprobe-metrics-reader')).toEqual([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
    const binding = (name: string): Json => objs.find((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === name) as Json;
    expect(binding('hostprobe-kube-rbac-proxy')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'hostprobe-kube-rbac-proxy' },
      subjects: [{ kind: 'ServiceAccount', name: 'hostprobe', namespace: 'monitoring' }],
    });
    expect(binding('hostprobe-metrics-reader')).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'hostprobe-metrics-reader' },
      subjects: [
        { kind: 'ServiceAccount', name: 'prometheus-k8s', namespace: 'monitoring' },
        { kind: 'Group', name: 'metrics-scrapers', apiGroup: 'rbac.authorization.k8s.io' },
      ],
    });
    // The reader role follows the telemetry path (which is also the only path the proxy forwards).
    const moved = objects(render(h(), { set: ['kubeRBACProxy.enabled=true', 'web.telemetryPath=/node/metrics'] }));
    expect(rules(moved, 'hostprobe-metrics-reader')).toEqual([{ nonResourceURLs: ['/node/metrics'], verbs: ['get'] }]);
    expect(byName(moved, 'kube-rbac-proxy').args).toContain('--allow-paths=/node/metrics');
    expect(moved.filter((o) => o.kind === 'ClusterRoleBinding').map((o) => o.metadata.name)).toEqual(['hostprobe-kube-rbac-proxy']);
  });

  it("defaults: a self-signed certificate (not verified), all interfaces, Prometheus's own token for a ServiceMonitor", () => {
    const objs = objects(render(h(), { set: ['kubeRBACProxy.enabled=true', 'serviceMonitor.enabled=true'] }));
    const proxy = byName(objs, 'kube-rbac-proxy');
    expect(proxy.image).toBe('quay.io/brancz/kube-rbac-proxy:v0.20.2');
    expect(proxy.args).toEqual(['--secure-listen-address=:8443', '--upstream=http://127.0.0.1:9110/', '--allow-paths=/metrics']);
    expect(proxy.env).toBeUndefined();
    expect(proxy.ports).toEqual([{ name: 'https-metrics', containerPort: 8443, protocol: 'TCP' }]);
    expect(podSpec(daemonSet(objs)).volumes.map((v) => v.name)).not.toContain('kube-rbac-proxy-tls');
    const ep = endpoint(objs, 'ServiceMonitor');
    expect(ep).toMatchObject({
      port: 'https-metrics',
      scheme: 'https',
      bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
    });
    expect(ep.tlsConfig).toEqual({ insecureSkipVerify: true });
    expect(ep.authorization).toBeUndefined();
    // The global registry applies to the proxy's image too; the monitor's own tlsConfig wins.
    const more = objects(
      render(h(), {
        set: [
          'kubeRBACProxy.enabled=true',
          'serviceMonitor.enabled=true',
          'global.imageRegistry=registry.example.com',
          'serviceMonitor.tlsConfig.serverName=n',
        ],
      }),
    );
    expect(byName(more, 'kube-rbac-proxy').image).toBe('registry.example.com/brancz/kube-rbac-proxy:v0.20.2');
    expect(endpoint(more, 'ServiceMonitor').tlsConfig).toEqual({ serverName: 'n' });
  });

  it("without hostNetwork the agent's probes run in its container (exec) and reach 127.0.0.1", async () => {
    // A stand-in for the agent on a free loopback port: /healthz 200, /readyz 503.
    const server = createServer((req, res) => {
      res.statusCode = req.url === '/healthz' ? 200 : 503;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const objs = objects(
        render(h(), {
          set: ['kubeRBACProxy.enabled=true', 'hostNetwork=false', 'hostPID=false', 'dnsPolicy=ClusterFirst', `web.port=${port}`],
        }),
      );
      const agent = byName(objs, 'hostprobe');
      const run = (p: Probe | undefined): Promise<number> => {
        const cmd = p?.exec?.command as string[];
        expect(cmd[0]).toBe('/nodejs/bin/node');
        return new Promise((resolve) => {
          execFile(process.execPath, cmd.slice(1), { timeout: 10_000 }, (err) =>
            resolve(err ? ((err as { code?: number }).code ?? -1) : 0),
          );
        });
      };
      expect(await run(agent.livenessProbe)).toBe(0);
      expect(await run(agent.startupProbe)).toBe(0);
      expect(await run(agent.readinessProbe)).toBe(1); // 503: not ready
      expect(agent.readinessProbe?.httpGet).toBeUndefined();
    } finally {
      await new Promise((r) => server.close(r));
    }
    // Nothing listens there any more: the probe fails instead of hanging.
    const objs = objects(render(h(), { set: ['kubeRBACProxy.enabled=true', 'hostNetwork=false', 'hostPID=false', `web.port=${port}`] }));
    const cmd = byName(objs, 'hostprobe').livenessProbe?.exec?.command as string[];
    const code = await new Promise<number>((resolve) => {
      execFile(process.execPath, cmd.slice(1), { timeout: 10_000 }, (err) => resolve(err ? ((err as { code?: number }).code ?? -1) : 0));
    });
    expect(code).toBe(1);
  });

  it('disabled (every other case): no sidecar, no RBAC objects, the agent on its own port', () => {
    for (const c of CASES.filter((x) => x.name !== 'rbac-proxy-values.yaml')) {
      const objs = rendered(c);
      const values = merge(DEFAULTS, c.overrides) as Json;
      const web = values.web as { port: number; portName: string };
      expect(
        containers(objs).map((x) => x.name),
        c.name,
      ).toEqual(['hostprobe']);
      expect(
        objs.filter((o) => o.kind.startsWith('ClusterRole')),
        c.name,
      ).toEqual([]);
      const agent = byName(objs, 'hostprobe');
      expect(
        (agent.args ?? []).find((a) => a.startsWith('--web.listen-address=')),
        c.name,
      ).toBe(`--web.listen-address=[$(HOST_IP)]:${web.port}`);
      expect(
        agent.ports?.map((p) => p.name),
        c.name,
      ).toEqual([web.portName]);
      for (const s of find(objs, 'Service'))
        expect((s.spec as { ports: { targetPort: string }[] }).ports.map((p) => p.targetPort)).toEqual([web.portName]);
      for (const kind of ['ServiceMonitor', 'PodMonitor'] as const) {
        if (!find(objs, kind).length) continue;
        const ep = endpoint(objs, kind);
        expect(ep.port, `${c.name} ${kind}`).toBe(web.portName);
        expect(ep.bearerTokenFile).toBeUndefined();
        expect(ep.authorization).toBeUndefined();
      }
      for (const np of find(objs, 'NetworkPolicy')) {
        expect(
          ((np.spec as Json).ingress as { ports: Json[] }[]).flatMap((r) => r.ports),
          c.name,
        ).toEqual([{ port: web.portName, protocol: 'TCP' }]);
      }
      expect(podAnnotations(daemonSet(objs))?.['kubectl.kubernetes.io/default-container']).toBeUndefined();
    }
  });
});
