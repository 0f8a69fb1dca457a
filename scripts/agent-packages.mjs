#!/usr/bin/env node
// Adds the agent's packages (src/cli/agent-deps.ts AGENT_PACKAGES: yaml, bcryptjs, the
// OpenTelemetry packages) to a built checkout whose dev dependencies were pruned, at the
// versions package-lock.json pins, so the container image's runtime carries what the agent
// imports and nothing a build needs. The package keeps them as optional peer dependencies
// (a library install leaves them out), which `npm prune --omit=dev` removes from a checkout.
//
// Usage (after npm ci, the build and npm prune --omit=dev): node scripts/agent-packages.mjs
// They are installed into a scratch project and copied into ./node_modules (installing them
// here would make npm reconcile the whole lockfile and bring the dev dependencies back).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fail = (msg) => {
  console.error(`agent-packages: ${msg}`);
  process.exit(1);
};

const { AGENT_PACKAGES, missingAgentPackages } = await import(join(root, 'dist', 'cli', 'agent-deps.js')).catch((e) =>
  fail(`dist/cli/agent-deps.js not built (npm run build): ${e.message}`),
);
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const specs = AGENT_PACKAGES.map((name) => {
  const version = lock.packages?.[`node_modules/${name}`]?.version;
  if (!version) fail(`package-lock.json pins no version of ${name}`);
  return `${name}@${version}`;
});

const scratch = mkdtempSync(join(tmpdir(), 'hostprobe-agent-packages-'));
try {
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ private: true }));
  console.log(`agent-packages: npm install ${specs.join(' ')}`);
  execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--omit=dev', '--no-package-lock', ...specs], {
    cwd: scratch,
    stdio: 'inherit',
  });
  const dest = join(root, 'node_modules');
  mkdirSync(dest, { recursive: true });
  for (const entry of readdirSync(join(scratch, 'node_modules'))) {
    if (entry === '.package-lock.json') continue;
    cpSync(join(scratch, 'node_modules', entry), join(dest, entry), { recursive: true, force: true });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const missing = missingAgentPackages();
if (missing.length) fail(`still missing after the install: ${missing.join(', ')}`);
console.log(`agent-packages: ${AGENT_PACKAGES.length} agent packages in node_modules`);
