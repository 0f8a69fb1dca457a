/**
 * Refuses a Node.js older than package.json's engines (^22.15.0 || >=24.0.0) with one line,
 * before anything else loads: src/cli/main.ts imports this module first, and its only
 * other static import (build-info) loads on any Node that still runs ES modules, so an old
 * Node gets this message rather than an error from deep inside the agent.
 */
export const MIN_NODE = { major: 22, minor: 15 } as const;

/** Whether a `process.versions.node` string is new enough. */
export function nodeVersionSupported(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((p) => Number.parseInt(p, 10));
  return major > MIN_NODE.major || (major === MIN_NODE.major && minor >= MIN_NODE.minor);
}

if (!nodeVersionSupported(process.versions.node)) {
  // stderr is synchronous for files, pipes and terminals on Linux: the line is out before exit.
  process.stderr.write(`hostprobe: Node.js >= ${MIN_NODE.major}.${MIN_NODE.minor} is required (running ${process.version})\n`);
  process.exit(1);
}
