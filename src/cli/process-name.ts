/**
 * The agent's process name: `hostprobe` in /proc/<pid>/comm, which `ps -o comm`, `top`,
 * process-exporter and the agent's own process groups read (Node 24 names its main thread
 * `MainThread`, Node 22 `node`).
 *
 * Written to /proc/self/comm (the main thread's name, the process's in /proc/<pid>/stat)
 * rather than through process.title, which also overwrites the argument area: the command
 * line, with its flags, stays visible in `ps -f` and /proc/<pid>/cmdline. Where /proc is
 * not writable, process.title sets the name (and the command line) instead.
 */
import { writeFileSync } from 'node:fs';

const PROCESS_NAME = 'hostprobe';

export function setProcessName(): void {
  try {
    writeFileSync('/proc/self/comm', PROCESS_NAME);
  } catch {
    process.title = PROCESS_NAME;
  }
}
