// deploy/docker/Dockerfile, checked statically (no container engine here): dockerfile-utils
// lint, the stage layout and policy (multi-stage, same Debian release and Node major in both
// stages, non-root numeric USER, exec-form ENTRYPOINT, no curl/shell HEALTHCHECK), the build
// context (.dockerignore lets in exactly what the build copies), agreement with the Helm
// chart and the agent's default port, and the ABI of the addon built here against the
// runtime image's glibc.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_PORT } from '../../src/config/schema.js';
import { REPO_ROOT, haveTool, tool, type ToolStatus } from '../helpers/tools.js';
import { CHART, DOCKERFILE, dockerfileUtilsTool, runTool } from '../helpers/deploy-tools.js';

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}
interface Stage {
  from: string;
  base: string;
  name?: string;
  instructions: Instruction[];
}

/** Parses a Dockerfile: continuation lines joined, comments dropped, ARG defaults substituted into FROM. */
function parseDockerfile(text: string): { globalArgs: Map<string, string>; stages: Stage[] } {
  const logical: Instruction[] = [];
  let buf = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!buf && (line === '' || line.startsWith('#'))) return;
    if (buf && line.startsWith('#')) return; // comment inside a continuation
    if (!buf) start = i + 1;
    if (line.endsWith('\\')) {
      buf += line.slice(0, -1) + ' ';
      return;
    }
    buf += line;
    const m = /^(\S+)\s*(.*)$/s.exec(buf) as RegExpExecArray;
    logical.push({ keyword: (m[1] as string).toUpperCase(), args: (m[2] as string).trim(), line: start });
    buf = '';
  });
  const globalArgs = new Map<string, string>();
  const subst = (s: string, vars: Map<string, string>): string =>
    s.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => vars.get((a ?? b) as string) ?? '');
  const stages: Stage[] = [];
  for (const ins of logical) {
    if (ins.keyword === 'FROM') {
      const [image, as, name] = ins.args.replace(/--platform=\S+\s+/, '').split(/\s+/);
      const st: Stage = { from: image as string, base: subst(image as string, globalArgs), instructions: [] };
      if (as?.toUpperCase() === 'AS' && name) st.name = name;
      stages.push(st);
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') {
        const [k, v = ''] = ins.args.split('=');
        globalArgs.set(k as string, subst(v, globalArgs));
      }
    } else {
      (stages[stages.length - 1] as Stage).instructions.push(ins);
    }
  }
  return { globalArgs, stages };
}

/** .dockerignore semantics (moby patternmatcher): last matching pattern wins; a pattern matching a parent matches the path. */
function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const neg = l.startsWith('!');
      const p = (neg ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '');
      let re = '';
      for (let i = 0; i < p.length; i++) {
        const ch = p[i] as string;
        if (ch === '*' && p[i + 1] === '*') {
          if (p[i + 2] === '/') {
            re += '(?:.*/)?';
            i += 2;
          } else {
            re += '.*';
            i += 1;
          }
        } else if (ch === '*') re += '[^/]*';
        else if (ch === '?') re += '[^/]';
        else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return { neg, re: new RegExp(`^${re}$`) };
    });
  return (path: string): boolean => {
    const parts = path.split('/');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const r of rules) if (candidates.some((c) => r.re.test(c))) excluded = !r.neg;
    return excluded;
  };
}

const text = readFileSync(DOCKERFILE, 'utf8');
const { stages } = parseDockerfile(text);
const build = stages[0] as Stage;
const runtime = stages[stages.length - 1] as Stage;
const values = parseYaml(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as {
  image: { node: string; entrypoint: string };
  podSecurityContext: { runAsUser: number; runAsGroup: number };
  web: { port: number };
  resources: { limits: { memory: string } };
};
const all = (st: Stage, kw: string): Instruction[] => st.instructions.filter((i) => i.keyword === kw);
const DEBIAN_RELEASE: Record<string, string> = { bullseye: '11', bookworm: '12', trixie: '13' };

describe('Dockerfile: lint', () => {
  const du = dockerfileUtilsTool();
  it.skipIf(!haveTool(du))('dockerfile-utils lint reports nothing', () => {
    const r = runTool(du.path as string, ['lint', DOCKERFILE]);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('Dockerfile: stages and policy', () => {
  it('is multi-stage: a named build stage and a runtime stage that only copies from it', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build.name).toBe('build');
    expect(runtime.name).not.toBe('build');
    const copies = all(runtime, 'COPY');
    expect(copies.length).toBeGreaterThan(0);
    for (const c of copies) expect(c.args, `line ${c.line}`).toMatch(/--from=build\b/);
    // Nothing is compiled or installed in the runtime stage (it has no shell anyway).
    expect(all(runtime, 'RUN')).toEqual([]);
    expect(all(runtime, 'ADD')).toEqual([]);
  });

  it('builds on node:24-bookworm and runs on distroless Node 24 of the same Debian release', () => {
    const b = /^node:(\d+)-(\w+)$/.exec(build.base);
    expect(b, build.base).not.toBeNull();
    const r = /^gcr\.io\/distroless\/nodejs(\d+)-debian(\d+)(:nonroot)?(@sha256:[0-9a-f]{64})?$/.exec(runtime.base);
    expect(r, runtime.base).not.toBeNull();
    expect(b?.[1]).toBe('24');
    expect(r?.[1]).toBe(b?.[1]); // same Node major: the addon's N-API build matches the runtime's node
    expect(DEBIAN_RELEASE[b?.[2] as string]).toBe(r?.[2]); // same glibc
    expect(r?.[3] ?? r?.[4]).toBeTruthy(); // the nonroot tag or a digest, never an implicit :latest
    for (const s of stages) expect(s.base).not.toMatch(/:latest$/);
  });

  it('the build stage has the addon toolchain and runs npm ci (which compiles the addon), then drops dev dependencies', () => {
    const runs = all(build, 'RUN').map((i) => i.args);
    const apt = runs.find((r) => /apt-get install/.test(r)) ?? '';
    for (const pkg of ['cmake', 'ninja-build', 'g++']) expect(apt.split(/\s+/), pkg).toContain(pkg);
    expect(apt).toMatch(/--no-install-recommends/);
    expect(apt).toMatch(/rm -rf \/var\/lib\/apt\/lists/);
    const npm = runs.find((r) => /\bnpm ci\b/.test(r)) ?? '';
    expect(npm).toMatch(/\bnpm ci\b(?! --ignore-scripts)/);
    expect(npm).toMatch(/npm prune --omit=dev/);
    // The prune drops the agent's packages too (optional peers, dev dependencies of the
    // checkout); they come back after it, or the agent in the image refuses to start.
    expect(npm).toMatch(/npm prune --omit=dev \\?\s*&& node scripts\/agent-packages\.mjs/);
    expect(npm).toMatch(/test -f build\/Release\/hostprobe\.node/);
    // npm ci runs the install hook, which is what builds the addon and the TypeScript.
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.install).toMatch(/scripts\/build\.mjs/);
  });

  it('runs as the numeric non-root user the chart expects, on the agent default port, with an exec-form ENTRYPOINT', () => {
    const users = all(runtime, 'USER');
    expect(users).toHaveLength(1);
    const [uid, gid] = (users[0] as Instruction).args.split(':').map(Number);
    expect(uid).toBeGreaterThan(0);
    expect(gid).toBeGreaterThan(0);
    expect(uid).toBe(values.podSecurityContext.runAsUser);
    expect(gid).toBe(values.podSecurityContext.runAsGroup);

    expect(all(runtime, 'EXPOSE').map((i) => i.args)).toEqual([String(DEFAULT_PORT)]);
    expect(values.web.port).toBe(DEFAULT_PORT);

    const eps = all(runtime, 'ENTRYPOINT');
    expect(eps).toHaveLength(1);
    const ep = JSON.parse((eps[0] as Instruction).args) as string[]; // exec form: a JSON array
    expect(Array.isArray(ep)).toBe(true);
    expect(ep[0]).toBe(values.image.node);
    expect(ep[ep.length - 1]).toBe(values.image.entrypoint);
    // The same heap limit as the chart derives from its default memory limit (75 %).
    const limitMi = Number(/^(\d+)Mi$/.exec(values.resources.limits.memory)?.[1]);
    expect(ep).toContain(`--max-old-space-size=${Math.floor((limitMi * 3) / 4)}`);
    for (const cmd of all(runtime, 'CMD')) expect(cmd.args.startsWith('['), 'CMD exec form').toBe(true);
  });

  it('has no curl/wget or shell-form HEALTHCHECK, no remote ADD, no secrets in ENV/ARG', () => {
    for (const s of stages) {
      for (const hc of all(s, 'HEALTHCHECK')) {
        expect(hc.args).not.toMatch(/curl|wget/);
        expect(hc.args).toMatch(/^(NONE|.*CMD \[)/);
      }
      for (const add of all(s, 'ADD')) expect(add.args).not.toMatch(/https?:\/\//);
      for (const i of [...all(s, 'ENV'), ...all(s, 'ARG')]) expect(i.args).not.toMatch(/PASSWORD|SECRET|TOKEN|API_KEY/i);
    }
  });

  it('the runtime has what the agent loads: package.json (ESM), node_modules, dist, and the addon where src/native/addon.ts looks', () => {
    const workdir = all(runtime, 'WORKDIR')
      .map((i) => i.args)
      .pop();
    expect(workdir).toBe('/app');
    expect(values.image.entrypoint.startsWith(`${workdir}/dist/`)).toBe(true);
    const dests = all(runtime, 'COPY').map((c) => {
      const parts = c.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      return { src: parts[0] as string, dest: (parts[parts.length - 1] as string).replace(/^\.\//, `${workdir}/`) };
    });
    const has = (src: string, dest: string): boolean => dests.some((d) => d.src === src && d.dest === dest);
    expect(has('/src/package.json', '/app/package.json')).toBe(true);
    expect(has('/src/node_modules', '/app/node_modules')).toBe(true);
    expect(has('/src/dist', '/app/dist')).toBe(true);
    // addon.ts: <dist/native/addon.js>/../../build/Release/hostprobe.node
    expect(has('/src/build/Release/hostprobe.node', '/app/build/Release/hostprobe.node')).toBe(true);
    const addonTs = readFileSync(join(REPO_ROOT, 'src', 'native', 'addon.ts'), 'utf8');
    expect(addonTs).toMatch(/join\(root, 'build', 'Release', 'hostprobe\.node'\)/);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { type: string };
    expect(pkg.type).toBe('module');
  });
});

describe('Dockerfile: build context', () => {
  const excluded = dockerignore(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8'));
  const tracked = execFileSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);

  it('every path the build stage copies is tracked and let in by .dockerignore, in full', () => {
    const sources = all(build, 'COPY').flatMap((c) => {
      const parts = c.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      return parts.slice(0, -1);
    });
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) {
      const files = tracked.filter((f) => f === src || f.startsWith(`${src}/`));
      expect(files.length, `${src} is tracked`).toBeGreaterThan(0);
      expect(files.filter(excluded), `${src}: files .dockerignore leaves out`).toEqual([]);
    }
    // What npm ci and its install hook need.
    for (const need of ['package.json', 'package-lock.json', 'CMakeLists.txt', 'tsconfig.json', 'scripts', 'native', 'src']) {
      expect(sources, need).toContain(need);
    }
  });

  it('.dockerignore keeps local builds, dependencies, VCS data and key material out', () => {
    for (const p of [
      'node_modules/yaml/package.json',
      'build/Release/hostprobe.node',
      'dist/index.js',
      '.git/config',
      'test/unit/cpu.test.ts',
      'native/x/local.node',
      'src/.env',
      'scripts/key.pem',
    ]) {
      expect(excluded(p), p).toBe(true);
    }
    for (const p of ['package.json', 'native/core/roots.h', 'src/index.ts', 'scripts/build.mjs']) expect(excluded(p), p).toBe(false);
  });
});

describe('Dockerfile: the addon built here fits the runtime image', () => {
  const addon = join(REPO_ROOT, 'build', 'Release', 'hostprobe.node');
  const addonStatus: ToolStatus = existsSync(addon)
    ? { path: addon, reason: '' }
    : { path: null, reason: `${addon} not built (npm run build)` };
  const readelf = tool('readelf', 'apt-get install binutils');
  const runtimeRelease = /debian(\d+)/.exec(runtime.base)?.[1];
  // glibc and libstdc++ of the runtime's Debian release (distroless images are built from its packages).
  const LIBS: Record<string, { glibc: string; glibcxx: string }> = {
    '12': { glibc: '2.36', glibcxx: '3.4.30' },
    '13': { glibc: '2.41', glibcxx: '3.4.33' },
  };
  const cmp = (a: string, b: string): number => {
    const x = a.split('.').map(Number);
    const y = b.split('.').map(Number);
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  };

  it.skipIf(!(haveTool(readelf) && haveTool(addonStatus)))(
    'needs no newer glibc/libstdc++ symbols and no other shared libraries than the runtime has',
    () => {
      const limits = LIBS[runtimeRelease as string];
      expect(limits, `known Debian release ${runtimeRelease}`).toBeDefined();
      const syms = execFileSync(readelf.path as string, ['--dyn-syms', '-W', addon], { encoding: 'utf8' });
      const versions = (re: RegExp): string[] => [...syms.matchAll(re)].map((m) => m[1] as string);
      const glibc = versions(/@GLIBC_([\d.]+)/g);
      const glibcxx = versions(/@GLIBCXX_([\d.]+)/g);
      expect(glibc.length).toBeGreaterThan(0);
      const maxOf = (v: string[]): string => v.reduce((a, b) => (cmp(a, b) >= 0 ? a : b), '0');
      expect(cmp(maxOf(glibc), limits?.glibc as string), `GLIBC_${maxOf(glibc)}`).toBeLessThanOrEqual(0);
      if (glibcxx.length) expect(cmp(maxOf(glibcxx), limits?.glibcxx as string), `GLIBCXX_${maxOf(glibcxx)}`).toBeLessThanOrEqual(0);

      const dyn = execFileSync(readelf.path as string, ['-d', '-W', addon], { encoding: 'utf8' });
      const needed = [...dyn.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1] as string);
      // What the distroless cc/nodejs images carry.
      const provided = [
        /^libc\.so\.6$/,
        /^libm\.so\.6$/,
        /^libstdc\+\+\.so\.6$/,
        /^libgcc_s\.so\.1$/,
        /^libpthread\.so\.0$/,
        /^libdl\.so\.2$/,
        /^ld-linux/,
      ];
      for (const n of needed)
        expect(
          provided.some((p) => p.test(n)),
          n,
        ).toBe(true);
    },
  );
});
