/**
 * The packages the agent needs beyond the library: `npm install hostprobe` installs the
 * library alone (they are optional peer dependencies in package.json), so the agent and the
 * commands built on its config and sinks (`agent`, `check-config`, `metrics`) check for them
 * first and name the one command that adds them, rather than failing deep in an import.
 * The single-file binary and a checkout carry them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSea } from '../sea.js';

/** What the agent imports (yaml: config; bcryptjs: basic auth; OpenTelemetry: the OTLP sink). */
export const AGENT_PACKAGES = [
  '@opentelemetry/api',
  '@opentelemetry/exporter-metrics-otlp-http',
  '@opentelemetry/otlp-exporter-base',
  '@opentelemetry/otlp-transformer',
  '@opentelemetry/resources',
  '@opentelemetry/sdk-metrics',
  'bcryptjs',
  'yaml',
] as const;

/**
 * Optional peers that only the library integrations import, beside agent packages
 * (hostprobe/prom-client: prom-client and yaml; hostprobe/otel: @opentelemetry/api and yaml).
 */
export const INTEGRATION_PACKAGES = ['prom-client'] as const;

/** The package root's package.json (dist/cli and src/cli both sit two levels below it). */
function packageJsonPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json');
}

/** Whether a package resolves from this module (every agent package has a CommonJS entry too). */
function resolvable(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** The agent packages that do not resolve here (none in the single-file binary, which bundles them). */
export function missingAgentPackages(isThere: (name: string) => boolean = resolvable): string[] {
  if (isSea()) return [];
  return AGENT_PACKAGES.filter((p) => !isThere(p));
}

/** The `npm install` that adds the agent packages, with package.json's version ranges. */
export function agentInstallCommand(packageJson: string = packageJsonPath()): string {
  let peers: Record<string, string> = {};
  try {
    const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { peerDependencies?: Record<string, string> };
    peers = pkg.peerDependencies ?? {};
  } catch {
    // names without ranges still install
  }
  return `npm install ${AGENT_PACKAGES.map((p) => (peers[p] ? `'${p}@${peers[p]}'` : p)).join(' ')}`;
}

/** One line naming what is missing and the command that adds it, or null when all is there. */
export function agentPackagesProblem(command: string, isThere?: (name: string) => boolean): string | null {
  const missing = missingAgentPackages(isThere);
  if (missing.length === 0) return null;
  return (
    `hostprobe: '${command}' needs the agent's packages, which a library install of hostprobe leaves out ` +
    `(missing: ${missing.join(', ')}); add them next to hostprobe: ${agentInstallCommand()}`
  );
}
