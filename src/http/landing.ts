/** The landing page at `/`: links, build info, and how each collector did in the last poll. */
import type { CollectorName, CollectorStatus } from '../contract/snapshot.js';
import type { BuildInfo } from '../contract/build-info.js';

export interface LandingInfo {
  readonly build: BuildInfo;
  readonly pollIntervalSeconds: number;
  /** The last poll: when (unix ms), seq, and per-collector status. */
  readonly lastPoll?: {
    readonly timestamp: number;
    readonly seq: number;
    readonly durationSeconds: number;
    readonly collectors: Readonly<Partial<Record<CollectorName, CollectorStatus>>>;
  };
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export function landingPage(info: LandingInfo, metricsPath: string): string {
  const b = info.build;
  const rows = Object.entries(info.lastPoll?.collectors ?? {})
    .map(([name, s]) => {
      if (!s) return '';
      const state = s.success ? 'ok' : `failed: ${esc(s.error ?? '')}`;
      return `<tr><td>${esc(name)}</td><td>${state}</td><td>${s.durationSeconds.toFixed(4)} s</td></tr>`;
    })
    .join('\n');
  const last = info.lastPoll
    ? `<p>Last poll #${info.lastPoll.seq} at ${esc(new Date(info.lastPoll.timestamp).toISOString())}, took ${info.lastPoll.durationSeconds.toFixed(4)} s (every ${info.pollIntervalSeconds} s).</p>`
    : '<p>No poll has completed yet.</p>';
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>hostprobe</title>
<style>body{font-family:sans-serif;max-width:50em;margin:2em auto}td,th{padding:.2em 1em;text-align:left}</style>
</head>
<body>
<h1>hostprobe</h1>
<p>Linux host metrics, node_exporter compatible.</p>
<ul>
<li><a href="${esc(metricsPath)}">Metrics</a> (${esc(metricsPath)})</li>
<li><a href="/healthz">Health</a> (/healthz)</li>
<li><a href="/readyz">Readiness</a> (/readyz)</li>
</ul>
<h2>Build</h2>
<p>version ${esc(b.version)}, revision ${esc(b.revision)}, node ${esc(b.nodeVersion)}, ${esc(b.goos)}/${esc(b.goarch)}</p>
<h2>Collectors</h2>
${last}
<table><tr><th>collector</th><th>last poll</th><th>duration</th></tr>
${rows}
</table>
</body>
</html>
`;
}
