// The split between the library and the agent in package.json, checked against the sources:
// the agent's packages are optional peer dependencies (a library install leaves them out),
// and nothing in src/ imports a package outside that list; the library's own modules import
// none of them at all.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AGENT_PACKAGES,
  INTEGRATION_PACKAGES,
  agentInstallCommand,
  agentPackagesProblem,
  missingAgentPackages,
} from '../../../src/cli/agent-deps.js';
import { REPO_ROOT } from '../../helpers/tools.js';

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
}
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const SOURCE_BUILD = ['cmake-js', 'node-addon-api', 'node-api-headers'];
const SRC = join(REPO_ROOT, 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Specifiers of a file's static imports and re-exports (`import ... from`, `export ... from`, bare `import '...'`). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s(?:[^'";]*?\sfrom\s)?'([^']+)'/gm)].map((m) => m[1] ?? '');
}

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`). */
function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? spec);
}

describe('package.json: the library installs alone', () => {
  it('has no runtime dependencies', () => {
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it("the optional peers are the agent packages, the integrations' and the from-source build tools, each also a devDependency", () => {
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual([...AGENT_PACKAGES, ...INTEGRATION_PACKAGES, ...SOURCE_BUILD].sort());
    for (const [name, range] of Object.entries(pkg.peerDependencies)) {
      expect(pkg.peerDependenciesMeta[name]?.optional, name).toBe(true);
      expect(pkg.devDependencies[name], name).toBe(range);
    }
  });

  it('src/ imports no package but the agent packages and node: built-ins (and src/integrations, its own peers)', () => {
    const used = new Set<string>();
    const integrations = new Set<string>();
    for (const f of tsFiles(SRC)) {
      const into = f.startsWith(join(SRC, 'integrations')) ? integrations : used;
      for (const s of specifiers(f)) if (!s.startsWith('.') && !s.startsWith('node:')) into.add(packageOf(s));
    }
    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((p) => !(AGENT_PACKAGES as readonly string[]).includes(p))).toEqual([]);
    const allowed: readonly string[] = [...AGENT_PACKAGES, ...INTEGRATION_PACKAGES];
    expect(integrations).toContain('prom-client');
    expect([...integrations].filter((p) => !allowed.includes(p))).toEqual([]);
  });

  it('the library (src/index.ts and everything it imports, statically) imports none of them', () => {
    const seen = new Set<string>();
    const bare = new Set<string>();
    const walk = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const s of specifiers(file)) {
        if (s.startsWith('.')) walk(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
        else if (!s.startsWith('node:')) bare.add(s);
      }
    };
    walk(join(SRC, 'index.ts'));
    expect(seen.size).toBeGreaterThan(10);
    expect([...bare]).toEqual([]);
  });
});

describe('the agent commands without the agent packages', () => {
  it('names every missing package and the npm install with package.json ranges', () => {
    expect(missingAgentPackages()).toEqual([]);
    expect(agentPackagesProblem('metrics')).toBeNull();
    const missing = agentPackagesProblem('metrics', (p) => p !== 'yaml' && p !== 'bcryptjs');
    expect(missing).toContain("'metrics' needs the agent's packages");
    expect(missing).toContain('(missing: bcryptjs, yaml)');
    expect(missing).toContain(agentInstallCommand());
    for (const p of AGENT_PACKAGES) expect(agentInstallCommand()).toContain(`'${p}@${pkg.peerDependencies[p]}'`);
  });
});
