// The Resource: detection from a real snapshot of this host, the Kubernetes node name from
// the Downward API variables, and the precedence of static labels, OTEL_RESOURCE_ATTRIBUTES,
// OTEL_SERVICE_NAME and the config's resource_attributes.
import { readFileSync } from 'node:fs';
import { arch } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../../src/contract/snapshot.js';
import { validateOtlpConfig } from '../../../../src/config/otlp.js';
import { hostArch, ResourceCache } from '../../../../src/sinks/otlp/resource.js';
import { run } from '../../../helpers/tools.js';
import { configFrom, startPoller } from '../../../helpers/otlp-agent.js';

let snap: Snapshot;

beforeAll(async () => {
  const poller = await startPoller(await configFrom('labels:\n  datacenter: dc1\n  team: from-labels\n'));
  try {
    snap = await poller.pollOnce();
  } finally {
    await poller.stop();
  }
});

function attrs(opts: Partial<ConstructorParameters<typeof ResourceCache>[0]>): Record<string, unknown> {
  return new ResourceCache({ version: '1.2.3', rootfs: '/', envAttributes: {}, configAttributes: {}, env: {}, ...opts }).get(snap)
    .attributes;
}

describe('resource', () => {
  it('describes this host', () => {
    const a = attrs({});
    expect(a['host.name']).toBe(run('uname', ['-n']).trim());
    expect(a['host.arch']).toBe(hostArch(run('uname', ['-m']).trim()));
    expect(a['host.arch']).toBe(arch() === 'x64' ? 'amd64' : hostArch(arch()));
    expect(a['host.id']).toBe(readFileSync('/etc/machine-id', 'utf8').trim());
    expect(a['os.type']).toBe('linux');
    expect(String(a['os.description'])).toContain(run('uname', ['-r']).trim());
    expect(a).toMatchObject({ 'service.name': 'hostprobe', 'service.version': '1.2.3', 'service.instance.id': a['host.name'] });
    expect(a['k8s.node.name']).toBeUndefined();
  });

  it('takes the node name from K8S_NODE_NAME or NODE_NAME, and uses it as the instance id', () => {
    expect(attrs({ env: { NODE_NAME: 'node-a' } })).toMatchObject({ 'k8s.node.name': 'node-a', 'service.instance.id': 'node-a' });
    expect(attrs({ env: { K8S_NODE_NAME: 'node-b', NODE_NAME: 'node-a' } })['k8s.node.name']).toBe('node-b');
  });

  it('layers labels < OTEL_RESOURCE_ATTRIBUTES < OTEL_SERVICE_NAME < resource_attributes', () => {
    const c = validateOtlpConfig(
      { resource_attributes: { 'deployment.environment.name': 'prod', team: 'from-config' } },
      { OTEL_RESOURCE_ATTRIBUTES: 'team=from-env,service.name=env-name,host.name=override', OTEL_SERVICE_NAME: 'svc' },
    ).value;
    const a = attrs({
      envAttributes: c.env_resource_attributes,
      configAttributes: c.resource_attributes,
      ...(c.service_name ? { serviceName: c.service_name } : {}),
    });
    expect(a).toMatchObject({
      datacenter: 'dc1',
      team: 'from-config',
      'service.name': 'svc',
      'host.name': 'override',
      'deployment.environment.name': 'prod',
    });
  });

  it('reuses the Resource while nothing changes', () => {
    const cache = new ResourceCache({ version: '1', rootfs: '/', envAttributes: {}, configAttributes: {}, env: {} });
    expect(cache.get(snap)).toBe(cache.get(snap));
  });
});
