// node_exporter v1.12.1, the reference every comparison uses: the binary
// (.ci/install.d/45-node-exporter.sh builds it into ~/go/bin with `go install`), its module
// source in the Go module cache (collector/fixtures, end-to-end-test.sh, ttar), an unpacker
// for its ttar archives, and the flags of its end-to-end test, read from the script itself.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ToolStatus } from './tools.js';

export const NODE_EXPORTER_VERSION = '1.12.1';
export const NODE_EXPORTER_MODULE = 'github.com/prometheus/node_exporter';
const INSTALL = 'bash .ci/install.d/45-node-exporter.sh';

let binCache: ToolStatus | undefined;

/** node_exporter 1.12.1: ~/go/bin/node_exporter or `node_exporter` on PATH, whose --version says 1.12.1. */
export function nodeExporter(): ToolStatus {
  if (binCache) return binCache;
  const which = spawnSync('sh', ['-c', 'command -v node_exporter'], { encoding: 'utf8' }).stdout.trim();
  const candidates = [join(homedir(), 'go', 'bin', 'node_exporter'), which].filter((p) => p && existsSync(p));
  const seen: string[] = [];
  for (const p of candidates) {
    const r = spawnSync(p, ['--version'], { encoding: 'utf8' });
    const first = `${r.stdout}${r.stderr}`.split('\n')[0] ?? '';
    if (first.startsWith(`node_exporter, version ${NODE_EXPORTER_VERSION} `)) return (binCache = { path: p, reason: '' });
    seen.push(`${p} says "${first}"`);
  }
  const why = seen.length ? `no node_exporter ${NODE_EXPORTER_VERSION} (${seen.join('; ')})` : 'node_exporter not found';
  return (binCache = { path: null, reason: `${why} (${INSTALL})` });
}

let modCache: ToolStatus | undefined;

/**
 * The module source of node_exporter v1.12.1 (read-only, in the Go module cache), located
 * with `go mod download -json`, which also fetches it from the proxy when it is not there.
 */
export function nodeExporterModule(): ToolStatus {
  if (modCache) return modCache;
  const goCandidates = ['/usr/local/go/bin/go', spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).stdout.trim()];
  const go = goCandidates.find((p) => p && existsSync(p));
  if (!go) return (modCache = { path: null, reason: `go not found, needed for the node_exporter module source (${INSTALL})` });
  const r = spawnSync(go, ['mod', 'download', '-json', `${NODE_EXPORTER_MODULE}@v${NODE_EXPORTER_VERSION}`], {
    encoding: 'utf8',
    cwd: homedir(),
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
  if (r.status !== 0) {
    return (modCache = {
      path: null,
      reason: `go mod download ${NODE_EXPORTER_MODULE}@v${NODE_EXPORTER_VERSION} failed: ${r.stdout}${r.stderr}`,
    });
  }
  const dir = (JSON.parse(r.stdout) as { Dir?: string }).Dir;
  if (!dir || !existsSync(join(dir, 'end-to-end-test.sh'))) {
    return (modCache = { path: null, reason: `go mod download gave no module directory with end-to-end-test.sh: ${r.stdout}` });
  }
  return (modCache = { path: dir, reason: '' });
}

/**
 * Unpacks a ttar archive (node_exporter's plain-text tar: `Directory:`, `Path:` + `Lines:`
 * + content, `SymlinkTo:`, `Mode:`) into `dest`, as its `ttar -C dest -x -f archive` does:
 * "NULLBYTE" is a NUL byte and a trailing "EOF" marks a last line without newline (both
 * escaped with a backslash when literal). The script runs a sed per line (half a minute for
 * sys.ttar); this takes milliseconds. Throws on an unknown line, naming the archive and line.
 */
export function unpackTtar(archive: string, dest: string): number {
  const lines = readFileSync(archive, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let path = '';
  let entries = 0;
  const at = (rel: string): string => join(dest, rel);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    let m: RegExpExecArray | null;
    if ((m = /^Path: (.*)$/.exec(line))) {
      path = m[1] as string;
      rmSync(at(path), { force: true });
    } else if ((m = /^Lines: (.*)$/.exec(line))) {
      const n = Number(m[1]);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${archive}:${i + 1}: bad line count ${JSON.stringify(m[1])}`);
      if (i + n >= lines.length) throw new Error(`${archive}:${i + 1}: ${path} needs ${n} lines, the archive ends first`);
      let out = '';
      for (let k = 1; k <= n; k++) {
        const l = lines[i + k] as string;
        const noNewline = /[^\\]EOF/.test(l);
        out +=
          l
            .replace(/(^|[^\\])NULLBYTE/g, '$1\0')
            .replace(/(^|[^\\])NULLBYTE/g, '$1\0')
            .replace(/\\NULLBYTE/g, 'NULLBYTE')
            .replace(/([^\\])EOF/g, '$1')
            .replace(/\\EOF/g, 'EOF') + (noNewline ? '' : '\n');
      }
      mkdirSync(dirname(at(path)), { recursive: true });
      writeFileSync(at(path), out);
      i += n;
      entries++;
    } else if ((m = /^Mode: (.*)$/.exec(line))) {
      const mode = parseInt(m[1] as string, 8);
      if (!Number.isInteger(mode)) throw new Error(`${archive}:${i + 1}: bad mode ${JSON.stringify(m[1])}`);
      chmodSync(at(path), mode);
    } else if ((m = /^Directory: (.*)$/.exec(line))) {
      path = m[1] as string;
      mkdirSync(at(path), { recursive: true });
      entries++;
    } else if ((m = /^SymlinkTo: (.*)$/.exec(line))) {
      mkdirSync(dirname(at(path)), { recursive: true });
      symlinkSync(m[1] as string, at(path));
      entries++;
    } else if (!line.startsWith('#')) {
      throw new Error(`${archive}:${i + 1}: unknown ttar keyword: ${line}`);
    }
  }
  return entries;
}

/**
 * Copies the module's collector/fixtures to `<root>/collector/fixtures` (writable), unpacks
 * sys.ttar and udev.ttar there as its Makefile does, and restores proc/self -> 10: the one
 * symlink of the fixture tree in git, which a Go module zip cannot hold. The tree is laid
 * out as in the module, so the relative paths of end-to-end-test.sh work from `root`.
 */
export function prepareFixtureTree(moduleDir: string, root: string): void {
  const fixtures = join(root, 'collector', 'fixtures');
  cpSync(join(moduleDir, 'collector', 'fixtures'), fixtures, { recursive: true });
  // The module cache is read-only (0444 files, 0555 directories); so would be the copy.
  const makeWritable = (p: string): void => {
    const st = statSync(p);
    chmodSync(p, st.mode | 0o200);
  };
  const walk = (d: string): void => {
    makeWritable(d);
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(p);
      else if (st) makeWritable(p);
    }
  };
  walk(fixtures);
  for (const a of ['sys', 'udev']) unpackTtar(join(fixtures, `${a}.ttar`), fixtures);
  const self = join(fixtures, 'proc', 'self');
  if (!existsSync(self)) symlinkSync('10', self);
}

export interface EndToEndFlags {
  /** Collectors the script enables (its enabled_collectors list). */
  enabled: string[];
  /** Collectors the script disables (selinux, filesystem, timex, uname). */
  disabled: string[];
  /** The full argument list (paths, collectors, collector options), without --web.* and --log.*. */
  args: string[];
  /** Lines of /metrics the script drops before comparing (its skip_re). */
  skip: RegExp;
  /** The expected output for this architecture (collector/fixtures/e2e-output.txt on x86_64). */
  expectedFile: string;
}

function heredoc(script: string, variable: string, marker: string, file: string): string {
  const re = new RegExp(`^${variable}=\\$\\(cat << ${marker}\\n([\\s\\S]*?)\\n${marker}\\n\\)`, 'm');
  const m = re.exec(script);
  if (!m) throw new Error(`${file}: no ${variable}=$(cat << ${marker} ... ${marker}) block`);
  return m[1] as string;
}

/**
 * The flags node_exporter's end-to-end-test.sh runs node_exporter with, read from the script
 * (Linux; `arch` as `uname -m`). Every collector of both lists exists on Linux in 1.12.1, so
 * the script's "supported collectors" filter keeps them all (the test checks that against
 * node_scrape_collector_success of the expected output).
 */
export function endToEndFlags(moduleDir: string, arch = process.arch === 'arm64' ? 'aarch64' : 'x86_64'): EndToEndFlags {
  const file = join(moduleDir, 'end-to-end-test.sh');
  const script = readFileSync(file, 'utf8');
  const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);
  const enabled = words(heredoc(script, 'enabled_collectors', 'COLLECTORS', file));
  const disabled = words(heredoc(script, 'disabled_collectors', 'COLLECTORS', file));
  const x86 = arch === 'x86_64';
  const caseBlock = /case "\$\{arch\}" in\n\s+x86_64\)\n([\s\S]*?);;/.exec(script);
  if (!caseBlock) throw new Error(`${file}: no x86_64 case for the cpu info flags`);
  const caseVar = (name: string): string => {
    const m = new RegExp(`${name}='([^']*)'`).exec(caseBlock[1] as string);
    if (!m) throw new Error(`${file}: no ${name} in the x86_64 case`);
    return m[1] as string;
  };
  const vars: Record<string, string> = {
    extra_flags: '',
    cpu_info_collector: x86 ? caseVar('cpu_info_collector') : '--no-collector.cpu.info',
    cpu_info_bugs: x86 ? caseVar('cpu_info_bugs') : '',
    cpu_info_flags: x86 ? caseVar('cpu_info_flags') : '',
  };
  const collectorFlags = words(
    heredoc(script, 'collector_flags', 'FLAGS', file).replace(/\$\{(\w+)\}/g, (_, v: string) => {
      if (!(v in vars)) throw new Error(`${file}: collector_flags uses \${${v}}, which this reader does not know`);
      return vars[v] as string;
    }),
  );
  const paths = [...script.matchAll(/^\s+(--path\.[a-z.]+="[^"]*")/gm)].map((m) => (m[1] as string).replace(/="([^"]*)"$/, '=$1'));
  if (paths.length !== 4) throw new Error(`${file}: expected the four --path.* flags of the node_exporter command, found ${paths.length}`);
  const skip = /^skip_re="([^"]+)"$/m.exec(script);
  if (!skip) throw new Error(`${file}: no skip_re`);
  return {
    enabled,
    disabled,
    args: [...paths, ...enabled.map((c) => `--collector.${c}`), ...disabled.map((c) => `--no-collector.${c}`), ...collectorFlags],
    skip: new RegExp(skip[1] as string),
    expectedFile: join(moduleDir, 'collector', 'fixtures', x86 ? 'e2e-output.txt' : 'e2e-64k-page-output.txt'),
  };
}

/** node_exporter's collectors and whether each is on by default, from its --help. */
export function nodeExporterCollectors(bin: string): Map<string, boolean> {
  const r = spawnSync(bin, ['--help'], { encoding: 'utf8' });
  const text = `${r.stdout}${r.stderr}`.replace(/\s+/g, ' ');
  const out = new Map<string, boolean>();
  for (const m of text.matchAll(/--\[no-\]collector\.([a-z0-9_]+) Enable the \1 collector \(default: (enabled|disabled)\)/g)) {
    out.set(m[1] as string, m[2] === 'enabled');
  }
  if (out.size < 40) throw new Error(`${bin} --help: expected node_exporter's collector flags, parsed ${out.size}`);
  return out;
}
