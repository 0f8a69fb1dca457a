// The agent's configuration: the broken-config corpus (each file with its expected located
// message, and exit status 2 from `hostprobe check-config`), the commented default file,
// the JSON Schema generated from the spec, ${ENV} expansion, and the node_exporter flags.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseAgentFlags, FlagError, parseListenAddress } from '../../../src/config/flags.js';
import { checkConfigText, formatIssue, loadConfig, ConfigError } from '../../../src/config/load.js';
import {
  agentJsonSchema,
  otlpJsonSchema,
  CONFIG_SPEC,
  NODE_EXPORTER_DISKSTATS_DEVICE_EXCLUDE,
  NODE_EXPORTER_FS_TYPES_EXCLUDE,
  NODE_EXPORTER_MOUNT_POINTS_EXCLUDE,
} from '../../../src/config/schema.js';
import { compileRegex, editDistance, formatDuration, parseDuration, suggest, type ObjectSpec } from '../../../src/config/spec.js';
import type { AgentConfig, OtlpConfig, ProcessGroupConfig } from '../../../src/config/types.js';
import { REPO_ROOT } from '../../helpers/tools.js';
import { haveCli, runCli } from '../../helpers/agent.js';

const CORPUS = 'test/fixtures/agent-configs';
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const cases = readdirSync(join(REPO_ROOT, CORPUS))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('broken config corpus', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  for (const f of cases) {
    const rel = `${CORPUS}/${f}`;
    const expectedFile = join(REPO_ROOT, CORPUS, f.replace(/\.yaml$/, '.expected'));

    it(`${f}: located message`, async () => {
      const r = await checkConfigText(readFileSync(join(REPO_ROOT, rel), 'utf8'), rel, { env: { HOME: '/root' } });
      const got = r.issues.map(formatIssue).join('\n') + '\n';
      if (UPDATE) writeFileSync(expectedFile, got);
      expect(r.config).toBeUndefined();
      expect(got).toBe(readFileSync(expectedFile, 'utf8'));
      for (const line of got.trim().split('\n')) {
        // file:line:col: key.path: what; expected ... (syntax errors name where, not what was expected)
        expect(line).toMatch(new RegExp(`^${rel.replace(/[.]/g, '\\.')}:\\d+:\\d+: \\S+: .+`));
        if (!line.includes('YAML syntax error') && !line.includes('environment variable')) expect(line).toContain('; expected ');
      }
    });

    it(`${f}: check-config exits 2 with the message`, () => {
      if (!haveCli()) return;
      const r = runCli(['check-config', rel], { HOME: '/root' });
      expect(r.status).toBe(2);
      for (const line of readFileSync(expectedFile, 'utf8').trim().split('\n')) expect(r.stderr).toContain(line);
      expect(r.stdout).toBe('');
    });
  }

  it('the agent itself refuses a bad config with exit status 2 before listening', () => {
    if (!haveCli()) return;
    const r = runCli([`--config.file=${CORPUS}/typo-top-level.yaml`, '--web.listen-address=127.0.0.1:0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${CORPUS}/typo-top-level.yaml:1:1: pol_interval: unknown key "pol_interval"`);
    expect(r.stderr).toContain('did you mean "poll_interval"?');
    expect(r.stderr).not.toContain('listening');
  });

  it('a missing config file is a config error (exit 2) naming the file', () => {
    if (!haveCli()) return;
    const r = runCli(['check-config', 'no/such/file.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no/such/file.yaml:1:1');
    expect(r.stderr).toContain('ENOENT');
  });
});

describe('messages', () => {
  it('suggests keys by edit distance, separators and shortened words', () => {
    expect(editDistance('pol_interval', 'poll_interval')).toBe(1);
    expect(suggest('pol_interval', Object.keys(CONFIG_SPEC.fields))).toBe('poll_interval');
    expect(suggest('pollInterval', Object.keys(CONFIG_SPEC.fields))).toBe('poll_interval');
    expect(suggest('memory', ['cpu', 'mem', 'disk'])).toBe('mem');
    expect(suggest('zzzzzz', ['cpu', 'mem', 'disk'])).toBeUndefined();
  });

  it('names the section a key belongs to when it is at the wrong level', async () => {
    const r = await checkConfigText('collectors:\n  mount_timeout: 5s\n', 'x.yaml');
    expect(r.issues.map(formatIssue)).toEqual([
      expect.stringContaining(
        'x.yaml:2:3: collectors.mount_timeout: unknown key "mount_timeout" (it belongs under collectors.disk.filesystem)',
      ),
    ]);
  });

  it('reports every problem of a file, in line order', async () => {
    const r = await checkConfigText('http:\n  port: -1\nlog:\n  level: loud\npoll_interval: 1h\nfoo: 1\n', 'y.yaml');
    expect(r.issues.map((i) => `${i.line}:${i.col} ${i.path}`)).toEqual(['2:9 http.port', '4:10 log.level', '6:1 foo']);
  });

  it('ConfigError from loadConfig carries the issues', async () => {
    await expect(loadConfig(join(REPO_ROOT, CORPUS, 'port-out-of-range.yaml'))).rejects.toBeInstanceOf(ConfigError);
  });
});

describe("the config type is the spec's", () => {
  it('types every key the validator yields, otlp as the resolved section', async () => {
    const { config } = await loadConfig(undefined, { env: {} });
    // Compile-time: the inferred type (tsconfig.test.json checks these).
    expectTypeOf(config).toEqualTypeOf<AgentConfig>();
    expectTypeOf(config.otlp).toEqualTypeOf<OtlpConfig>();
    expectTypeOf(config.log.level).toEqualTypeOf<'debug' | 'info' | 'warn' | 'error'>();
    expectTypeOf(config.collectors.process.top.by).toEqualTypeOf<'cpu' | 'memory'>();
    expectTypeOf(config.collectors.cpu.timeout).toEqualTypeOf<number | undefined>();
    expectTypeOf(config.collectors.process.groups).toEqualTypeOf<readonly ProcessGroupConfig[]>();
    expectTypeOf<ProcessGroupConfig['comm']>().toEqualTypeOf<readonly string[] | undefined>();
    expectTypeOf(config.labels).toEqualTypeOf<Readonly<Record<string, string>>>();
    // Run time: the value has exactly the spec's keys, level by level (optional ones only when set).
    const missing: string[] = [];
    const walk = (spec: ObjectSpec, value: Record<string, unknown>, prefix: string): void => {
      for (const [k, v] of Object.entries(spec.fields)) {
        if (!(k in value)) {
          if (v.kind === 'object' || 'default' in v) missing.push(prefix + k);
          continue;
        }
        if (v.kind === 'object' && !v.resolve) walk(v, value[k] as Record<string, unknown>, `${prefix}${k}.`);
      }
      for (const k of Object.keys(value)) if (!(k in spec.fields)) missing.push(`extra ${prefix}${k}`);
    };
    walk(CONFIG_SPEC, config as unknown as Record<string, unknown>, '');
    expect(missing).toEqual([]);
    expect(config.otlp).toMatchObject({
      enabled: false,
      source: 'off',
      url: 'http://localhost:4318/v1/metrics',
      interval: 60,
      timeout: 10,
    });
  });
});

describe('defaults', () => {
  it('the built-in default applies without a file, with node_exporter exclusions and port 9110', async () => {
    const { config } = await loadConfig(undefined);
    expect(config.http.port).toBe(9110);
    expect(config.http.path).toBe('/metrics');
    expect(config.poll_interval).toBe(15);
    expect(config.paths).toEqual({ procfs: '/proc', sysfs: '/sys', rootfs: '/' });
    expect(config.collectors.disk.filesystem.mount_points_exclude).toBe(NODE_EXPORTER_MOUNT_POINTS_EXCLUDE);
    expect(config.collectors.disk.filesystem.fs_types_exclude).toBe(NODE_EXPORTER_FS_TYPES_EXCLUDE);
    expect(config.collectors.disk.diskstats.device_exclude).toBe(NODE_EXPORTER_DISKSTATS_DEVICE_EXCLUDE);
    expect(config.collectors.net.netdev.device_exclude).toBe('');
    expect(config.collectors.nic.ignored_devices).toBe('^$');
    expect(config.collectors.process.enabled).toBe(false);
  });

  it('node_exporter default exclusions behave as documented', () => {
    const mp = compileRegex(NODE_EXPORTER_MOUNT_POINTS_EXCLUDE);
    for (const p of ['/dev', '/dev/shm', '/proc', '/sys/fs/cgroup', '/run/credentials/x.service', '/var/lib/docker/overlay2/a'])
      expect(mp.test(p)).toBe(true);
    for (const p of ['/', '/home', '/run', '/var/lib/docker', '/devices']) expect(mp.test(p)).toBe(false);
    const fs = compileRegex(NODE_EXPORTER_FS_TYPES_EXCLUDE);
    for (const t of ['proc', 'sysfs', 'cgroup', 'cgroup2', 'overlay', 'squashfs']) expect(fs.test(t)).toBe(true);
    for (const t of ['ext4', 'xfs', 'tmpfs', 'nfs', 'fuse.sshfs']) expect(fs.test(t)).toBe(false);
    const dev = compileRegex(NODE_EXPORTER_DISKSTATS_DEVICE_EXCLUDE);
    for (const d of ['sda1', 'vda2', 'nvme0n1p1', 'loop0', 'ram0', 'zram0', 'xvda1']) expect(dev.test(d)).toBe(true);
    for (const d of ['sda', 'vda', 'nvme0n1', 'dm-0', 'md0', 'sr0', 'mmcblk0p1']) expect(dev.test(d)).toBe(false);
  });

  it('config/hostprobe.yaml is valid and is exactly the built-in default', async () => {
    const file = join(REPO_ROOT, 'config', 'hostprobe.yaml');
    const fromFile = await loadConfig(file);
    const builtin = await loadConfig(undefined);
    expect(fromFile.config).toEqual(builtin.config);
    if (haveCli()) {
      const r = runCli(['check-config', 'config/hostprobe.yaml']);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('config/hostprobe.yaml: OK\n');
      expect(r.status).toBe(0);
    }
  });

  it('config/hostprobe.yaml documents every key of the spec', () => {
    const text = readFileSync(join(REPO_ROOT, 'config', 'hostprobe.yaml'), 'utf8');
    const missing: string[] = [];
    const walk = (spec: ObjectSpec, prefix: string): void => {
      for (const [k, v] of Object.entries(spec.fields)) {
        if (k === 'otlp' || k === 'timeout') continue;
        if (!new RegExp(`(^|[\\s{,])${k}:`, 'm').test(text)) missing.push(prefix + k);
        if (v.kind === 'object') walk(v, `${prefix}${k}.`);
      }
    };
    walk(CONFIG_SPEC, '');
    expect(missing).toEqual([]);
  });

  it('config/schema/hostprobe.schema.json and otlp.schema.json are generated from the spec (`npm run gen` writes them)', () => {
    const file = join(REPO_ROOT, 'config', 'schema', 'hostprobe.schema.json');
    const want = JSON.stringify(agentJsonSchema(), null, 2) + '\n';
    const otlpFile = join(REPO_ROOT, 'config', 'schema', 'otlp.schema.json');
    const otlpWant = JSON.stringify(otlpJsonSchema(), null, 2) + '\n';
    expect(readFileSync(file, 'utf8'), `${file} is stale: run npm run gen`).toBe(want);
    expect(readFileSync(otlpFile, 'utf8'), `${otlpFile} is stale: run npm run gen`).toBe(otlpWant);
    const schema = JSON.parse(want) as { properties: Record<string, { $ref?: string }>; additionalProperties: boolean };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.otlp?.$ref).toBe('otlp.schema.json');
    const otlp = JSON.parse(otlpWant) as { $id: string; properties: Record<string, unknown>; additionalProperties: boolean };
    expect(otlp.$id).toBe('otlp.schema.json');
    expect(otlp.additionalProperties).toBe(false);
    expect(Object.keys(otlp.properties)).toContain('metrics_endpoint');
  });
});

describe('environment expansion', () => {
  const env = { PORT: '9999', NODE_NAME: 'worker-1', EMPTY: '' };

  it('expands ${VAR} and ${VAR:-default}, typed by the key', async () => {
    const r = await checkConfigText(
      'http:\n  port: ${PORT}\n  address: "${ADDR:-127.0.0.1}"\nlabels:\n  node: ${NODE_NAME}\n  zone: "${ZONE:-eu-1}"\n  both: "${NODE_NAME}-$${literal}"\n  empty: "${EMPTY:-fallback}"\n',
      'e.yaml',
      { env },
    );
    expect(r.issues).toEqual([]);
    expect(r.config?.http.port).toBe(9999);
    expect(r.config?.http.address).toBe('127.0.0.1');
    expect(r.config?.labels).toEqual({ node: 'worker-1', zone: 'eu-1', both: 'worker-1-${literal}', empty: 'fallback' });
  });

  it('an unset variable without a default is an error naming the variable and the key', async () => {
    const r = await checkConfigText('labels:\n  node: ${NOPE}\n', 'e.yaml', { env });
    expect(r.issues.map(formatIssue)).toEqual([
      'e.yaml:2:9: labels.node: environment variable NOPE is not set (write ${NOPE:-default} to give a default)',
    ]);
  });
});

describe('durations and regexes', () => {
  it('parses Prometheus durations', () => {
    expect(parseDuration('15s')).toBe(15);
    expect(parseDuration('1m30s')).toBe(90);
    expect(parseDuration('500ms')).toBe(0.5);
    expect(parseDuration('2h')).toBe(7200);
    expect(parseDuration('15')).toBeUndefined();
    expect(parseDuration('fast')).toBeUndefined();
    expect(formatDuration(90)).toBe('1m30s');
    expect(formatDuration(0.05)).toBe('50ms');
  });

  it("accepts node_exporter's RE2 spellings", () => {
    expect(compileRegex('(?i)^ETH\\d+$').test('eth0')).toBe(true);
    expect(compileRegex('^(?P<name>veth.*)$').exec('veth12')?.groups?.name).toBe('veth12');
  });

  it('an include filter clears the default exclude (node_exporter semantics)', async () => {
    const r = await checkConfigText('collectors:\n  disk:\n    filesystem:\n      mount_points_include: "^/$"\n', 'i.yaml');
    expect(r.config?.collectors.disk.filesystem.mount_points_exclude).toBe('');
    expect(r.config?.collectors.disk.filesystem.fs_types_exclude).toBe(NODE_EXPORTER_FS_TYPES_EXCLUDE);
  });
});

describe('flags', () => {
  const apply = async (argv: string[]) => {
    const f = parseAgentFlags(argv);
    return { flags: f, config: (await loadConfig(f.configFile, { overrides: f.overrides })).config };
  };

  it("takes node_exporter's flag names and both --flag=value and --flag value", async () => {
    const { config, flags } = await apply([
      '--web.listen-address=127.0.0.1:9200',
      '--web.telemetry-path',
      '/m',
      '--path.procfs=/host/proc',
      '--path.sysfs=/host/sys',
      '--path.rootfs=/host/root',
      '--collector.netdev.device-exclude=^veth',
      '--collector.netclass.ignored-devices=^lo$',
      '--log.level=debug',
      '--config.file=config/hostprobe.yaml',
    ]);
    expect(flags.configFile).toBe('config/hostprobe.yaml');
    expect(config.http.address).toBe('127.0.0.1');
    expect(config.http.port).toBe(9200);
    expect(config.http.path).toBe('/m');
    expect(config.paths).toEqual({ procfs: '/host/proc', sysfs: '/host/sys', rootfs: '/host/root' });
    expect(config.collectors.net.netdev.device_exclude).toBe('^veth');
    expect(config.collectors.nic.ignored_devices).toBe('^lo$');
    expect(config.log.level).toBe('debug');
  });

  it('maps --[no-]collector.<node_exporter name> onto collector parts', async () => {
    const { config } = await apply([
      '--no-collector.netclass',
      '--no-collector.cpufreq',
      '--collector.processes',
      '--no-collector.tcpstat',
    ]);
    expect(config.collectors.nic.netclass.enabled).toBe(false);
    expect(config.collectors.nic.bonding.enabled).toBe(true);
    expect(config.collectors.cpu.cpufreq.enabled).toBe(false);
    expect(config.collectors.cpu.cpu.enabled).toBe(true);
    expect(config.collectors.process.enabled).toBe(true);
    expect(config.collectors.process.processes.enabled).toBe(true);
    expect(config.collectors.net.tcpstat.enabled).toBe(false);
  });

  it("maps node_exporter's conntrack, softnet, arp and udp_queues switches and the arp and netdev netlink flags", async () => {
    const defaults = (await apply([])).config.collectors.net;
    expect([defaults.conntrack.enabled, defaults.softnet.enabled, defaults.arp.enabled, defaults.udp_queues.enabled]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([defaults.arp.netlink, defaults.netdev.netlink]).toEqual([true, true]);
    const { config, flags } = await apply([
      '--no-collector.conntrack',
      '--no-collector.udp_queues',
      '--collector.arp.device-exclude=^nope$',
      '--no-collector.arp.netlink',
      '--no-collector.netdev.netlink',
    ]);
    const net = config.collectors.net;
    expect([net.conntrack.enabled, net.softnet.enabled, net.arp.enabled, net.udp_queues.enabled]).toEqual([false, true, true, false]);
    expect(net.arp.device_exclude).toBe('^nope$');
    expect([net.arp.netlink, net.netdev.netlink]).toEqual([false, false]);
    expect(flags.warnings).toEqual([]);
  });

  it('--collector.disable-defaults leaves only what is enabled explicitly', async () => {
    const { config } = await apply(['--collector.disable-defaults', '--collector.meminfo', '--collector.uname']);
    expect(config.collectors.mem.meminfo.enabled).toBe(true);
    expect(config.collectors.mem.vmstat.enabled).toBe(false);
    expect(config.collectors.host.uname.enabled).toBe(true);
    expect(config.collectors.host.time.enabled).toBe(false);
    expect(config.collectors.cpu.cpu.enabled).toBe(false);
    expect(config.collectors.nic.netclass.enabled).toBe(false);
    expect(config.collectors.nic.bonding.enabled).toBe(false);
  });

  it('include flags clear the exclude defaults; flags override the file', async () => {
    const { config } = await apply(['--collector.filesystem.mount-points-include=^/$', '--collector.diskstats.device-include=^sd']);
    expect(config.collectors.disk.filesystem.mount_points_include).toBe('^/$');
    expect(config.collectors.disk.filesystem.mount_points_exclude).toBe('');
    expect(config.collectors.disk.diskstats.device_exclude).toBe('');
  });

  it('accepts node_exporter flags for collectors and features hostprobe does not have, with a warning', () => {
    const f = parseAgentFlags(['--no-collector.wifi', '--collector.systemd', '--runtime.gomaxprocs=2', '--web.disable-exporter-metrics']);
    expect(f.warnings).toEqual([
      "--collector.systemd: node_exporter's systemd collector is not provided by hostprobe; ignored",
      '--runtime.gomaxprocs is a node_exporter flag hostprobe does not use; ignored',
      '--web.disable-exporter-metrics is a node_exporter flag hostprobe does not use; ignored',
    ]);
    // --path.udev.data is used: it points the diskstats udev lookups elsewhere.
    const u = parseAgentFlags(['--path.udev.data=/host/root/run/udev/data']);
    expect(u.warnings).toEqual([]);
    expect(u.overrides).toContainEqual(
      expect.objectContaining({ path: ['collectors', 'disk', 'diskstats', 'udev_data_path'], value: '/host/root/run/udev/data' }),
    );
  });

  it('rejects unknown and malformed flags with a suggestion', () => {
    expect(() => parseAgentFlags(['--web.listen-adress=:9100'])).toThrow(
      /unknown flag --web.listen-adress=:9100; did you mean --web.listen-address\?/,
    );
    expect(() => parseAgentFlags(['--collector.filesystem.mount-points-exclude=(['])).toThrow(FlagError);
    expect(() => parseAgentFlags(['--log.level=loud'])).toThrow(/--log.level: expected one of debug, info, warn, error/);
    expect(() => parseAgentFlags(['--collector.cpuz'])).toThrow(/did you mean --collector.cpu/);
    expect(() => parseListenAddress('9100')).toThrow(/expected \[host\]:port/);
    expect(parseListenAddress('[::1]:9100')).toEqual({ address: '::1', port: 9100 });
    expect(parseListenAddress(':9100')).toEqual({ address: '', port: 9100 });
  });

  it('a bad flag exits 2; --help and --version exit 0', () => {
    if (!haveCli()) return;
    const bad = runCli(['--no-such-flag']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown flag --no-such-flag');
    const help = runCli(['--help']);
    expect(help.status).toBe(0);
    for (const c of ['check-config', 'metrics', 'ifconfig', 'free', 'df', 'ps', 'netstat', 'top']) expect(help.stdout).toContain(c);
    const agentHelp = runCli(['agent', '--help']);
    expect(agentHelp.status).toBe(0);
    expect(agentHelp.stdout).toContain('--web.listen-address');
    expect(agentHelp.stdout).toContain('9110');
    for (const sub of ['check-config', 'metrics']) {
      const r = runCli([sub, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`Usage: hostprobe ${sub}`);
    }
    const v = runCli(['--version']);
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/^hostprobe \d+\.\d+\.\d+/);
    const unknown = runCli(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });
});
